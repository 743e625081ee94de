"""The identity argument every command takes: positional, or -i/--identity, else ATMOS_IDENTITY, else default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from atmos_auth.cli.app import App
from atmos_auth.errors import UsageError


def identity_arguments(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("-i", "--identity", "identity_option", metavar="NAME",
                        help="Identity to use (same as the positional IDENTITY).")(func)
    return click.argument("identity", required=False, metavar="[IDENTITY]")(func)


def pick_identity(app: App, positional: str | None, option: str | None) -> str:
    from atmos_auth.chain import choose_identity

    if positional and option and positional != option:
        raise UsageError(f"two identities given: {positional!r} and --identity {option!r}; give one")
    return choose_identity(app.config, positional or option, app.environ)
