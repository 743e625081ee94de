"""The values that flow along a chain: AWS `Credentials`, and provider `Token`s (SSO bearer, OIDC JWT).

Both are frozen, carry their expiry, and keep secrets out of repr().
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

#: A cached step is reused only while it has more than this left: enough for a terraform apply or a
#: docker push started right after `atmos auth login` to finish without the credentials expiring.
MIN_TTL = timedelta(minutes=15)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _fresh(expires_at: datetime | None, min_ttl: timedelta, now: datetime | None) -> bool:
    return expires_at is None or expires_at - (now or utcnow()) > min_ttl


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    region: str | None = None
    #: For display only: the account and the principal (role name, role ARN, user) they belong to.
    account_id: str | None = None
    principal: str | None = None

    def fresh(self, min_ttl: timedelta = MIN_TTL, now: datetime | None = None) -> bool:
        return _fresh(self.expires_at, min_ttl, now)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["type"] = "aws"
        data["expires_at"] = self.expires_at.isoformat() if self.expires_at else None
        return data

    @property
    def masked_key(self) -> str:
        return f"…{self.access_key_id[-4:]}"


@dataclass(frozen=True)
class Token:
    """A bearer (`sso`), web-identity (`oidc`) or SAML assertion (`saml`) produced by a provider."""

    kind: Literal["sso", "oidc", "saml"]
    value: str = field(repr=False)
    expires_at: datetime | None = None
    region: str | None = None

    def fresh(self, min_ttl: timedelta = MIN_TTL, now: datetime | None = None) -> bool:
        return _fresh(self.expires_at, min_ttl, now)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "token", "kind": self.kind, "value": self.value, "region": self.region,
                "expires_at": self.expires_at.isoformat() if self.expires_at else None}


Secret = Credentials | Token


def secret_from_dict(data: dict[str, Any]) -> Secret:
    if data.get("type") == "token":
        return Token(kind=data["kind"], value=data["value"], expires_at=_parse_time(data.get("expires_at")),
                     region=data.get("region"))
    fields = {k: data.get(k) for k in ("access_key_id", "secret_access_key", "session_token", "region",
                                       "account_id", "principal")}
    return Credentials(**fields, expires_at=_parse_time(data.get("expires_at")))  # type: ignore[arg-type]
