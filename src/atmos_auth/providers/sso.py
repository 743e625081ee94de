"""aws/iam-identity-center: an SSO bearer token from the OIDC device flow, cached and refreshed."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from atmos_auth.config.model import ProviderConfig
from atmos_auth.config.types import Region, Session

KIND = "aws/iam-identity-center"


class Config(ProviderConfig):
    kind: Literal["aws/iam-identity-center"]
    start_url: str
    region: Region
    session: Session | None = None
    auto_provision_identities: bool = False

    @field_validator("start_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://") or len(value) <= len("https://"):
            raise ValueError(f'must be an https:// URL such as https://company.awsapps.com/start/, got "{value}"')
        return value
