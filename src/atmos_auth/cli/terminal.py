"""The terminal side of sign-in: the device code box, the browser, a spinner, hidden prompts."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

import click


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def on_terminal() -> bool:
    """A person can answer: stdin and stderr are a terminal, or --force-tty / ATMOS_FORCE_TTY says so."""
    return TerminalInteraction.force_tty or (sys.stdin.isatty() and sys.stderr.isatty())


class TerminalInteraction:
    #: --force-tty / ATMOS_FORCE_TTY: behave as on a terminal.
    force_tty = False

    def __init__(self, *, device_flow: bool = False, no_browser: bool = False) -> None:
        tty = on_terminal()
        self.interactive = tty
        headless = device_flow or os.environ.get("ATMOS_DEVICE_FLOW", "") in ("1", "true", "yes")
        self.device_flow = tty or headless
        self.open_browser = tty and not no_browser and not in_ci() and not headless

    def show_device_code(self, provider: str, user_code: str, url: str, complete_url: str) -> None:
        echo = lambda text="": click.echo(text, err=True)  # noqa: E731
        echo()
        echo(click.style("🔐 AWS IAM Identity Center sign-in", bold=True) + f"  (provider {provider})")
        echo(f"   Code: {click.style(user_code, bold=True, fg='cyan')}")
        echo(f"   Open: {complete_url}")
        echo(f"   (or go to {url} and enter the code)")
        if self.open_browser:
            with contextlib.suppress(Exception):
                import webbrowser

                if webbrowser.open(complete_url):
                    echo("   Opened your browser; approve the request there.")
        echo()

    @contextlib.contextmanager
    def waiting(self, message: str) -> Iterator[None]:
        if not sys.stderr.isatty():
            click.echo(message, err=True)
            yield
            return
        from rich.console import Console

        with Console(stderr=True).status(message):
            yield

    def prompt(self, label: str) -> str:
        return click.prompt(label, err=True)

    def secret(self, label: str) -> str:
        return click.prompt(label, err=True, hide_input=True)

    def notice(self, message: str) -> None:
        click.echo(message, err=True)
