"""The identity argument every command takes: positional, or -i/--identity, else ATMOS_IDENTITY, else default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from atmos_auth.cli.app import App
from atmos_auth.cli.picker import SELECT, choose
from atmos_auth.cli.terminal import on_terminal
from atmos_auth.errors import UsageError


def identity_option(func: Callable[..., Any], help: str = "Identity to use; a bare -i lets you choose on a "
                    "terminal.") -> Callable[..., Any]:
    return click.option("-i", "--identity", "identity_option", metavar="NAME", is_flag=False, flag_value=SELECT,
                        help=help)(func)


def identity_arguments(func: Callable[..., Any]) -> Callable[..., Any]:
    func = identity_option(func, "Identity to use (same as the positional IDENTITY); a bare -i lets you choose "
                                 "on a terminal.")
    return click.argument("identity", required=False, metavar="[IDENTITY]")(func)


def pick_identity(app: App, positional: str | None, option: str | None) -> str:
    from atmos_auth.chain import choose_identity

    if option == SELECT or option == "":  # a bare -i, or Atmos's --identity= (empty): choose
        return select_identity(app)
    if positional and option and positional != option:
        raise UsageError(f"two identities given: {positional!r} and --identity {option!r}; give one")
    named = positional or option or app.environ.get("ATMOS_IDENTITY")
    defaults = [n for n, i in app.config.identities.items() if i.default]
    if not named and len(defaults) != 1 and on_terminal():  # as Atmos: no default, or several, on a terminal
        why = "several identities are marked default: true" if defaults else "no identity given and none is default"
        return select_identity(app, why, defaults or None)
    return choose_identity(app.config, positional or option, app.environ)


def select_identity(app: App, why: str = "--identity was given without a name",
                    among: list[str] | None = None) -> str:
    from atmos_auth.chain import known_identity

    return known_identity(app.config, choose(among or list(app.config.identities), why))



def split_tags(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def matching(entries: dict[str, Any], wanted: list[str]) -> list[str]:
    """Names of the entries with any of the `wanted` tags (Atmos's TagModeAny)."""
    return [name for name, entry in entries.items() if set(getattr(entry, "tags", None) or ()) & set(wanted)]


def no_match(kind: str, entries: dict[str, Any], wanted: list[str]) -> UsageError:
    existing = sorted({t for entry in entries.values() for t in getattr(entry, "tags", None) or ()})
    return UsageError(f"no {kind} match tags {', '.join(wanted)}",
                      remedy=f"tags that exist: {', '.join(existing)}" if existing else f"no {kind} have tags")


def identity_by_tags(app: App, text: str) -> str:
    """The one identity with any of these tags; several: choose on a terminal; none: an error with the tags
    that exist."""
    wanted = split_tags(text)
    found = matching(app.config.identities, wanted)
    if not found:
        raise no_match("identities", app.config.identities, wanted)
    if len(found) == 1:
        from atmos_auth.chain import known_identity

        return known_identity(app.config, found[0])
    return select_identity(app, f"several identities match tags {', '.join(wanted)}", found)
