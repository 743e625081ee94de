"""A JSON object edited member by member: what is not edited keeps its exact original text.

Docker's config.json belongs to many programs. Re-serialising values we do not own would rewrite
them (`1e400` as `Infinity`, `ü` as `\\u00fc`, `1.10` as `1.1`), so an edit keeps every untouched
member's text byte for byte (non-UTF-8 bytes too, carried as surrogate escapes) and writes only the
members it changes. Parsing is strict JSON as Go's encoding/json reads it: no NaN/Infinity, no
comments, no trailing commas, at most 10 000 levels of nesting.

Memory stays near the file's size: the top level and its objects are walked member by member, and a
value below them is checked, then kept only as the span of its text and decoded again if asked for.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: Go's encoding/json refuses deeper documents; so do we (Docker could not read them either).
MAX_DEPTH = 10_000
#: Objects down to this depth are walked member by member (the top level, then `auths`); deeper
#: containers are validated by the C scanner and kept as spans.
_WALKED_DEPTH = 1
_WS = re.compile(r"[ \t\n\r]*")
#: A key without escapes, and the colon after it: the common case, read without the decoder.
_PLAIN_KEY = re.compile(r'"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
#: What follows a value: a comma (and the next key's quote) or the closing brace.
_AFTER_VALUE = re.compile(r"[ \t\n\r]*([,}])[ \t\n\r]*")


class JsonError(ValueError):
    def __init__(self, message: str, text: str, index: int) -> None:
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        super().__init__(f"{message} at line {line} column {column}")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class Number(str):
    """A number kept as its text: never rounded, never too big (only its text is ever written back)."""


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_int=Number, parse_float=Number)
#: The value of a member whose (container) value was checked but not kept: decode its span when needed.
_LAZY = object()


@contextlib.contextmanager
def _deep_enough() -> Iterator[None]:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, MAX_DEPTH + 200))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


@dataclass(slots=True)
class _Member:
    key: str
    #: (start, end) of the key's original text (quotes included), or None for a key we added.
    key_span: tuple[int, int] | None
    #: (start, end) of the original value text, or None once the value was replaced.
    span: tuple[int, int] | None
    value: Any


class JsonObject:
    """One object of a document. `modified` is False until something in it (or below it) changes."""

    def __init__(self, text: str, span: tuple[int, int] | None, members: list[_Member]) -> None:
        self._text = text
        self._span = span
        self._members = members
        self._modified = span is None

    @classmethod
    def new(cls) -> JsonObject:
        return cls("", None, [])

    @classmethod
    def parse(cls, text: str) -> JsonObject:
        """The top-level object of `text` (empty text is an empty object). Raises JsonError."""
        start = _WS.match(text, 0).end()  # type: ignore[union-attr]
        if start == len(text):
            return cls.new()
        if text.startswith("\ufeff"):
            raise JsonError("starts with a byte order mark (Docker cannot read that either)", text, 0)
        if text[start] != "{":
            raise JsonError("must hold a JSON object", text, start)
        try:
            with _deep_enough():
                document, end = _parse_object(text, start, 0)
        except RecursionError:
            raise JsonError(f"is nested more than {MAX_DEPTH} levels deep", text, start) from None
        end = _WS.match(text, end).end()  # type: ignore[union-attr]
        if end != len(text):
            raise JsonError("has extra data after the object", text, end)
        return document

    @property
    def modified(self) -> bool:
        return self._modified or any(isinstance(m.value, JsonObject) and m.value.modified for m in self._members)

    def keys(self) -> list[str]:
        return [m.key for m in self._members]

    def __contains__(self, key: str) -> bool:
        return self._find(key) is not None

    def is_null(self, key: str) -> bool:
        """True when `key` is absent or null (cheap: nothing is decoded)."""
        member = self._find(key)
        return member is None or member.value is None

    def get(self, key: str, default: Any = None) -> Any:
        member = self._find(key)
        return default if member is None else self._value(member)

    def child(self, key: str, *, create: bool = False) -> JsonObject | None:
        """Member `key` as an editable object (null or absent: a new one when `create`); None if not one."""
        member = self._find(key)
        if member is None or member.value is None:
            if not create:
                return None
            self.set(key, {})
            member = self._find(key)
            assert member is not None
        if isinstance(member.value, JsonObject):
            return member.value
        if member.value is _LAZY and member.span is not None and self._text.startswith("{", member.span[0]):
            member.value = _parse_object(self._text, member.span[0], _WALKED_DEPTH)[0]
            return member.value
        if isinstance(member.value, dict):  # a value we set ourselves
            member.value = _parse_object(json.dumps(member.value), 0, _WALKED_DEPTH)[0]
            member.span = None
            return member.value
        return None

    def set(self, key: str, value: Any) -> None:
        """Give `key` a new value (written as Docker writes it); equal values leave the text alone."""
        member = self._find(key)
        if member is not None and not isinstance(member.value, JsonObject) and _same(self._value(member), value):
            return
        self.delete(key)
        self._members.append(_Member(key, None, None, JsonObject.new() if value == {} else value))
        self._modified = True

    def delete(self, key: str) -> bool:
        """Remove every member named `key`."""
        before = len(self._members)
        self._members = [m for m in self._members if m.key != key]
        if len(self._members) != before:
            self._modified = True
        return len(self._members) != before

    def rename(self, old: str, new: str) -> None:
        """Move member `old` to the name `new`, keeping its value's text (`new` must be absent)."""
        member = self._find(old)
        if member is not None:
            member.key, member.key_span = new, None
            self._modified = True

    def to_python(self) -> dict[str, Any]:
        return {m.key: self._value(m) for m in self._members}

    def render(self, depth: int = 0) -> str:
        """The object's text: the original when nothing in it changed, else rebuilt with tab indents."""
        if not self.modified and self._span is not None:
            return self._text[self._span[0]:self._span[1]]
        if not self._members:
            return "{}"
        inner = "\t" * (depth + 1)
        parts = [f"{inner}{self._key_text(m)}: {self._render_value(m, depth + 1)}" for m in self._members]
        return "{\n" + ",\n".join(parts) + "\n" + "\t" * depth + "}"

    def _key_text(self, member: _Member) -> str:
        return json.dumps(member.key) if member.key_span is None else self._text[slice(*member.key_span)]

    def _render_value(self, member: _Member, depth: int) -> str:
        if isinstance(member.value, JsonObject):
            return member.value.render(depth)
        if member.span is not None:
            return self._text[member.span[0]:member.span[1]]
        return json.dumps(member.value, indent="\t").replace("\n", "\n" + "\t" * depth)

    def _value(self, member: _Member) -> Any:
        if isinstance(member.value, JsonObject):
            return member.value.to_python()
        if member.value is _LAZY and member.span is not None:
            with _deep_enough():
                return _DECODER.decode(self._text[member.span[0]:member.span[1]])
        return member.value

    def _find(self, key: str) -> _Member | None:
        found = None
        for member in self._members:
            if member.key == key:
                found = member  # the last one wins, as in Go
        return found


