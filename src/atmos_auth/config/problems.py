"""Problems of a configuration, each located (`file:line: yaml.path: message`) and classed.

* **error** or **warning**, for `atmos auth validate`: an error is what Atmos also refuses, or what
  cannot work when used; a warning is what Atmos accepts (an unknown field, which is ignored; a kind
  Atmos has and this tool does not implement).
* **owner**, for every other command: the entry it belongs to (`("identities", "dev-admin")`), a
  setting (`("settings", "logs")`), or None for a file that cannot be read as a configuration at all.
  A command fails only on the problems of the entries it uses (`blocks`); the rest is one warning line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from atmos_auth.config.located import YamlPath, YamlSource, hidden
from atmos_auth.config.schema import BaseModel, ValidationError
from atmos_auth.errors import ConfigInvalid

_SECRET_WORDS = re.compile(r"secret|password|token|access_key", re.I)
SECTIONS = ("providers", "identities", "integrations")
#: What one entry of each section is called in messages.
NOUN = {"providers": "provider", "identities": "identity", "integrations": "integration"}
Owner = tuple[str, str] | None


@dataclass(frozen=True)
class Problem:
    text: str
    owner: Owner
    error: bool = True
    #: A command that uses the owner fails on it (a warning can block too: a kind not available here).
    blocks: bool = True

    @property
    def fatal(self) -> bool:
        """The file cannot be read as a configuration: every command fails on it."""
        return self.owner is None and self.error


def owner_of(path: YamlPath) -> Owner:
    if len(path) >= 3 and path[0] == "auth" and path[1] in SECTIONS:
        return path[1], path[2]
    if len(path) >= 2 and path[0] == "auth" and path[1] not in SECTIONS:
        return "settings", path[1]
    if path[:1] == ("logs",):
        return "settings", "logs"
    if path[:1] == ("import",):
        return "settings", "import"
    return None


class Problems:
    """Collects the problems of one file, all of them, located."""

    def __init__(self, source: YamlSource) -> None:
        self.source = source
        self.found: list[Problem] = []

    def add(self, path: YamlPath, message: str, *, warning: bool = False, blocks: bool | None = None,
            owner: Owner | str = "path", at: str | None = None) -> None:
        dotted = ".".join(p if p.isprintable() else repr(p) for p in path) if path else "(top level)"
        text = f"{at or self.source.where(path)}: {dotted}: {message}"
        resolved = owner_of(path) if owner == "path" else owner
        self.found.append(Problem(text, resolved, error=not warning,  # type: ignore[arg-type]
                                  blocks=(not warning) if blocks is None else blocks))

    def model(self, model: type[BaseModel], data: Any, path: YamlPath) -> Any:
        """`data` as `model`. Unknown fields are warnings (Atmos ignores them) and are left out; any other
        problem is an error, and the entry is not built (None)."""
        try:
            value = model.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors()
        else:
            self._not_acted_on(model, data, path)
            return value
        unknown = [e for e in errors if e["type"] == "extra_forbidden"]
        for error in errors:
            loc = tuple(str(p) for p in error["loc"])
            full = (*path, *loc)
            if any(full[:end] in self.source.failed for end in range(len(path), len(full) + 1)):
                continue  # its YAML function failed, and said so
            if error.get("input") is not None and (hidden(self.source.from_env, full) or
                                                   _SECRET_WORDS.search(loc[-1] if loc else "")):
                error["input"] = "<hidden>"
                error.get("ctx", {}).pop("error", None)
            extra = error["type"] == "extra_forbidden"
            self.add(full, _message(model, loc, error), warning=extra)
        if len(unknown) != len(errors):
            return None
        trimmed = _without(data, [tuple(e["loc"]) for e in unknown])
        try:
            value = model.model_validate(trimmed)
        except ValidationError:
            return None
        self._not_acted_on(model, trimmed, path)
        return value

    def _not_acted_on(self, model: type[BaseModel], data: Any, path: YamlPath) -> None:
        """A warning for each field of Atmos's schema that is set and that this tool does not act on."""
        if not isinstance(data, dict):
            return
        for name, field in model.model_fields.items():
            extra = field.json_schema_extra
            if data.get(name) is None:
                continue
            if isinstance(extra, dict) and extra.get("atmos_only"):
                kind = data.get("kind")
                self.add((*path, name), f"accepted as Atmos does; {kind or 'this tool'} does not use it",
                         warning=True, blocks=False)
            elif (inner := _first_model(field.annotation)) is not None:
                self._not_acted_on(inner, data[name], (*path, name))


def _without(data: Any, locs: list[tuple[Any, ...]]) -> Any:
    """A copy of `data` without the keys at `locs`."""
    if not isinstance(data, dict):
        return data
    drop = {loc[0] for loc in locs if len(loc) == 1}
    deeper: dict[Any, list[tuple[Any, ...]]] = {}
    for loc in locs:
        if len(loc) > 1:
            deeper.setdefault(loc[0], []).append(loc[1:])
    return {k: _without(v, deeper.get(k, [])) for k, v in data.items() if k not in drop}


def _message(model: type[BaseModel], loc: tuple[str, ...], error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        hint = did_you_mean(loc[-1], allowed)
        return f"unknown field, ignored{hint}" + (f" (known here: {', '.join(allowed)})" if allowed else "")
    if kind == "value_error":
        return str(error["ctx"].get("error", "invalid value"))
    if kind == "literal_error":
        return f"must be one of {error['ctx']['expected']}, got {shown(error.get('input'))}"
    if kind.endswith("_type") or kind in ("model_type", "dict_type"):
        return f"{error['msg'].lower()}, got {shown(error.get('input'))}"
    return f"{error['msg']}"


def _model_at(model: type[BaseModel], loc: tuple[str, ...]) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return None
        current = _first_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _first_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if (found := _first_model(arg)) is not None:
            return found
    return None


def did_you_mean(word: str, choices: Any) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    try:
        text = str(value)
    except ValueError:  # an integer too long to print
        return "a number too long to show"
    return f'"{text[:200]}…"' if len(text) > 200 else f'"{text}"'


def check(config: Any, *, strict: bool = False) -> list[str]:
    """`atmos auth validate`: raise ConfigInvalid with every error (with `strict`, every warning too);
    else return the warnings."""
    errors = [p.text for p in config.problems if p.error]
    warnings = [p.text for p in config.problems if not p.error]
    if errors or (strict and warnings):
        raise ConfigInvalid(errors + warnings if strict else errors)
    return warnings
