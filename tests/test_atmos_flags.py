"""Issue 10: every flag of Atmos's `auth` and `aws ecr login` commands (tests/data/atmos-flags.json: facts
read from cloudposse/atmos cmd/auth, cmd/aws/ecr/login.go and pkg/flags/global_builder.go) is accepted by
the matching command here. Flags not built yet are listed, so the list cannot go stale silently."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from atmos_auth.cli import global_flags
from atmos_auth.cli.main import cli

FLAGS = json.loads((Path(__file__).parent / "data" / "atmos-flags.json").read_text())
#: Not built yet (issue 10 stays open for them).
NOT_YET: set[tuple[str, str]] = set()
IDENTITY_COMMANDS = ["login", "logout", "whoami", "env", "exec", "shell"]


def _command(path: str) -> click.Command | None:
    command: click.Command | None = cli
    for part in path.split():
        command = command.get_command(click.Context(command), part) if isinstance(command, click.Group) else None
    return command


def _accepts(command: click.Command, long: str, short: str | None) -> bool:
    names = {name for param in command.params for name in getattr(param, "opts", [])}
    return f"--{long}" in names and (short is None or f"-{short}" in names)


def _global(long: str) -> bool:
    handled = (global_flags.WITH_VALUE | global_flags.SWITCHES | global_flags.IGNORED_WITH_VALUE |
               global_flags.IGNORED_SWITCHES | global_flags.VERBOSE | {"--identity"})
    return f"--{long}" in handled


@pytest.mark.parametrize("flag", [f for f in FLAGS if f["long"]], ids=lambda f: f"{f['command']} --{f['long']}")
def test_issue_10_every_atmos_flag_is_accepted(flag) -> None:
    key = (flag["command"], flag["long"])
    if flag["command"] == "*":
        accepted = _global(flag["long"])
    elif flag["command"] == "auth *":
        accepted = all(_accepts(_command(f"auth {c}"), flag["long"], flag["short"]) for c in IDENTITY_COMMANDS)
    else:
        command = _command(flag["command"])
        accepted = command is not None and _accepts(command, flag["long"], flag["short"])
    assert accepted == (key not in NOT_YET), f"{key}: {'now accepted: remove it from NOT_YET' if accepted else 'not accepted'}"
