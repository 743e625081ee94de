"""aws/ambient: the AWS credentials already present where the command runs (environment, shared
profile, container or instance role), as the AWS SDK finds them (cloudposse/atmos
pkg/auth/identities/aws/ambient.go). Chains may start from it; it is never cached, writes no AWS files,
and `exec`/`env` pass the environment through (only the region is set, when configured)."""

from __future__ import annotations

from typing import ClassVar, Literal

from atmos_auth.config.model import IdentityConfig
from atmos_auth.config.schema import Field
from atmos_auth.config.types import Region, Strict
from atmos_auth.credentials import Credentials, Secret

KIND = "aws/ambient"
#: session.environment, sign_in and exec leave the environment's own credentials in place.
PASSES_THROUGH = True


class Principal(Strict):
    region: Region | None = None


class Config(IdentityConfig):
    kind: Literal["aws/ambient"]
    principal: Principal = Field(default_factory=Principal)

    standalone: ClassVar[bool] = True


class AmbientIdentity:
    cacheable = False  # whatever is ambient now is what counts

    def __init__(self, name: str, config: Config) -> None:
        self.name = name
        self.config = config

    def authenticate(self, source: Secret | None) -> Credentials:
        from atmos_auth.aws import ambient_credentials

        return ambient_credentials(self.config.principal.region)


def build(name: str, config: Config, ctx: object, previous: object) -> AmbientIdentity:
    return AmbientIdentity(name, config)
