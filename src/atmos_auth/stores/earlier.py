"""What this tool's versions before it shared Atmos's store kept, moved or removed on first use.

They kept plaintext 0600 JSON files named `<key, sanitized>-<sha256(key)[:12]>.json` (with a `.lock`
beside each) in the keyring folder, and system-keyring entries under the service "atmos-auth" with the
key as the account.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from atmos_auth.stores.credential_store import ACCOUNT, CredentialStore, KeyringStore, SystemStore


def _path(folder: Path, key: str) -> Path:
    """Earlier versions named their files as the session cache names its own."""
    from atmos_auth.stores.session_cache import SessionCache

    return SessionCache(folder).path(key)


def _remove(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".lock")):
        with contextlib.suppress(OSError):
            stale.unlink()


def read_earlier(store: CredentialStore, key: str) -> dict[str, Any] | None:
    """The entry an earlier version kept under `key` (left where it is: see drop_earlier)."""
    folder = getattr(store, "folder", None)
    if folder is not None and (path := _path(folder, key)).is_file():
        try:
            value = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None
    inner = store._store() if isinstance(store, SystemStore) else store
    if isinstance(inner, KeyringStore):
        try:
            text = inner.backend.get_password(ACCOUNT, key)
            value = json.loads(text) if text else None
        except Exception:
            return None
        return value if isinstance(value, dict) else None
    return None


def drop_earlier(store: CredentialStore, key: str) -> bool:
    """Remove what an earlier version kept under `key`, once it is stored again (or on purpose)."""
    folder = getattr(store, "folder", None)
    if folder is not None and (path := _path(folder, key)).is_file():
        _remove(path)
        return True
    inner = store._store() if isinstance(store, SystemStore) else store
    if isinstance(inner, KeyringStore):
        try:
            inner.backend.delete_password(ACCOUNT, key)
            return True
        except Exception:
            return False
    return False


def sweep_earlier(folder: Path) -> None:
    """Delete the plaintext session caches earlier versions left in the keyring folder: they hold secrets
    and expire within hours (access keys are moved when first looked up: identities.user.stored_keys)."""
    if not folder.is_dir():
        return
    for path in folder.glob("*-????????????.json"):
        try:
            session = json.loads(path.read_text()).get("type") in ("aws", "token")
        except (OSError, ValueError, AttributeError):
            continue
        if session:
            _remove(path)
