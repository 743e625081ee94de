"""Atmos's deep merge of several configuration files, each value keeping the file and line it came from.

Maps merge key by key and anything else (a list, a scalar) is replaced by the later file, as viper does.
Identities are the exception, as in Atmos (`fixAuthIdentities`): an identity is replaced whole by the
last file that defines it, and its name matches in any case (`Dev-Admin` and `dev-admin` are one).
"""

from __future__ import annotations

from typing import Any

from atmos_auth.config.yaml_source import YamlPath, YamlSource, hidden

_IDENTITIES = ("auth", "identities")


def merge_into(base: YamlSource, top: YamlSource) -> None:
    """Merge `top` over `base`, in place."""
    base.files += [f for f in top.files if f not in base.files]
    base.problems += top.problems
    base.failed |= top.failed
    base.appends |= top.appends
    for path in sorted(top.unset, key=len):
        _unset(base, path)
    base.unset |= top.unset
    if top.data is None:
        return
    if not isinstance(base.data, dict) or not isinstance(top.data, dict):
        if top.data is not None:
            _drop(base, (), base.data)
            _replace(base, top, (), top.data)
            base.data = top.data
        return
    _merge_map(base, top, base.data, top.data, ())


def _merge_map(base: YamlSource, top: YamlSource, into: dict[str, Any], over: dict[str, Any],
               path: YamlPath) -> None:
    for key, value in over.items():
        child = (*path, key)
        if path == _IDENTITIES:
            key = same_name(into, key)
            if key != child[-1]:  # renamed: the identity keeps the last file's spelling
                _drop(base, (*path, key), into.pop(key))
                key = child[-1]
        old = into.get(key)
        if isinstance(old, dict) and isinstance(value, dict) and path != _IDENTITIES:
            base.lines[child] = top.lines.get(child, base.lines.get(child, (top.name, 1)))
            _merge_map(base, top, old, value, child)
            continue
        if child in top.appends and isinstance(old, list) and isinstance(value, list):
            for index, item in enumerate(value):  # `!append`: after what earlier files listed
                _replace(base, top, (*child, str(index)), item, at=(*child, str(len(old) + index)))
            into[key] = old + value
            continue
        if key in into:
            _drop(base, child, old)
        _replace(base, top, child, value)
        into[key] = value


def same_name(names: Any, key: str) -> str:
    """The name among `names` that `key` means, in any case (lower-cased, as Atmos folds identity names);
    `key` itself when there is none."""
    if not isinstance(names, dict) or key in names:
        return key
    folded = key.lower()
    return next((k for k in names if k.lower() == folded), key)


def _drop(base: YamlSource, path: YamlPath, value: Any) -> None:
    """Forget where the values under `path` came from (they are being replaced)."""
    for known in _paths(path, value):
        base.lines.pop(known, None)
        base.from_env.discard(known)


def _replace(base: YamlSource, top: YamlSource, path: YamlPath, value: Any, at: YamlPath | None = None) -> None:
    """Take where `top`'s values under `path` came from (placed under `at` when given)."""
    size = len(path)
    for known in _paths(path, value):
        target = known if at is None else (*at, *known[size:])
        if (origin := top.lines.get(known)) is not None:
            base.lines[target] = origin
        if hidden(top.from_env, known):  # a function's result merged key by key stays hidden
            base.from_env.add(target)


def _unset(base: YamlSource, path: YamlPath) -> None:
    """`key: !unset` removes the key an earlier file set."""
    parent: Any = base.data
    for part in path[:-1]:
        parent = parent.get(part) if isinstance(parent, dict) else None
    key = same_name(parent, path[-1]) if isinstance(parent, dict) and path[:-1] == _IDENTITIES else path[-1]
    if isinstance(parent, dict) and key in parent:
        _drop(base, (*path[:-1], key), parent.pop(key))


def _paths(path: YamlPath, value: Any) -> Any:
    """`path` and the path of every value inside `value` (linear in its size, however deep)."""
    stack = [(path, value)]
    while stack:
        at, item = stack.pop()
        yield at
        if isinstance(item, dict):
            stack.extend(((*at, str(k)), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend(((*at, str(i)), v) for i, v in enumerate(item))
