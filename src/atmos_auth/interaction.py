"""What a sign-in step may ask of the person at the keyboard. The CLI injects a terminal version;
the library default never prompts (so CI fails fast instead of hanging)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Protocol


class Interaction(Protocol):
    #: May we prompt for input (MFA code, keys)?
    interactive: bool
    #: May we run a device flow and wait for a person (a terminal, or --device-flow)?
    device_flow: bool

    def show_device_code(self, provider: str, user_code: str, url: str, complete_url: str) -> None: ...
    def waiting(self, message: str) -> contextlib.AbstractContextManager[None]: ...
    def prompt(self, label: str) -> str: ...
    def secret(self, label: str) -> str: ...
    def notice(self, message: str) -> None: ...


class Headless:
    interactive = False
    device_flow = False

    def show_device_code(self, provider: str, user_code: str, url: str, complete_url: str) -> None:
        pass

    @contextlib.contextmanager
    def waiting(self, message: str) -> Iterator[None]:
        yield

    def prompt(self, label: str) -> str:
        raise RuntimeError("no terminal to prompt on")

    def secret(self, label: str) -> str:
        raise RuntimeError("no terminal to prompt on")

    def notice(self, message: str) -> None:
        pass
