"""Find atmos.yaml, validate its `auth:` section kind by kind, and cross-check the references.

Every problem of a file is collected and reported at once, each as `file:line: yaml.path: message`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from atmos_auth.config import atmos_kinds
from atmos_auth.config.assemble import Request, assemble
from atmos_auth.config.discover import discover, logical_cwd, named
from atmos_auth.config.merge import same_name
from atmos_auth.config.model import AuthConfig, AuthSection
from atmos_auth.config.problems import NOUN, SECTIONS, Problems, check, did_you_mean, shown
from atmos_auth.config.realm import cli_config_path, realm
from atmos_auth.config.realm import problem as realm_problem
from atmos_auth.config.references import Accepted, check_references
from atmos_auth.config.yaml_source import YamlPath, YamlSource, hidden
from atmos_auth.errors import ConfigInvalid
from atmos_auth.logs import LogSettings


def load_auth_config(explicit: str | Sequence[str] | None = None, environ: Mapping[str, str] | None = None, *,
                     folders: Sequence[str] = (), profiles: Sequence[str] = (),
                     base_path: str | None = None) -> AuthConfig:
    """The configuration Atmos would read: the files named (--config FILE…, --config-path DIR…), or else
    every file its discovery finds, merged with their atmos.d/, imports and profiles (config.assemble)."""
    from atmos_auth.config.observe import Environment

    environ = Environment(os.environ if environ is None else environ)  # every variable read is noted
    files = [explicit] if isinstance(explicit, str) else list(explicit or ())
    cwd = logical_cwd(environ)
    found = named(files, list(folders)) if files or folders else discover(environ, cwd)
    config = validate_source(assemble(found, Request(environ, profiles, base_path, cwd=cwd)))
    home = cli_config_path(files, list(folders), found[-1].path if found else None, cwd)
    return replace(config, realm=realm(config.settings.realm, home, environ))


def validate_source(source: YamlSource) -> AuthConfig:
    """The configuration of `source`, with every problem it has, located and classed (see problems.py).
    Only a file that cannot be read as a configuration at all raises (ConfigInvalid)."""
    problems = Problems(source)
    for path, message, warning, at in source.problems:
        if path[:1] in (("auth",), ("logs",), ("import",), ()):  # other sections are not ours to judge
            problems.add(path, message, warning=warning, at=at)
    data = source.data if source.data is not None else {}
    if not isinstance(data, dict):
        problems.add((), "the file must be a mapping (with an `auth:` section)")
        data = {}
    auth = data.get("auth")
    if auth is None:
        auth = {}  # no `auth:` section: a valid, empty configuration
    elif not isinstance(auth, dict):
        got = "a value from a YAML function" if hidden(source.from_env, ("auth",)) else shown(auth)
        problems.add(("auth",), f"must be a mapping (providers, identities, integrations), got {got}")
        auth = {}

    from atmos_auth import identities, integrations, providers  # the kind registries

    logs = _logs(problems, data.get("logs"))
    rest = {k: v for k, v in auth.items() if k not in SECTIONS}
    settings = problems.model(AuthSection, rest, ("auth",)) or AuthSection()
    if settings.realm is not None and (why := realm_problem(settings.realm)) is not None:
        problems.add(("auth", "realm"), why, owner=None)  # as in Atmos, every command stops on it
        settings = settings.model_copy(update={"realm": None})
    typed: dict[str, dict[str, Any]] = {}
    kinds: dict[tuple[str, str], str] = {}
    for section, registry in zip(SECTIONS, (providers.KINDS, identities.KINDS, integrations.KINDS), strict=True):
        typed[section] = {}
        entries = auth.get(section) or {}
        if not isinstance(entries, dict):
            noun = NOUN[section]
            problems.add(("auth", section), f"must be a mapping of name to {noun}")
            continue
        if section == "identities":
            entries = _fold_case(problems, entries)
        for name, entry in entries.items():
            path = ("auth", section, name)
            if (problem := _name_problem(section, name)) is not None:
                problems.add(path, problem)
                continue
            kind = entry.get("kind") if isinstance(entry, dict) else None
            kinds[(section, name)] = kind if isinstance(kind, str) else "no kind"  # listed even when broken
            model = _kind_model(problems, path, entry, registry, section)
            if model is not None and (value := problems.model(model, entry, path)) is not None:
                typed[section][name] = value
    for section in ("identities", "integrations"):  # `via.identity: DEV-ADMIN` names dev-admin, as in Atmos
        typed[section] = {n: _via_named(e, typed["identities"]) for n, e in typed[section].items()}
    config = AuthConfig(
        source=source.path, files=tuple(source.files), settings=settings, providers=typed["providers"],
        identities=typed["identities"], integrations=typed["integrations"],
        from_env=frozenset(source.from_env), logs=logs, kinds=kinds, links=_links(auth), global_env=_env(data),
    )
    for path, message, blocks in check_references(config, auth):
        problems.add(path, message, blocks=blocks, owner="path" if blocks else ("settings", "identities"),
                     warning=isinstance(message, Accepted))
    fatal = [p for p in problems.found if p.fatal]
    if fatal:
        raise ConfigInvalid([p.text for p in problems.found if p.error])
    return replace(config, problems=tuple(problems.found))


def _env(data: dict[str, Any]) -> dict[str, str]:
    """The top-level `env:` as Atmos exports it: names to text (booleans as true/false); others left out."""
    env = data.get("env")
    if not isinstance(env, dict):
        return {}
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in env.items()
            if isinstance(v, str | int | float | bool) and "\0" not in str(v) and str(k).isascii() and str(k).isidentifier()}


def _fold_case(problems: Problems, entries: dict[str, Any]) -> dict[str, Any]:
    """Identity names match in any case, as in Atmos: of `Dev-Admin` and `dev-admin` the last one is kept
    (the two would share one AWS profile)."""
    last = {name.lower(): name for name in entries}
    for name in entries:
        if last[name.lower()] != name:
            problems.add(("auth", "identities", name), f'the same identity as "{last[name.lower()]}" (names match '
                         "in any case, as in Atmos); the later definition is used", warning=True, blocks=False)
    return {name: entry for name, entry in entries.items() if last[name.lower()] == name}


def _links(auth: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str]]:
    """What each entry points at through `via`, read from the file as written (broken entries too), so a
    command can tell which entries its identity's chain passes through."""
    links: dict[tuple[str, str], tuple[str, str]] = {}
    for section in ("identities", "integrations"):
        entries = auth.get(section)
        for name, entry in (entries.items() if isinstance(entries, dict) else ()):
            via = entry.get("via") if isinstance(entry, dict) else None
            if not isinstance(via, dict):
                continue
            if isinstance(via.get("identity"), str):
                links[(section, name)] = ("identities", same_name(auth.get("identities"), via["identity"]))
            elif isinstance(via.get("provider"), str):
                links[(section, name)] = ("providers", via["provider"])
    return links


