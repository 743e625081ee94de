"""`mock/aws` and `mock`: Atmos's built-in identities for trying Atmos without a cloud account and for
its own tests (cloudposse/atmos pkg/auth/providers/mock/): `MOCK_KEY_<name>`-style credentials that
expire at the end of 2099, whoever came before. No network: `whoami` answers from Atmos's constants."""

from __future__ import annotations

from typing import Any, Literal

from atmos_auth.config.model import IdentityConfig
from atmos_auth.credentials import Credentials, Secret
from atmos_auth.providers.mock import EXPIRES, REGION

KIND = "mock/aws"
ALSO = ("mock",)
ACCOUNT = "123456789012"
PRINCIPAL = f"arn:aws:iam::{ACCOUNT}:user/mock-user"


class Config(IdentityConfig):
    kind: Literal["mock/aws", "mock"]
    principal: Any = None  # shown by `auth list`; Atmos's mocks read nothing from it


class MockIdentity:
    def __init__(self, name: str, config: Config) -> None:
        self.name = name
        self.config = config

    def authenticate(self, source: Secret | None) -> Credentials:
        if self.config.kind == "mock":
            key, secret, token = "mock-access-key", "mock-secret-key", "mock-session-token"
        else:
            key, secret, token = (f"MOCK_{part}_{self.name}" for part in ("KEY", "SECRET", "TOKEN"))
        return Credentials(key, secret, token, expires_at=EXPIRES, region=REGION, account_id=ACCOUNT,
                           principal=PRINCIPAL)


def caller(credentials: Credentials) -> dict[str, str]:
    """What sts:GetCallerIdentity would say, without asking: Atmos's mock principal."""
    return {"Arn": PRINCIPAL, "Account": ACCOUNT, "UserId": "AIDAMOCKUSER"}


def environment(identity: str) -> dict[str, str]:
    """Beside the AWS variables, as Atmos's mocks set it."""
    return {"MOCK_IDENTITY": identity}


def build(name: str, config: Config, ctx: object, previous: object) -> MockIdentity:
    return MockIdentity(name, config)
