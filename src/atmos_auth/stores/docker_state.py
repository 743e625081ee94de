"""Which Docker credentials this tool wrote, so logout removes those and nothing else."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from atmos_auth.stores import paths
from atmos_auth.stores.files import atomic_write, locked


@dataclass(frozen=True)
class WrittenLogin:
    config: str  # the config.json path
    host: str
    store: str
    fingerprint: str
    identity: str | None
    integration: str | None
    expires_at: str | None
    pinned: bool = False
    #: A token about to be handed to a credential helper: recorded first, so that a process killed
    #: right after the helper stored it still leaves logout a way to recognise (and remove) it.
    pending: str | None = None

    @property
    def key(self) -> str:
        return f"{self.config}|{self.host}"

    @property
    def fingerprints(self) -> set[str]:
        """Every token fingerprint this entry may stand for (the stored one, and one being stored)."""
        return {f for f in (self.fingerprint, self.pending) if f}


class DockerState:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.cache_dir() / "docker-logins.json"

    def all(self) -> list[WrittenLogin]:
        try:
            raw = json.loads(self.path.read_text())
            return [WrittenLogin(**entry) for entry in raw.values()]
        except (OSError, ValueError, TypeError, AttributeError):
            return []

    def _save(self, entries: list[WrittenLogin]) -> None:
        atomic_write(self.path, json.dumps({e.key: asdict(e) for e in entries}, indent=2).encode())

    def _update(self, change: Callable[[dict[str, WrittenLogin]], None]) -> None:
        """Apply `change` to the records (by key) under the file's lock, and save them."""
        with locked(self.path):
            keep = {e.key: e for e in self.all()}
            change(keep)
            self._save(list(keep.values()))

    def record(self, written: list[WrittenLogin]) -> None:
        def change(keep: dict[str, WrittenLogin]) -> None:
            for entry in written:
                old = keep.get(entry.key)
                if old is not None and old.pinned and old.store == entry.store and not entry.pinned:
                    entry = replace(entry, pinned=True)  # we set that credHelpers entry on an earlier login
                keep[entry.key] = entry

        self._update(change)

    def intend(self, entries: list[WrittenLogin]) -> None:
        """Remember, before it is written anywhere, the token each entry stands for: as `pending` beside
        a token recorded earlier for the host in the same store (which stays there if this write fails),
        else as the entry itself."""
        def change(keep: dict[str, WrittenLogin]) -> None:
            for entry in entries:
                old = keep.get(entry.key)
                keep[entry.key] = replace(old, pending=entry.fingerprint) if old and old.store == entry.store else entry

        if entries:
            self._update(change)

    def abandon(self, entries: list[WrittenLogin]) -> None:
        """Undo `intend` for tokens that were not stored after all (the helper or the write failed)."""
        def change(keep: dict[str, WrittenLogin]) -> None:
            for entry in entries:
                old = keep.get(entry.key)
                if old is not None and old.pending == entry.fingerprint and old.fingerprint != entry.fingerprint:
                    keep[entry.key] = replace(old, pending=None)
                elif old is not None and old.fingerprint == entry.fingerprint and old.pending in (None, entry.fingerprint):
                    del keep[entry.key]

        if entries:
            self._update(change)

    def forget(self, gone: list[WrittenLogin]) -> None:
        if not gone:  # nothing to forget: no file to create
            return

        def change(keep: dict[str, WrittenLogin]) -> None:
            for entry in gone:
                keep.pop(entry.key, None)

        self._update(change)
