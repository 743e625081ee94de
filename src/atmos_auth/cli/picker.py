"""Choosing an identity on a terminal, as Atmos's bare `--identity` does; without a terminal, an error
that lists the choices (a script must name one)."""

from __future__ import annotations

import click

from atmos_auth.cli.terminal import on_terminal
from atmos_auth.errors import InteractionRequired

#: What a bare `-i`/`--identity` (no value) stands for, as in Atmos (IdentityFlagSelectValue).
SELECT = "__SELECT__"


def choose(names: list[str], why: str, noun: str = "identity") -> str:
    """One of `names`, by number or by typing part of it (the list narrows as you type a filter)."""
    if not names:
        raise InteractionRequired(f"{why}, and no {noun} is defined", remedy=f"add one under auth.{noun}s"
                                  if noun == "provider" else "add one under auth.identities")
    if not on_terminal():
        raise InteractionRequired(f"{why}; choosing one needs a terminal",
                                  remedy=f"name one with --{noun} NAME: {', '.join(names)}")
    shown = names
    while True:
        click.echo(f"{why}. Choose {'a provider' if noun == 'provider' else 'an identity'} (a number, or part of "
                   "a name to narrow the list):", err=True)
        for number, name in enumerate(shown, start=1):
            click.echo(f"  {number:>2}) {name}", err=True)
        answer = click.prompt(noun, err=True, prompt_suffix="> ").strip()
        if answer.isdigit() and 1 <= int(answer) <= len(shown):
            return shown[int(answer) - 1]
        if answer in names:
            return answer
        narrowed = [n for n in names if answer.lower() in n.lower()]
        if len(narrowed) == 1:
            return narrowed[0]
        shown = narrowed or names
        if not narrowed:
            click.echo(f"  nothing matches {answer!r}", err=True)
