"""Environment variables as text a shell, a dotenv reader or GitHub Actions reads back exactly."""

from __future__ import annotations

import json
import os
import shlex

from atmos_auth.errors import FileAccessError, UsageError


def shell(env: dict[str, str], *, export: bool) -> str:
    """`export K='v'` lines (bash) or `K='v'` (dotenv), sorted; any value survives `eval` unchanged."""
    prefix = "export " if export else ""
    return "\n".join(f"{prefix}{key}={shlex.quote(value)}" for key, value in sorted(env.items()))


def github(env: dict[str, str]) -> str:
    """Lines for $GITHUB_ENV: `K=v`, or GitHub's `K<<DELIMITER` form for a value with a line break (so a
    value can never add a variable of its own)."""
    lines = []
    for key, value in sorted(env.items()):
        if "\n" in value or "\r" in value:
            import secrets

            delimiter = f"ATMOS_EOF_{secrets.token_hex(8)}"
            lines.append(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            lines.append(f"{key}={value}\n")
    return "".join(lines)


def render(env: dict[str, str], fmt: str) -> str:
    """`env` in one of Atmos's formats (bash, dotenv, env, github, json), keys sorted, ending in a line break."""
    if fmt == "json":
        return json.dumps(dict(sorted(env.items())), indent=2) + "\n"
    if fmt == "github":
        return github(env)
    if fmt == "env":
        broken = [k for k, v in env.items() if "\n" in v or "\r" in v]
        if broken:
            raise UsageError(f"--format env writes values unquoted; {', '.join(sorted(broken))} has a line break",
                             remedy="use --format dotenv, bash or json")
        return "".join(f"{key}={value}\n" for key, value in sorted(env.items()))
    return shell(env, export=fmt == "bash") + "\n"


def append(path: str, text: str) -> None:
    """Append `text` to `path`, creating it 0600 (it may well be read by other tools, never by others)."""
    try:
        fd = os.open(os.path.expanduser(path), os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise FileAccessError(f"cannot open {path}: {exc.strerror}") from None
    with os.fdopen(fd, "a", encoding="utf-8", errors="surrogateescape") as handle:
        handle.write(text)
