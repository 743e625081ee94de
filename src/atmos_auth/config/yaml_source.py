"""Read a YAML file into plain data plus the line of every key, so errors can say file:line.

`!env VAR` (and `!env VAR default`) is resolved from the environment, as Atmos does. Values that came
from `!env` are remembered by path, so listings can hide them.

Hostile files end in a located error, in bounded time and memory: nesting deeper than MAX_DEPTH,
recursive aliases, alias "bombs" that would expand past MAX_NODES values, files over MAX_BYTES, bytes
that are not UTF-8, unknown tags and values a tag cannot build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from atmos_auth.errors import ConfigError

YamlPath = tuple[str, ...]

#: Deeper than any configuration needs; PyYAML's own recursion would overflow not far beyond 300.
MAX_DEPTH = 100
#: Values built after expanding aliases: far above a large atmos.yaml, far below exhausting memory.
MAX_NODES = 250_000
MAX_BYTES = 16 * 1024 * 1024
#: Python refuses to print integers of more than 4300 digits; hex, binary and sexagesimal YAML forms
#: could build one without that check (4300 digits are about 14 284 bits).
_MAX_INT_BITS = 14_280


@dataclass
class YamlSource:
    path: Path
    data: Any
    lines: dict[YamlPath, int] = field(default_factory=dict)
    from_env: set[YamlPath] = field(default_factory=set)
    #: (path, message, is a warning) found while reading.
    problems: list[tuple[YamlPath, str, bool]] = field(default_factory=list)

    def problem(self, path: YamlPath, message: str, *, warning: bool = False) -> None:
        self.problems.append((path, message, warning))

    @property
    def display_name(self) -> str:
        try:
            return str(self.path.resolve().relative_to(Path.cwd().resolve()))
        except (ValueError, OSError, RuntimeError):
            return str(self.path)

    def line_of(self, path: YamlPath) -> int:
        """Line of the deepest known prefix of `path` (a missing field points at its parent)."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


class _TooBig(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _Builder:
    def __init__(self, source: YamlSource) -> None:
        self.source = source
        self.scalars = yaml.SafeLoader("")  # only its scalar resolution and merge-key flattening are used
        self.building: set[int] = set()
        self.count = 0

    def build(self, node: yaml.Node, path: YamlPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(f"expands to more than {MAX_NODES} values once its aliases are followed; not read",
                          node.start_mark.line + 1)
        if id(node) in self.building:
            self.source.problem(path, "a recursive alias (an anchor that contains itself)")
            return None
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            self.building.add(id(node))
            try:
                return self._mapping(node, path) if isinstance(node, yaml.MappingNode) else self._sequence(node, path)
            finally:
                self.building.discard(id(node))
        if node.tag == "!env":
            return self._env(node, path)
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: YamlPath) -> dict[str, Any]:
        try:
            self.scalars.flatten_mapping(node)
        except yaml.YAMLError as exc:
            self.source.problem(path, f"bad merge key (<<): {getattr(exc, 'problem', None) or exc}")
            return {}
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.source.problem(path, f"line {key_node.start_mark.line + 1}: a key must be plain text, "
                                                   "not a mapping or a list")
                continue
            key = str(self.build(key_node, path))
            child = (*path, key)
            if key in result:
                self.source.problem(child, "duplicate key")
            self.source.lines[child] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child)
        return result

    def _sequence(self, node: yaml.SequenceNode, path: YamlPath) -> list[Any]:
        items = []
        for index, item in enumerate(node.value):
            child = (*path, str(index))
            self.source.lines[child] = item.start_mark.line + 1
            items.append(self.build(item, child))
        return items

    def _scalar(self, node: yaml.Node, path: YamlPath) -> Any:
        if node.tag.startswith("!") and not node.tag.startswith("tag:yaml.org,2002:"):
            self.source.problem(path, f"the YAML function {node.tag} is not supported here")
            return None
        try:
            value = self.scalars.construct_object(node, deep=True)
            if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:  # 0x…, 0b…, 1:2:3… forms
                raise ValueError("Exceeds the limit")
            return value
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            reason = getattr(exc, "problem", None) or str(exc)
            if "Exceeds the limit" in reason:
                reason = "a number with more than 4300 digits"
            self.source.problem(path, f"invalid {node.tag.rsplit(':', 1)[-1]} value: {reason}")
            return None

    def _env(self, node: yaml.Node, path: YamlPath) -> Any:
        self.source.from_env.add(path)
        parts = str(node.value).split(None, 1) if isinstance(node, yaml.ScalarNode) else []
        if not parts:
            self.source.problem(path, "!env needs a variable name")
            return None
        value = os.environ.get(parts[0])
        if value is None and len(parts) > 1:
            value = _unquoted(parts[1])
        if value is None:  # as in Atmos: an unset variable without a default is an empty string
            self.source.problem(path, f'environment variable {parts[0]} (from !env) is not set; it is read as ""',
                                warning=True)
            value = ""
        return value.strip()


#: libyaml's parser when PyYAML has it (much faster); the pure-Python one otherwise.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _unquoted(text: str) -> str:
    """A default as Atmos reads it: a quoted one loses its quotes, a doubled quote inside is one quote."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1].replace(text[0] * 2, text[0])
    return text


def _check_shape(text: str, name: str) -> None:
    """Refuse, before PyYAML composes a single node, nesting deeper than MAX_DEPTH (its composer is
    recursive) and more than MAX_NODES values (composing them all would cost minutes and gigabytes)."""
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=_LOADER), start=1):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 1
                raise ConfigError(f"{name}:{line}: nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if count > MAX_NODES:
            line = event.start_mark.line + 1 if event.start_mark else 1
            raise ConfigError(f"{name}:{line}: more than {MAX_NODES} values; an atmos.yaml this large is not read")


def read_yaml(path: Path) -> YamlSource:
    """Parse `path`; syntax errors and hostile input become a ConfigError that names file and line."""
    source = YamlSource(path=path, data=None)
    name = source.display_name
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ConfigError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MiB; not read")
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{name}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                          remedy="save the file as UTF-8") from None
    try:
        _check_shape(text, name)
        node = yaml.compose(text, Loader=_LOADER)
        source.data = None if node is None else _Builder(source).build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(p for p in (exc.context, exc.problem) if p)
        raise ConfigError(f"{name}:{line}: YAML syntax error: {reason}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: YAML syntax error: {exc}") from None
    except _TooBig as exc:
        raise ConfigError(f"{name}:{exc.line}: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{name}: nested too deeply (recursive merge keys?)") from None
    return source
