"""Find atmos.yaml, validate its `auth:` section kind by kind, and cross-check the references.

Every problem of a file is collected and reported at once, each as `file:line: yaml.path: message`.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from atmos_auth.config.model import AuthConfig, AuthSection
from atmos_auth.config.references import check_references
from atmos_auth.config.yaml_source import YamlPath, YamlSource, read_yaml
from atmos_auth.errors import ConfigError, ConfigInvalid
from atmos_auth.logs import LogSettings

CONFIG_NAME = "atmos.yaml"
_SECRET_WORDS = re.compile(r"secret|password|token|access_key", re.I)
SECTIONS = ("providers", "identities", "integrations")


def candidate_paths(explicit: str | None, environ: Mapping[str, str]) -> list[tuple[str, Path]]:
    """Where to look, in order: --config, ATMOS_CLI_CONFIG_PATH, ./atmos.yaml, ~/.atmos/atmos.yaml."""
    if explicit:
        return [("--config", Path(explicit).expanduser())]
    found = []
    if env_dir := environ.get("ATMOS_CLI_CONFIG_PATH"):
        path = Path(env_dir).expanduser()
        found.append(("ATMOS_CLI_CONFIG_PATH", path if path.suffix in (".yaml", ".yml") else path / CONFIG_NAME))
    found.append(("current folder", Path(CONFIG_NAME)))
    home = Path(environ.get("HOME") or Path.home())
    found.append(("home", home / ".atmos" / CONFIG_NAME))
    return found


def find_config(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    candidates = candidate_paths(explicit, os.environ if environ is None else environ)
    for _, path in candidates:
        if path.is_file():
            return path
    looked = "\n".join(f"  {path}  ({why})" for why, path in candidates)
    raise ConfigError(
        f"no atmos.yaml found; looked in:\n{looked}",
        remedy="create ./atmos.yaml with an `auth:` section, or pass --config FILE",
    )


def load_auth_config(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> AuthConfig:
    return validate_source(read_yaml(find_config(explicit, environ)))


def validate_source(source: YamlSource) -> AuthConfig:
    problems = _Problems(source)
    for path, message in source.problems:
        if path[:1] in (("auth",), ("logs",), ()):  # other sections are not ours to judge
            problems.add(path, message)
    data = source.data
    if data is None:
        raise ConfigInvalid([f"{source.display_name}:1: the file is empty; it needs an `auth:` section"])
    if not isinstance(data, dict):
        problems.add((), "the file must be a mapping with an `auth:` section")
        raise ConfigInvalid(problems.lines)
    auth = data.get("auth")
    if not isinstance(auth, dict):
        problems.add(("auth",) if "auth" in data else (), "an `auth:` section (a mapping) is required")
        raise ConfigInvalid(problems.lines)

    from atmos_auth import identities, integrations, providers  # the kind registries

    logs = _logs(problems, data.get("logs"))

    rest = {k: v for k, v in auth.items() if k not in SECTIONS}
    settings = problems.model(AuthSection, rest, ("auth",)) or AuthSection()
    typed: dict[str, dict[str, Any]] = {}
    for section, registry in zip(SECTIONS, (providers.KINDS, identities.KINDS, integrations.KINDS), strict=True):
        typed[section] = {}
        entries = auth.get(section) or {}
        if not isinstance(entries, dict):
            noun = "identity" if section == "identities" else section[:-1]
            problems.add(("auth", section), f"must be a mapping of name to {noun}")
            continue
        for name, entry in entries.items():
            path = ("auth", section, name)
            if (problem := _name_problem(section, name)) is not None:
                problems.add(path, problem)
                continue
            model = _kind_model(problems, path, entry, registry, section[:-1] if section != "identities" else "identity")
            if model is not None and (value := problems.model(model, entry, path)) is not None:
                typed[section][name] = value
    config = AuthConfig(
        source=source.path, settings=settings, providers=typed["providers"],
        identities=typed["identities"], integrations=typed["integrations"],
        from_env=frozenset(source.from_env), logs=logs,
    )
    for path, message in check_references(config, auth):
        problems.add(path, message)
    if problems.lines:
        raise ConfigInvalid(problems.lines)
    return config


def _kind_model(problems: _Problems, path: YamlPath, entry: Any, registry: dict, noun: str) -> type | None:
    if not isinstance(entry, dict):
        problems.add(path, f"must be a mapping with at least `kind:`, got {_shown(entry)}")
        return None
    kind = entry.get("kind")
    known = ", ".join(sorted(registry))
    if kind is None:
        problems.add(path, f"`kind` is required (known {noun} kinds: {known})")
        return None
    if not isinstance(kind, str):
        problems.add((*path, "kind"), f"must be a kind name such as {next(iter(sorted(registry)))}, "
                                      f"got {_shown(kind)}")
        return None
    if kind not in registry:
        hint = _did_you_mean(str(kind), registry)
        problems.add((*path, "kind"), f'unknown {noun} kind "{kind}"{hint} (known: {known})')
        return None
    return registry[kind].Config


def _name_problem(section: str, name: str) -> str | None:
    """Atmos refuses only empty names. An identity's name is also its AWS profile (an INI section), so a
    bracket or a line break in it would corrupt the credentials file: refused here, before any write."""
    if not name.strip():
        noun = {"providers": "provider", "identities": "identity", "integrations": "integration"}[section]
        return f"a {noun} name cannot be empty"
    if section == "identities":
        from atmos_auth.stores.aws_files import profile_name_problem

        if (problem := profile_name_problem(name)) is not None:
            return f"the identity name {name!r} cannot be an AWS profile name: {problem}"
    return None


def _logs(problems: _Problems, data: Any) -> LogSettings:
    """The top-level `logs:` section (level and file), as Atmos reads it."""
    from atmos_auth.errors import UsageError
    from atmos_auth.logs import LogSettings, parse_level

    if data is None:
        return LogSettings()
    if not isinstance(data, dict):
        problems.add(("logs",), "must be a mapping with `level` and `file`")
        return LogSettings()
    found: dict[str, str | None] = {}
    for key in ("level", "file"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            problems.add(("logs", key), f"must be text, got {_shown(value)}")
            value = None
        found[key] = value
    if found["level"] is not None:
        try:
            parse_level(found["level"])
        except UsageError as exc:
            problems.add(("logs", "level"), exc.message)
            found["level"] = None
    return LogSettings(found["level"], found["file"])


class _Problems:
    def __init__(self, source: YamlSource) -> None:
        self.source = source
        self.lines: list[str] = []

    def add(self, path: YamlPath, message: str) -> None:
        where = ".".join(p if p.isprintable() else repr(p) for p in path) if path else "(top level)"
        self.lines.append(f"{self.source.display_name}:{self.source.line_of(path)}: {where}: {message}")

    def model(self, model: type[BaseModel], data: Any, path: YamlPath) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(str(p) for p in error["loc"])
                full = (*path, *loc)
                if full in self.source.from_env or _SECRET_WORDS.search(loc[-1] if loc else ""):
                    error["input"] = "<hidden>"
                    error.get("ctx", {}).pop("error", None)
                self.add(full, _message(model, loc, error))
            return None


def _message(model: type[BaseModel], loc: tuple[str, ...], error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        hint = _did_you_mean(loc[-1], allowed)
        return f"unknown field{hint}" + (f" (allowed: {', '.join(allowed)})" if allowed else "")
    if kind == "value_error":
        return str(error["ctx"].get("error", "invalid value"))
    if kind == "literal_error":
        return f"must be one of {error['ctx']['expected']}, got {_shown(error.get('input'))}"
    if kind.endswith("_type") or kind in ("model_type", "dict_type"):
        return f"{error['msg'].lower()}, got {_shown(error.get('input'))}"
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


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    try:
        text = str(value)
    except ValueError:  # an integer too long to print
        return "a number too long to show"
    return f'"{text[:200]}…"' if len(text) > 200 else f'"{text}"'


__all__ = ["candidate_paths", "find_config", "load_auth_config", "validate_source"]
