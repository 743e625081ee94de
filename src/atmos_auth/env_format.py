"""Environment variables as text a shell, a dotenv reader or GitHub Actions reads back exactly."""

from __future__ import annotations

import secrets
import shlex


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
            delimiter = f"ATMOS_EOF_{secrets.token_hex(8)}"
            lines.append(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            lines.append(f"{key}={value}\n")
    return "".join(lines)
