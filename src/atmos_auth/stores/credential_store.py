"""The credential store: the OS keyring when it works, else private files, else memory.

Chosen by ATMOS_KEYRING_TYPE > `auth.keyring.type` (system | file | memory). A system keyring that is
missing or broken (no D-Bus on a server, a locked wallet) falls back to files with a warning instead of
hanging or failing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import warnings
from pathlib import Path
from typing import Any, Protocol

from atmos_auth.stores import paths
from atmos_auth.stores.files import atomic_write, private_dir

SERVICE = "atmos-auth"


class CredentialStore(Protocol):
    kind: str

    def get(self, key: str) -> dict[str, Any] | None: ...
    def set(self, key: str, value: dict[str, Any]) -> None: ...
    def delete(self, key: str) -> bool: ...


class MemoryStore:
    kind = "memory"

    def __init__(self) -> None:
        self._items: dict[str, dict[str, Any]] = {}

    def get(self, key: str) -> dict[str, Any] | None:
        return self._items.get(key)

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._items[key] = value

    def delete(self, key: str) -> bool:
        return self._items.pop(key, None) is not None


class FileStore:
    """One 0600 JSON file per key in a 0700 folder (default $XDG_DATA_HOME/atmos/keyring)."""

    kind = "file"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", key)[:80]
        return self.folder / f"{safe}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            return json.loads(self._path(key).read_text())
        except (OSError, ValueError):
            return None

    def set(self, key: str, value: dict[str, Any]) -> None:
        private_dir(self.folder)
        atomic_write(self._path(key), json.dumps(value).encode())

    def delete(self, key: str) -> bool:
        try:
            self._path(key).unlink()
            return True
        except FileNotFoundError:
            return False


class KeyringStore:
    kind = "system"

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self._backend.get_password(SERVICE, key)
        return json.loads(raw) if raw else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._backend.set_password(SERVICE, key, json.dumps(value))

    def delete(self, key: str) -> bool:
        try:
            self._backend.delete_password(SERVICE, key)
            return True
        except Exception:  # keyring raises PasswordDeleteError when absent
            return False


def open_store(configured: str = "system", path: str | None = None) -> CredentialStore:
    kind = os.environ.get("ATMOS_KEYRING_TYPE") or configured
    folder_text = os.environ.get("ATMOS_KEYRING_FILE_PATH") or path
    folder = Path(folder_text).expanduser() if folder_text else paths.data_dir() / "keyring"
    if folder.suffix:  # Atmos treats a path with an extension as a file inside the folder
        folder = folder.parent
    if kind == "memory":
        return MemoryStore()
    if kind == "file":
        return FileStore(folder)
    backend = _usable_keyring()
    if backend is None:
        marker = folder / ".fallback-noted"
        if not marker.exists():  # say it once per machine, not on every command
            warnings.warn("no usable system keyring; keeping credentials in private 0600 files under "
                          f"{folder} (set auth.keyring.type: file to make this the choice)", stacklevel=2)
            private_dir(folder)
            marker.touch(mode=0o600)
        return FileStore(folder)
    return KeyringStore(backend)


def _usable_keyring() -> Any:
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
            return None
        backend.get_password(SERVICE, "probe")
        return backend
    except Exception:
        return None
