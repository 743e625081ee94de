"""Read a YAML file into plain data plus the line of every key, so errors can say file:line.

`!env VAR` (and `!env VAR default`) is resolved from the environment, as Atmos does. Values that came
from `!env` are remembered by path, so listings can hide them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from atmos_auth.errors import ConfigError

YamlPath = tuple[str, ...]


@dataclass
class YamlSource:
    path: Path
    data: Any
    lines: dict[YamlPath, int] = field(default_factory=dict)
    from_env: set[YamlPath] = field(default_factory=set)
    problems: list[tuple[YamlPath, str]] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        try:
            return str(self.path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(self.path)

    def line_of(self, path: YamlPath) -> int:
        """Line of the deepest known prefix of `path` (a missing field points at its parent)."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


class _Builder:
    def __init__(self, source: YamlSource) -> None:
        self.source = source
        self.scalars = yaml.SafeLoader("")  # only its scalar resolution is used

    def build(self, node: yaml.Node, path: YamlPath) -> Any:
        if isinstance(node, yaml.MappingNode):
            self.scalars.flatten_mapping(node)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(self.build(key_node, path))
                child = (*path, key)
                if key in result:
                    self.source.problems.append((child, "duplicate key"))
                self.source.lines[child] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                child = (*path, str(index))
                self.source.lines[child] = item.start_mark.line + 1
                items.append(self.build(item, child))
            return items
        if node.tag == "!env":
            return self._env(node, path)
        return self.scalars.construct_object(node, deep=True)

    def _env(self, node: yaml.Node, path: YamlPath) -> Any:
        self.source.from_env.add(path)
        parts = str(node.value).split(None, 1)
        if not parts:
            self.source.problems.append((path, "!env needs a variable name"))
            return None
        value = os.environ.get(parts[0])
        if value is None and len(parts) > 1:
            value = parts[1]
        if value is None:
            self.source.problems.append((path, f"environment variable {parts[0]} (from !env) is not set"))
        return value


def read_yaml(path: Path) -> YamlSource:
    """Parse `path`; syntax errors become a ConfigError that names file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    source = YamlSource(path=path, data=None)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(p for p in (exc.context, exc.problem) if p)
        raise ConfigError(f"{source.display_name}:{line}: YAML syntax error: {reason}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source.display_name}: YAML syntax error: {exc}") from None
    source.data = None if node is None else _Builder(source).build(node, ())
    return source
