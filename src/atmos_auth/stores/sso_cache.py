"""The SSO session per portal: access token, refresh token and client registration, 0600 JSON.

Keyed by start URL and region, so every provider (and process) using one portal shares one sign-in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from atmos_auth.stores import paths
from atmos_auth.stores.files import atomic_write, locked, remove_file


@dataclass
class SsoSession:
    start_url: str
    region: str
    access_token: str | None = None
    expires_at: str | None = None  # ISO 8601
    refresh_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    registration_expires_at: str | None = None

    def forget_registration(self) -> None:
        """The portal no longer knows our client: a new one must be registered."""
        self.client_id = self.client_secret = self.registration_expires_at = None


class SsoCache:
    def __init__(self, start_url: str, region: str) -> None:
        self.start_url = start_url
        self.region = region
        key = hashlib.sha1(f"{start_url.rstrip('/')}|{region}".encode()).hexdigest()  # noqa: S324 - a file name
        self.path: Path = paths.cache_dir() / "aws-sso" / f"{key}.json"

    def load(self) -> SsoSession:
        try:
            data = json.loads(self.path.read_text())
            return SsoSession(**{k: data.get(k) for k in SsoSession.__dataclass_fields__})
        except (OSError, ValueError, TypeError):
            return SsoSession(start_url=self.start_url, region=self.region)

    def save(self, session: SsoSession) -> None:
        """Write the session; the caller holds `locked(self.path)` (one sign-in per portal at a time)."""
        atomic_write(self.path, json.dumps(asdict(session), indent=2).encode())

    def delete(self) -> bool:
        with locked(self.path):
            return remove_file(self.path)
