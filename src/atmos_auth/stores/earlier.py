"""What this tool's versions before it shared Atmos's store kept, moved or removed on first use.

They kept plaintext 0600 JSON files named `<key, sanitized>-<sha256(key)[:12]>.json` (with a `.lock`
beside each) in the keyring folder, and system-keyring entries under the service "atmos-auth" with the
key as the account.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from atmos_auth.stores.credential_store import ACCOUNT, CredentialStore, KeyringStore, SystemStore


def _path(folder: Path, key: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", key)[:80]
    return folder / f"{safe}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.json"


def _remove(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".lock")):
        with contextlib.suppress(OSError):
            stale.unlink()


def take_earlier(store: CredentialStore, key: str) -> dict[str, Any] | None:
    """The entry an earlier version kept under `key`, removed from where it was: the caller stores it
    again in Atmos's format."""
    folder = getattr(store, "folder", None)
    if folder is not None and (path := _path(folder, key)).is_file():
        try:
            value = json.loads(path.read_text())
        except (OSError, ValueError):
            value = None
        _remove(path)
        return value if isinstance(value, dict) else None
    inner = store._store() if isinstance(store, SystemStore) else store
    if isinstance(inner, KeyringStore):
        try:
            text = inner.backend.get_password(ACCOUNT, key)
            if text:
                inner.backend.delete_password(ACCOUNT, key)
            value = json.loads(text) if text else None
        except Exception:
            return None
        return value if isinstance(value, dict) else None
    return None


def sweep_earlier(folder: Path) -> None:
    """Delete the plaintext session caches earlier versions left in the keyring folder: they hold secrets
    and expire within hours (access keys are moved by take_earlier when first looked up)."""
    if not folder.is_dir():
        return
    for path in folder.glob("*-????????????.json"):
        try:
            session = json.loads(path.read_text()).get("type") in ("aws", "token")
        except (OSError, ValueError, AttributeError):
            continue
        if session:
            _remove(path)
