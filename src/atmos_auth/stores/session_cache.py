"""Session credentials between commands: one 0600 JSON file per chain step in a 0700 folder
(`$XDG_CACHE_HOME/atmos/sessions/`). As Atmos does, short-lived session credentials are not put in the
keyring (they sit in the AWS files too, just as protected); the keyring keeps what lasts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from atmos_auth import digest
from atmos_auth.stores import paths
from atmos_auth.stores.files import atomic_write, locked, private_dir, remove_file


class SessionCache:
    kind = "session cache"

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or paths.cache_dir() / "sessions"

    def path(self, key: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", key)[:80]
        return self.folder / f"{safe}-{digest.sha256(key.encode()).hexdigest()[:12]}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            value = json.loads(self.path(key).read_text())
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def set(self, key: str, value: dict[str, Any]) -> None:
        private_dir(self.folder)
        path = self.path(key)
        with locked(path):
            atomic_write(path, json.dumps(value).encode())

    def delete(self, key: str) -> bool:
        path = self.path(key)
        if not self.folder.is_dir():
            return False
        with locked(path):
            return remove_file(path)
