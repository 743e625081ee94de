"""How commands speak: status lines on stderr, data on stdout, JSON for scripts."""

from __future__ import annotations

import json
from typing import Any

import click


def status(message: str) -> None:
    click.echo(message, err=True)


def ok(message: str) -> None:
    click.echo(f"{click.style('✓', fg='green')} {message}", err=True)


def failed(message: str) -> None:
    click.echo(f"{click.style('✗', fg='red')} {message}", err=True)


def data(text: str) -> None:
    click.echo(text)


def as_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))
