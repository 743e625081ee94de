"""aws/user: long-lived IAM user keys (config `!env` or keyring) turned into a session by sts:GetSessionToken."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, SecretStr

from atmos_auth.config.model import IdentityConfig
from atmos_auth.config.types import Region, Session, Strict

KIND = "aws/user"


class UserCredentials(Strict):
    access_key_id: SecretStr | None = None
    secret_access_key: SecretStr | None = None
    region: Region = "us-east-1"
    mfa_arn: str | None = None


class Config(IdentityConfig):
    kind: Literal["aws/user"]
    credentials: UserCredentials = Field(default_factory=UserCredentials)
    session: Session | None = None

    standalone: ClassVar[bool] = True
