"""A JSON object edited member by member: what is not edited keeps its exact original text.

Docker's config.json belongs to many programs. Re-serialising values we do not own would rewrite
them (`1e400` as `Infinity`, `ü` as `\\u00fc`, `1.10` as `1.1`), so an edit keeps every untouched
member's text byte for byte (non-UTF-8 bytes too, carried as surrogate escapes) and writes only the
members it changes; a member moved from elsewhere keeps its text too. Parsing is strict JSON as Go's
encoding/json reads it: no NaN/Infinity, no comments, no trailing commas, at most 10 000 levels of
nesting; and in a struct (Docker's config, an `auths` entry) a field's value is the last key that names it
in any case, as Go reads it.

Memory stays near the file's size: the top level and its objects are walked member by member, and a
value below them is checked, then kept only as the span of its text and decoded again if asked for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from atmos_auth.stores.json_scan import (
    DECODER,
    MAX_DEPTH,
    JsonError,
    Number,
    nesting,
    scan,
    stack_levels,
    stack_room,
)

__all__ = ["MAX_DEPTH", "JsonError", "JsonObject", "Number"]

#: Objects down to this depth are walked member by member (the top level, then `auths`); deeper
#: containers are validated by the C scanner and kept as spans.
_WALKED_DEPTH = 1
_WS = re.compile(r"[ \t\n\r]*")
#: A key without escapes, and the colon after it: the common case, read without the decoder.
_PLAIN_KEY = re.compile(r'"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
#: What follows a value: a comma (and what follows it) or the closing brace.
_AFTER_VALUE = re.compile(r"[ \t\n\r]*([,}])[ \t\n\r]*")


#: The value of a member whose (container) value was checked but not kept: decode its span when needed.
_LAZY = object()


class _Raw:
    """A value moved from another object: written back as the text it had there."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


@dataclass(slots=True)
class _Member:
    key: str
    #: (start, end) of the key's original text (quotes included), or None for a key we added.
    key_span: tuple[int, int] | None
    #: (start, end) of the original value text, or None once the value was replaced.
    span: tuple[int, int] | None
    value: Any


