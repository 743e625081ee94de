"""The SSO session per portal: access token, refresh token and client registration, 0600 JSON.

Atmos's file, path and format (cloudposse/atmos pkg/auth/providers/aws/sso_cache.go), so the two tools
share one sign-in: `<cache>/atmos/aws-sso/sessions/<sha1(start_url|region)>.json`, camelCase fields,
RFC 3339 times. Keyed by start URL and region, so every provider (and process) on one portal shares it.
A session kept by this tool's earlier versions (`aws-sso/<sha1>.json`, snake_case) is moved there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from atmos_auth import digest
from atmos_auth.stores import paths
from atmos_auth.stores.files import atomic_write, locked, remove_file

#: What Go's encoding/json writes for a zero time.Time (Atmos's `registrationExpiresAt` when unknown).
_ZERO_TIME = "0001-01-01T00:00:00Z"
#: Atmos's JSON names of the fields it may leave out (`omitempty`).
_OPTIONAL = {"refresh_token": "refreshToken", "client_id": "clientId", "client_secret": "clientSecret"}


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


def _go_time(value: str | None) -> str:
    """An ISO time as Go's RFC3339Nano in UTC (`…Z`, trailing zeros trimmed), or Go's zero time."""
    if not value:
        return _ZERO_TIME
    moment = datetime.fromisoformat(value).astimezone(UTC)
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def _our_time(value: Any) -> str | None:
    """An RFC 3339 time as ISO in UTC; None for Go's zero time or anything that is not a time (a
    session without a usable expiry counts as expired)."""
    if not isinstance(value, str) or not value or value.startswith("0001-01-01"):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def to_atmos(session: SsoSession) -> dict[str, Any]:
    """The session as Atmos writes it (its struct's field order)."""
    return {"accessToken": session.access_token or "", "expiresAt": _go_time(session.expires_at),
            "region": session.region, "startUrl": session.start_url,
            **{theirs: getattr(session, ours) for ours, theirs in _OPTIONAL.items() if getattr(session, ours)},
            "registrationExpiresAt": _go_time(session.registration_expires_at)}


def from_atmos(data: dict[str, Any], start_url: str, region: str) -> SsoSession:
    """The session in Atmos's file; a field of the wrong type counts as absent."""
    return SsoSession(start_url=start_url, region=region, access_token=_text(data.get("accessToken")),
                      expires_at=_our_time(data.get("expiresAt")),
                      **{ours: _text(data.get(theirs)) for ours, theirs in _OPTIONAL.items()},
                      registration_expires_at=_our_time(data.get("registrationExpiresAt")))


class SsoCache:
    def __init__(self, start_url: str, region: str) -> None:
        self.start_url = start_url
        self.region = region
        key = digest.sha1(f"{start_url}|{region}".encode()).hexdigest()  # noqa: S324 - Atmos's file name
        self.path: Path = paths.cache_dir() / "aws-sso" / "sessions" / f"{key}.json"
        earlier = digest.sha1(f"{start_url.rstrip('/')}|{region}".encode()).hexdigest()  # noqa: S324
        self.earlier: Path = paths.cache_dir() / "aws-sso" / f"{earlier}.json"
        if self.earlier.exists() and not self.path.exists():
            self._move_earlier()

    def _move_earlier(self) -> None:
        """The session this tool's earlier versions kept (snake_case, another path), moved to Atmos's file."""
        with locked(self.path):
            if self.path.exists():
                return
            try:
                data = json.loads(self.earlier.read_text())
                session = from_atmos({theirs: data.get(ours) for ours, theirs in (
                    ("access_token", "accessToken"), ("expires_at", "expiresAt"),
                    ("registration_expires_at", "registrationExpiresAt"), *_OPTIONAL.items())},
                    self.start_url, self.region) if isinstance(data, dict) else None
            except (OSError, ValueError):
                session = None
            if session is not None:
                self.save(session)
            remove_file(self.earlier)

    def load(self) -> SsoSession:
        try:
            data = json.loads(self.path.read_text())
            if data.get("startUrl") in (None, self.start_url) and data.get("region") in (None, self.region):
                return from_atmos(data, self.start_url, self.region)
        except (OSError, ValueError, TypeError, AttributeError):
            pass
        return SsoSession(start_url=self.start_url, region=self.region)

    def save(self, session: SsoSession) -> None:
        """Write the session; the caller holds `locked(self.path)` (one sign-in per portal at a time)."""
        atomic_write(self.path, json.dumps(to_atmos(session), indent=2).encode())

    def delete(self) -> bool:
        with locked(self.path):
            gone = remove_file(self.path)
            return remove_file(self.earlier) or gone
