"""The credential store: the OS keyring when it works, else private files, else memory.

Chosen by ATMOS_KEYRING_TYPE > `auth.keyring.type` (system | file | memory). A system keyring that is
missing or broken (no D-Bus on a server, a locked wallet) falls back to files with a warning instead of
hanging or failing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from pathlib import Path
from typing import Any, Protocol

from atmos_auth.stores import paths
from atmos_auth.stores.files import atomic_write, locked, private_dir, remove_file

SERVICE = "atmos-auth"
log = logging.getLogger("atmos_auth")


class CredentialStore(Protocol):
    @property
    def kind(self) -> str: ...

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
        path = self._path(key)
        with locked(path):
            atomic_write(path, json.dumps(value).encode())

    def delete(self, key: str) -> bool:
        path = self._path(key)
        if not self.folder.is_dir():
            return False
        with locked(path):
            return remove_file(path)


class KeyringStore:
    kind = "system"

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self._backend.get_password(SERVICE, key)
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None  # not ours, or damaged: treated as absent

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._backend.set_password(SERVICE, key, json.dumps(value))

    def delete(self, key: str) -> bool:
        try:
            self._backend.delete_password(SERVICE, key)
            return True
        except Exception:  # keyring raises PasswordDeleteError when absent
            return False


def store_folder(path: str | None = None) -> Path:
    """Where the file store (and the system store's fallback) keeps its files."""
    folder_text = os.environ.get("ATMOS_KEYRING_FILE_PATH") or path
    folder = Path(folder_text).expanduser() if folder_text else paths.data_dir() / "keyring"
    return folder.parent if folder.suffix else folder  # Atmos treats a path with an extension as a file


def open_store(configured: str = "system", path: str | None = None) -> CredentialStore:
    kind = os.environ.get("ATMOS_KEYRING_TYPE") or configured
    folder = store_folder(path)
    if kind == "memory":
        return MemoryStore()
    if kind == "file":
        return FileStore(folder)
    return SystemStore(folder)


class SystemStore:
    """The OS keyring, looked for on first use: a command that keeps nothing (a CI OIDC login) never
    probes it, and never warns about it. Without a usable one, private files under `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._inner: CredentialStore | None = None

    def _store(self) -> CredentialStore:
        if self._inner is None:
            backend = _usable_keyring()
            self._inner = KeyringStore(backend) if backend is not None else self._fallback()
        return self._inner

    def _fallback(self) -> FileStore:
        marker = self.folder / ".fallback-noted"
        if not marker.exists():  # say it once per machine, not on every command
            log.warning("no usable system keyring; keeping credentials in private 0600 files under %s "
                        "(set auth.keyring.type: file to make this the choice)", self.folder)
            private_dir(self.folder)
            marker.touch(mode=0o600)
        return FileStore(self.folder)

    @property
    def kind(self) -> str:
        return self._store().kind

    def get(self, key: str) -> dict[str, Any] | None:
        return self._store().get(key)

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._store().set(key, value)

    def delete(self, key: str) -> bool:
        return self._store().delete(key)


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