class JsonObject:
    """One object of a document. `modified` is False until something in it (or below it) changes.

    `fields`: the object is a Go struct (its keys are matched case-insensitively, as Go reads struct
    fields), not a Go map (exact keys): Docker's config and each `auths` entry are structs, `auths`
    and `credHelpers` are maps."""

    def __init__(self, text: str, span: tuple[int, int] | None, members: list[_Member], fields: bool = False) -> None:
        self._text = text
        self._span = span
        self._members = members
        self._modified = span is None
        self.fields = fields

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
        room = stack_levels()
        try:
            with stack_room(room - 100):  # surely within Go's limit (and the stack): the usual, fast case
                document, end = _parse_object(text, start, 0)
        except RecursionError:
            depth = nesting(text, start)
            if depth > MAX_DEPTH:
                raise JsonError(f"is nested more than {MAX_DEPTH} levels deep (Docker cannot read that either)",
                                text, start) from None
            if depth > room:
                raise JsonError(f"is nested {depth} levels deep, more than this process's stack allows "
                                "(raise `ulimit -s`)", text, start) from None
            with stack_room(room + 100):
                document, end = _parse_object(text, start, 0)
        end = _WS.match(text, end).end()  # type: ignore[union-attr]
        if end != len(text):
            raise JsonError("has extra data after the object", text, end)
        document.fields = True
        return document

    @property
    def modified(self) -> bool:
        return self._modified or any(isinstance(m.value, JsonObject) and m.value.modified for m in self._members)

    def keys(self) -> list[str]:
        return [m.key for m in self._members]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __contains__(self, key: str) -> bool:
        return self._find(key) is not None

    def is_null(self, key: str) -> bool:
        """True when `key` is absent or null (cheap: nothing is decoded)."""
        member = self._find(key)
        return member is None or member.value is None

    def get(self, key: str, default: Any = None) -> Any:
        member = self._find(key)
        return default if member is None else self._value(member)

    def child(self, key: str, *, create: bool = False, fields: bool = False) -> JsonObject | None:
        """Member `key` as an editable object (null or absent: a new one when `create`); None if not one.
        `fields`: it is a Go struct (see the class)."""
        member = self._find(key)
        if member is None or member.value is None:
            if not create:
                return None
            self.set(key, {})
            member = self._find(key)
            assert member is not None
        if isinstance(member.value, JsonObject):
            member.value.fields = fields
            return member.value
        text, start = self._text, member.span[0] if member.span is not None else 0
        if isinstance(member.value, _Raw):
            text = member.value.text
        elif isinstance(member.value, dict):  # a value we set ourselves
            text = json.dumps(member.value)
        elif member.value is not _LAZY:
            return None
        if not text.startswith("{", start):
            return None
        with stack_room(stack_levels() + 100):  # the file was checked as a whole already
            member.value = _parse_object(text, start, _WALKED_DEPTH)[0]
        member.value.fields = fields
        if text is not self._text:
            member.span = None
            member.value._modified = True  # its text lives elsewhere: written out member by member
        return member.value

    def set(self, key: str, value: Any) -> None:
        """Give `key` a new value (written as Docker writes it); equal values leave the text alone."""
        member = self._find(key)
        if member is not None and not isinstance(member.value, JsonObject) and _same(self._value(member), value):
            return
        self.delete(key)
        self._members.append(_Member(key, None, None, JsonObject.new() if value == {} else value))
        self._modified = True

    def adopt(self, other: JsonObject, key: str) -> None:
        """Add `other`'s member `key` here, with the exact text of its value (numbers, escapes, bytes)."""
        member = other._find(key)
        if member is not None:
            self.delete(key)
            self._members.append(_Member(key, None, None, _Raw(other._render_value(member, 0))))
            self._modified = True

    def delete(self, key: str) -> bool:
        """Remove every member that Go would read as `key` (in a struct: any case)."""
        before = len(self._members)
        folded = key.lower() if self.fields else key
        self._members = [m for m in self._members if (m.key.lower() if self.fields else m.key) != folded]
        if len(self._members) != before:
            self._modified = True
        return len(self._members) != before

    def rename(self, old: str, new: str) -> None:
        """Move member `old` to the name `new`, keeping its value's text (`new` must be absent)."""
        member = self._find(old, exact=True)
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
        if isinstance(member.value, _Raw):
            return member.value.text
        if member.span is not None:
            return self._text[member.span[0]:member.span[1]]
        return json.dumps(member.value, indent="\t").replace("\n", "\n" + "\t" * depth)

    def _value(self, member: _Member) -> Any:
        if isinstance(member.value, JsonObject):
            return member.value.to_python()
        if isinstance(member.value, _Raw) or (member.value is _LAZY and member.span is not None):
            with stack_room(stack_levels() + 100):
                return DECODER.decode(self._render_value(member, 0))
        return member.value

    def non_objects(self) -> list[str]:
        """Keys whose value is neither an object nor null (Go cannot read those into a struct)."""
        bad = []
        for member in self._members:
            value = member.value
            if value is _LAZY and member.span is not None:
                if not self._text.startswith("{", member.span[0]):
                    bad.append(member.key)
            elif not (value is None or isinstance(value, JsonObject | dict) or
                      (isinstance(value, _Raw) and value.text.startswith("{"))):
                bad.append(member.key)
        return bad

    def _find(self, key: str, *, exact: bool = False) -> _Member | None:
        """The member whose value Go's decoder keeps for `key`: in a map the last one with that exact
        key; in a struct the last one whose key matches the field in any case (Go matches field names
        case-insensitively, and a later key overwrites an earlier one)."""
        found = None
        folded = key.lower()
        for member in self._members:
            if member.key == key or (self.fields and not exact and member.key.lower() == folded):
                found = member
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
            key, after_key = scan(text, index)
            colon = _WS.match(text, after_key).end()  # type: ignore[union-attr]
            if not text.startswith(":", colon):
                raise JsonError("expected ':'", text, colon)
            value_start = _WS.match(text, colon + 1).end()  # type: ignore[union-attr]
        value: Any
        if depth < _WALKED_DEPTH and text.startswith("{", value_start):
            value, value_end = _parse_object(text, value_start, depth + 1)
        else:
            value, value_end = scan(text, value_start)
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
