"""`mock` and `mock/aws`: Atmos's built-in provider for trying Atmos without a cloud account and for its
own test suite (cloudposse/atmos pkg/auth/providers/mock/): fixed fake credentials that expire at the end
of 2099. No network, nothing read from its configuration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from atmos_auth.config.model import ProviderConfig
from atmos_auth.credentials import Credentials, Secret

if TYPE_CHECKING:
    from atmos_auth.steps import Context

KIND = "mock"
ALSO = ("mock/aws",)
#: Atmos's MockExpiration*: every mock credential expires then, and nothing changes it.
EXPIRES = datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)
REGION = "us-east-1"


class Config(ProviderConfig):
    kind: Literal["mock", "mock/aws"]


class MockProvider:
    def __init__(self, name: str) -> None:
        self.name = name

    def authenticate(self, source: Secret | None = None) -> Credentials:
        return Credentials("MOCK_ACCESS_KEY_ID", "MOCK_SECRET_ACCESS_KEY", "MOCK_SESSION_TOKEN",
                           expires_at=EXPIRES, region=REGION)


def build(name: str, config: Config, ctx: Context) -> MockProvider:
    return MockProvider(name)
