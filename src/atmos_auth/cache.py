"""Caching as one wrapper around any step: look, lock, look again, then authenticate and store."""

from __future__ import annotations

from datetime import timedelta

from atmos_auth import digest
from atmos_auth.credentials import MIN_TTL, Secret, secret_from_dict
from atmos_auth.stores import paths
from atmos_auth.stores.credential_store import CredentialStore
from atmos_auth.stores.files import locked


class CachedStep:
    def __init__(self, inner: object, store: CredentialStore, key: str, min_ttl: timedelta = MIN_TTL,
                 force: bool = False) -> None:
        self.inner = inner
        self.force = force
        self.name: str = inner.name  # type: ignore[attr-defined]
        self.store = store
        self.key = key
        self.min_ttl = min_ttl

    def cached(self) -> Secret | None:
        if self.force:
            return None
        data = self.store.get(self.key)
        if not data:
            return None
        secret = secret_from_dict(data)
        return secret if secret.fresh(self.min_ttl) else None

    def authenticate(self, source: Secret | None) -> Secret:
        lock = paths.cache_dir() / "locks" / digest.sha256(self.key.encode()).hexdigest()[:24]
        with locked(lock):
            # Another process may have filled the cache while we waited for the lock.
            if (hit := self.cached()) is not None:
                return hit
            secret = self.inner.authenticate(source)  # type: ignore[attr-defined]
            self.store.set(self.key, secret.to_dict())
            self.force = False  # forced once; later look-ups may use what we just stored
            return secret

    def stored(self) -> bool:
        """Whether anything is stored, fresh or not (logout removes stale entries too)."""
        return self.store.get(self.key) is not None

    def forget(self) -> bool:
        return self.store.delete(self.key)
