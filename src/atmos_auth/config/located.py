"""Located configuration data without YAML: the merged source (data, and the file and line of every
value), paths into it, and how they are shown. yaml_source.py reads files into it."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

YamlPath = tuple[str, ...]

#: Where a value was written: (file as shown, line).
Origin = tuple[str, int]


class Context:
    """What YAML functions see: the environment, the current folder, and where `!include` paths start
    (the file's folder; for a file in atmos.d/, the folder holding atmos.d/)."""

    __slots__ = ("cwd", "environ", "include_dir")

    def __init__(self, environ: Mapping[str, str], cwd: Path, include_dir: Path) -> None:
        self.environ, self.cwd, self.include_dir = environ, cwd, include_dir


@dataclass
class YamlSource:
    """One file, or several merged (config.merge): the data, and the file and line of every value."""

    path: Path
    data: Any
    lines: dict[YamlPath, Origin] = field(default_factory=dict)
    from_env: set[YamlPath] = field(default_factory=set)
    #: (path, message, is a warning, `file:line`) found while reading.
    problems: list[tuple[YamlPath, str, bool, str]] = field(default_factory=list)
    #: Every file read into this one, in merge order.
    files: list[Path] = field(default_factory=list)
    #: Keys written `!unset` (removed from what earlier files set) and lists written `!append`.
    unset: set[YamlPath] = field(default_factory=set)
    appends: set[YamlPath] = field(default_factory=set)
    #: Values whose function failed (reported once, not again by the field's own check).
    failed: set[YamlPath] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.name = display_name(self.path)
        if not self.files:
            self.files = [self.path]

    def problem(self, path: YamlPath, message: str, *, warning: bool = False) -> None:
        self.problems.append((path, message, warning, self.where(path)))

    @property
    def display_name(self) -> str:
        return self.name

    def where(self, path: YamlPath) -> str:
        """`file:line` of the deepest known prefix of `path` (a missing field points at its parent)."""
        for end in range(len(path), -1, -1):
            if (origin := self.lines.get(path[:end])) is not None:
                return f"{origin[0]}:{origin[1]}"
        return f"{self.name}:1"


def hidden(marked: AbstractSet[YamlPath], path: YamlPath) -> bool:
    """Whether the value at `path` came from a function whose result is never shown (it or a parent did)."""
    return any(path[:end] in marked for end in range(len(path), -1, -1)) if marked else False


def files_line(source: str, files: list[str]) -> str:
    """`atmos.yaml (merged with .atmos.d/auth.yaml, …)`: the configuration, then what was merged into it."""
    merged = [f for f in files if f != source]
    return source + (f" (merged with {', '.join(merged)})" if merged else "")


def display_name(path: Path) -> str:
    """`path` relative to the current folder when it is under it."""
    try:
        from atmos_auth.config.observe import resolved

        return str(resolved(path).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


