"""Everything the emulator remembers: issued credentials, SSO sessions, device codes, faults, the request log."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from atmos_auth.emulator.fixture import Fixture, Grant


@dataclass(frozen=True)
class Principal:
    arn: str
    account: str
    user_id: str
    grant: Grant = Grant()


@dataclass
class Issued:
    access_key_id: str
    secret_access_key: str
    session_token: str | None
    expires_at: float | None
    principal: Principal


@dataclass
class Registration:
    client_id: str
    client_secret: str
    expires_at: float


@dataclass
class DeviceAuthorization:
    device_code: str
    user_code: str
    client_id: str
    start_url: str
    expires_at: float
    interval: int
    status: str = "pending"  # pending | approved | denied | used
    last_poll: float | None = None


@dataclass
class SsoSession:
    start_url: str
    client_id: str
    expires_at: float
    refresh_token: str | None = None


@dataclass
class Fault:
    """Fail the next `count` calls of `operation` ("*" for all) with `kind`."""

    operation: str
    kind: str  # throttle | error500 | hang | reset
    count: int = 1
    seconds: float = 5.0


@dataclass
class World:
    fixture: Fixture
    auto_approve: bool = False
    latency_ms: int = 0
    clock: Any = time.time
    #: Seconds the emulated AWS clock is ahead of this machine's (a test of clock skew sets it).
    clock_offset: float = 0.0
    seed: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    lock: threading.RLock = field(default_factory=threading.RLock)
    credentials: dict[str, Issued] = field(default_factory=dict)
    registrations: dict[str, Registration] = field(default_factory=dict)
    devices: dict[str, DeviceAuthorization] = field(default_factory=dict)
    sessions: dict[str, SsoSession] = field(default_factory=dict)
    refresh_tokens: dict[str, SsoSession] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    #: Console sign-in tokens: token -> (principal ARN, expiry).
    signin_tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for user in self.fixture.users:
            principal = Principal(arn=f"arn:aws:iam::{user.account}:user/{user.name}", account=user.account,
                                  user_id="AIDA" + _digest(user.name)[:17].upper(), grant=user.grant)
            self.credentials[user.access_key_id] = Issued(user.access_key_id, user.secret_access_key, None, None,
                                                          principal)

    def now(self) -> float:
        return self.clock() + self.clock_offset

    def issue(self, principal: Principal, ttl: int) -> Issued:
        with self.lock:
            issued = Issued(
                access_key_id="ASIA" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16)),
                secret_access_key=secrets.token_urlsafe(30),
                session_token="IQoJ" + secrets.token_urlsafe(180),
                expires_at=self.now() + ttl,
                principal=principal,
            )
            self.credentials[issued.access_key_id] = issued
            return issued

    def ecr_password(self, account: str) -> str:
        """One password per registry account for the emulator's lifetime (a local registry can accept it)."""
        return hmac.new(self.seed, account.encode(), hashlib.sha256).hexdigest()

    def take_fault(self, operation: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.count > 0 and fault.operation in (operation, "*"):
                    fault.count -= 1
                    return fault
            return None

    def record(self, **entry: Any) -> None:
        with self.lock:
            self.log.append({"time": self.now(), **entry})


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def parse_fault(spec: str) -> Fault:
    """`OPERATION=KIND[:COUNT[:SECONDS]]`, e.g. `ecr:GetAuthorizationToken=throttle:2`."""
    operation, _, rest = spec.partition("=")
    parts = rest.split(":")
    if not operation or parts[0] not in ("throttle", "error500", "hang", "reset"):
        raise ValueError(f"bad fault {spec!r}: expected OPERATION=throttle|error500|hang|reset[:COUNT[:SECONDS]]")
    count = int(parts[1]) if len(parts) > 1 and parts[1] else 1
    seconds = float(parts[2]) if len(parts) > 2 else 5.0
    return Fault(operation=operation, kind=parts[0], count=count, seconds=seconds)