def _via_named(entry: Any, identities: dict[str, Any]) -> Any:
    via = entry.via
    if via is None or not via.identity or via.identity in identities:
        return entry
    named = same_name(identities, via.identity)
    return entry if named == via.identity else entry.model_copy(update={"via": via.model_copy(update={"identity": named})})


def _kind_model(problems: Problems, path: YamlPath, entry: Any, registry: Mapping[str, Any], section: str) -> type | None:
    noun = NOUN[section]
    if not isinstance(entry, dict):
        problems.add(path, f"must be a mapping with at least `kind:`, got {shown(entry)}")
        return None
    kind = entry.get("kind")
    known = ", ".join(sorted(registry))
    if kind is None:
        problems.add(path, f"`kind` is required (known {noun} kinds: {known})")
        return None
    if not isinstance(kind, str):
        problems.add((*path, "kind"), f"must be a kind name such as {next(iter(sorted(registry)))}, "
                                      f"got {shown(kind)}")
        return None
    if kind in atmos_kinds.BY_SECTION[section] and kind not in registry:
        problems.add((*path, "kind"), f"{kind} is an Atmos {noun} kind this tool does not implement: the "
                                      f"{noun} cannot be used here (the rest of the file can)", warning=True,
                     blocks=True)
        return None
    if kind not in registry:
        if hidden(problems.source.from_env, (*path, "kind")):  # from !env or !exec: never printed
            problems.add((*path, "kind"), f"unknown {noun} kind <hidden> (known: {known})")
            return None
        hint = did_you_mean(str(kind), registry)
        problems.add((*path, "kind"), f'unknown {noun} kind "{kind}"{hint} (known: {known})')
        return None
    return registry[kind].Config


def _name_problem(section: str, name: str) -> str | None:
    """Atmos refuses only empty names. An identity's name is also its AWS profile (an INI section), so a
    bracket or a line break in it would corrupt the credentials file: refused here, before any write."""
    if not name.strip():
        noun = NOUN[section]
        return f"a {noun} name cannot be empty"
    if section == "identities":
        from atmos_auth.stores.aws_files import profile_name_problem

        if (problem := profile_name_problem(name)) is not None:
            return f"the identity name {name!r} cannot be an AWS profile name: {problem}"
    return None


def _logs(problems: Problems, data: Any) -> LogSettings:
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
            problems.add(("logs", key), f"must be text, got {shown(value)}")
            value = None
        found[key] = value
    if found["level"] is not None:
        try:
            parse_level(found["level"])
        except UsageError as exc:
            problems.add(("logs", "level"), "invalid log level <hidden> (from a YAML function)"
                         if hidden(problems.source.from_env, ("logs", "level")) else exc.message)
            found["level"] = None
    return LogSettings(found["level"], found["file"])


__all__ = ["check", "load_auth_config", "validate_source"]
