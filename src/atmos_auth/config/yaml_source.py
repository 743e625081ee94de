"""Read a YAML file into plain data plus the line of every key, so errors can say file:line.

Atmos's YAML functions (config.functions) are evaluated where their value is used: under `auth:`,
`logs:`, `import:`, `base_path` and `profiles:`. Elsewhere (stacks, components, settings…) a tagged value
is kept as its text, unevaluated, so a command never runs a `!exec` it does not need. Values that came
from `!env`, `!exec` or `!include` are remembered by path, so listings and messages can hide them.

Hostile files end in a located error, in bounded time and memory: nesting deeper than MAX_DEPTH,
recursive aliases, alias "bombs" that would expand past MAX_NODES values, files over MAX_BYTES, bytes
that are not UTF-8, unknown tags and values a tag cannot build.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from atmos_auth.config.located import (  # noqa: F401  # re-exported: where they were first
    Context,
    Origin,
    YamlPath,
    YamlSource,
    display_name,
    files_line,
    hidden,
)
from atmos_auth.config.observe import read
from atmos_auth.config.yaml12 import LOADER as _LOADER
from atmos_auth.errors import ConfigError

#: Deeper than any configuration needs; PyYAML's own recursion would overflow not far beyond 300.
MAX_DEPTH = 100
#: Values built after expanding aliases: far above a large atmos.yaml, far below exhausting memory.
MAX_NODES = 250_000
MAX_BYTES = 16 * 1024 * 1024
#: Python refuses to print integers of more than 4300 digits; hex, binary and sexagesimal YAML forms
#: could build one without that check (4300 digits are about 14 284 bits).
_MAX_INT_BITS = 14_280


class _TooBig(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


#: Top-level keys whose YAML functions are evaluated (the values this tool uses).
_EVALUATED = frozenset({"auth", "logs", "import", "base_path", "profiles", "env"})
_HIDDEN = frozenset({"!env", "!exec", "!include", "!include.raw"})


class _Builder:
    def __init__(self, source: YamlSource, context: Context) -> None:
        self.source = source
        self.context = context
        self.scalars = yaml.SafeLoader("")  # only its scalar resolution and merge-key flattening are used
        self.building: set[int] = set()
        self.count = 0
        #: Function results by node, for aliases: (succeeded, value).
        self.evaluated: dict[int, tuple[bool, Any]] = {}

    def build(self, node: yaml.Node, path: YamlPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(f"expands to more than {MAX_NODES} values once its aliases are followed; not read",
                          node.start_mark.line + 1)
        if id(node) in self.building:
            self.source.problem(path, "a recursive alias (an anchor that contains itself)")
            return None
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            if node.tag == "!append" and isinstance(node, yaml.SequenceNode):
                self.source.appends.add(path)
            elif _custom(node.tag) and path[:1] == ("auth",):
                self.source.problem(path, f"{node.tag} cannot be given a mapping or a list here")
            self.building.add(id(node))
            try:
                return self._mapping(node, path) if isinstance(node, yaml.MappingNode) else self._sequence(node, path)
            finally:
                self.building.discard(id(node))
        if _custom(node.tag):
            return self._function(node, path)
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: YamlPath) -> dict[str, Any]:
        try:
            self.scalars.flatten_mapping(node)
        except yaml.YAMLError as exc:
            self.source.problem(path, f"bad merge key (<<): {getattr(exc, 'problem', None) or exc}")
            return {}
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.source.problem(path, f"line {key_node.start_mark.line + 1}: a key must be plain text, "
                                                   "not a mapping or a list")
                continue
            key = str(self._scalar(key_node, path) if _custom(key_node.tag) else self.build(key_node, path))
            child = (*path, key)
            if value_node.tag == "!unset":
                self.source.unset.add(child)
                result.pop(key, None)
                continue
            self.source.lines[child] = (self.source.name, key_node.start_mark.line + 1)
            if key in result:
                self.source.problem(child, "duplicate key")
            result[key] = self.build(value_node, child)
        return result

    def _sequence(self, node: yaml.SequenceNode, path: YamlPath) -> list[Any]:
        items = []
        for index, item in enumerate(node.value):
            child = (*path, str(index))
            self.source.lines[child] = (self.source.name, item.start_mark.line + 1)
            items.append(self.build(item, child))
        return items

    def _scalar(self, node: yaml.Node, path: YamlPath) -> Any:
        try:
            value = self.scalars.construct_object(node, deep=True)
            if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:  # 0x…, 0b…, 1:2:3… forms
                raise ValueError("Exceeds the limit")
            return value
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            reason = getattr(exc, "problem", None) or str(exc)
            if "Exceeds the limit" in reason:
                reason = "a number with more than 4300 digits"
            self.source.problem(path, f"invalid {node.tag.rsplit(':', 1)[-1]} value: {reason}")
            return None

    def _function(self, node: yaml.Node, path: YamlPath) -> Any:
        """An Atmos YAML function: evaluated where this tool uses the value, kept as text elsewhere. A node
        reached again through an alias is not evaluated again (no `!exec` rerun, no `!include` copied)."""
        text = str(node.value)
        if path[:1] and path[0] not in _EVALUATED:
            return f"{node.tag} {text}".strip()
        if node.tag in _HIDDEN:
            self.source.from_env.add(path)
        if node.tag == "!unset":  # in a list, or at the top: nothing (a mapping's key is removed instead)
            return None
        if id(node) in self.evaluated:
            ok, value = self.evaluated[id(node)]
            if not ok:
                self.source.failed.add(path)
            return value
        value = self._evaluate(node, path, text)
        self.evaluated[id(node)] = (path not in self.source.failed, value)
        return value

    def _evaluate(self, node: yaml.Node, path: YamlPath, text: str) -> Any:
        from atmos_auth.config.functions import STACK_TAGS, FunctionError, evaluate

        if node.tag == "!env" and text.split() and len(text.split()) == 1 \
                and text.split()[0] not in self.context.environ:
            self.source.problem(path, f'environment variable {text.split()[0]} (from !env) is not set; it is read '
                                      'as ""', warning=True)
        try:
            return evaluate(node.tag, text, self.context)
        except FunctionError as exc:
            self.source.failed.add(path)
            if node.tag in STACK_TAGS:
                self.source.problem(path, f"{exc}: Atmos evaluates it only in stack manifests")
            else:
                self.source.problem(path, str(exc))
            return None


def _custom(tag: str | None) -> bool:
    return bool(tag) and tag.startswith("!") and tag != "!"  # type: ignore[union-attr]




def _check_shape(text: str, name: str) -> None:
    """Refuse, before PyYAML composes a single node, nesting deeper than MAX_DEPTH (its composer is
    recursive) and more than MAX_NODES values (composing them all would cost minutes and gigabytes)."""
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=_LOADER), start=1):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 1
                raise ConfigError(f"{name}:{line}: nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if count > MAX_NODES:
            line = event.start_mark.line + 1 if event.start_mark else 1
            raise ConfigError(f"{name}:{line}: more than {MAX_NODES} values; an atmos.yaml this large is not read")


def read_yaml(path: Path, context: Context | None = None) -> YamlSource:
    """Parse `path`; syntax errors and hostile input become a ConfigError that names file and line."""
    source = YamlSource(path=path, data=None)
    context = context or Context(environ=os.environ, cwd=Path.cwd(), include_dir=path.parent)
    name = source.display_name
    try:
        raw = read(path, MAX_BYTES)
        if len(raw) > MAX_BYTES:
            raise ConfigError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MiB; not read")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{name}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                          remedy="save the file as UTF-8") from None
    try:
        _check_shape(text, name)
        node = yaml.compose(text, Loader=_LOADER)
        source.data = None if node is None else _Builder(source, context).build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(p for p in (exc.context, exc.problem) if p)
        raise ConfigError(f"{name}:{line}: YAML syntax error: {reason}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: YAML syntax error: {exc}") from None
    except _TooBig as exc:
        raise ConfigError(f"{name}:{exc.line}: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{name}: nested too deeply (recursive merge keys?)") from None
    return source