def _same(old: Any, new: Any) -> bool:
    return type(old) is type(new) and old == new


def _parse_object(text: str, start: int, depth: int) -> tuple[JsonObject, int]:
    """The object whose `{` is at `start`, and the index after its `}`. Values are checked strictly."""
    index = _WS.match(text, start + 1).end()  # type: ignore[union-attr]
    members: list[_Member] = []
    if text.startswith("}", index):
        return JsonObject(text, (start, index + 1), members), index + 1
    while True:
        plain = _PLAIN_KEY.match(text, index)
        if plain is not None:
            key, after_key, value_start = plain[1], plain.end(1) + 1, plain.end()
        else:
            if not text.startswith('"', index):
                raise JsonError("expected a quoted key", text, index)
            key, after_key = _scan(text, index)
            colon = _WS.match(text, after_key).end()  # type: ignore[union-attr]
            if not text.startswith(":", colon):
                raise JsonError("expected ':'", text, colon)
            value_start = _WS.match(text, colon + 1).end()  # type: ignore[union-attr]
        value: Any
        if depth < _WALKED_DEPTH and text.startswith("{", value_start):
            value, value_end = _parse_object(text, value_start, depth + 1)
        else:
            value, value_end = _scan(text, value_start)
            if isinstance(value, dict | list):
                value = _LAZY  # checked; decoded again only if asked for
        members.append(_Member(key, (index, after_key), (value_start, value_end), value))
        after = _AFTER_VALUE.match(text, value_end)
        if after is None:
            raise JsonError("expected ',' or '}'", text, _WS.match(text, value_end).end())  # type: ignore[union-attr]
        if after[1] == "}":
            end = after.start(1) + 1
            return JsonObject(text, (start, end), members), end
        index = after.end()


def _scan(text: str, index: int) -> tuple[Any, int]:
    try:
        return _DECODER.scan_once(text, index)  # type: ignore[attr-defined]
    except StopIteration:
        raise JsonError("expected a JSON value", text, index) from None
    except json.JSONDecodeError as exc:
        raise JsonError(exc.msg, text, exc.pos) from None
    except ValueError as exc:  # NaN, Infinity
        raise JsonError(str(exc), text, index) from None
