"""What a command may use of a configuration that has problems: the entries its identity's chain (or
its integration) passes through must have none that block; the rest of the file does not matter."""

from __future__ import annotations

from atmos_auth.config.model import AuthConfig
from atmos_auth.config.problems import NOUN, Problem
from atmos_auth.errors import ConfigInvalid

Entry = tuple[str, str]


def involved(config: AuthConfig, start: Entry) -> list[Entry]:
    """`start` and every entry its `via` chain passes through, as written in the file."""
    walk: list[Entry] = []
    current: Entry | None = start
    while current is not None and current not in walk:
        walk.append(current)
        current = config.links.get(current)
    return walk


def blocking(config: AuthConfig, start: Entry) -> list[Problem]:
    entries = set(involved(config, start))
    return [p for p in config.problems if p.blocks and p.owner in entries]


def require(config: AuthConfig, start: Entry) -> None:
    """Raise, with every located problem in the way, unless `start` can be used."""
    problems = blocking(config, start)
    if problems:
        noun = NOUN[start[0]]
        raise ConfigInvalid([p.text for p in problems], head=f"{noun} {start[1]!r} cannot be used:")


def defined(config: AuthConfig, section: str, name: str) -> bool:
    """Whether the file defines `name`, usable or not."""
    return (section, name) in config.kinds or name in getattr(config, section)


def elsewhere(config: AuthConfig) -> int:
    """How many errors the file has (for the one warning line of a command they do not stop)."""
    return sum(1 for p in config.problems if p.error)
