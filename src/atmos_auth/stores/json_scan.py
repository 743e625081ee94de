"""Strict JSON scanning as Go's encoding/json reads it, for json_doc: values are checked by the C
scanner (no NaN/Infinity; numbers kept as their text), nesting is limited to Go's 10 000 levels and to
what this process's stack can take (a deep document is refused, never a crash)."""

from __future__ import annotations

import contextlib
import functools
import json
import re
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

#: Go's encoding/json refuses deeper documents (the top-level object counts); so do we.
MAX_DEPTH = 10_000
#: Strings (skipped) and brackets, to measure nesting exactly when it is deep.
_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


class JsonError(ValueError):
    def __init__(self, message: str, text: str, index: int) -> None:
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        super().__init__(f"{message} at line {line} column {column}")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class Number(str):
    """A number kept as its text: never rounded, never too big (only its text is ever written back)."""


DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_int=Number, parse_float=Number)


@functools.cache
def stack_levels() -> int:
    """How deep the C scanner may nest on this process's stack (`ulimit -s`): about 150 bytes a level
    are used; with a small stack, deep documents are refused instead of crashing the process."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_STACK)[0]
    except (ImportError, ValueError, OSError):
        return MAX_DEPTH
    return MAX_DEPTH if soft == resource.RLIM_INFINITY else min(MAX_DEPTH, soft // 400)


@contextlib.contextmanager
def stack_room(levels: int) -> Iterator[None]:
    """Let the C scanner nest `levels` deeper than the current stack (it counts one per level)."""
    frames = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        frames, frame = frames + 1, frame.f_back
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(frames + levels)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def nesting(text: str, start: int) -> int:
    """The deepest nesting of `text` from `start` (strings skipped): only run for very deep documents."""
    depth = deepest = 0
    for match in _NESTING.finditer(text, start):
        token = match[0]
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def scan(text: str, index: int) -> tuple[Any, int]:
    try:
        return DECODER.scan_once(text, index)  # type: ignore[attr-defined]
    except StopIteration:
        raise JsonError("expected a JSON value", text, index) from None
    except json.JSONDecodeError as exc:
        raise JsonError(exc.msg, text, exc.pos) from None
    except ValueError as exc:  # NaN, Infinity
        raise JsonError(str(exc), text, index) from None
