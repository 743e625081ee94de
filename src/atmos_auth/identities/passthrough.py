"""`ambient`: Atmos's cloud-agnostic pass-through identity (cloudposse/atmos pkg/auth/identities/ambient):
it mints nothing, stores nothing and changes nothing; `exec`, `shell` and `env` hand the environment on as
it is (with the identity's own `env:`), and the cloud SDKs find their credentials themselves. For AWS
credentials from the environment as an identity (chains, ECR, whoami) use `aws/ambient`."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from atmos_auth.config.model import IdentityConfig
from atmos_auth.credentials import Credentials, Secret
from atmos_auth.errors import AuthError

KIND = "ambient"
PASSES_THROUGH = True
#: No credentials at all: login and whoami only say so; nothing can be chained from it.
CREDENTIALLESS = True
#: What Atmos's whoami shows as its provider.
PROVIDER = "ambient"


class Config(IdentityConfig):
    kind: Literal["ambient"]
    principal: Any = None

    standalone: ClassVar[bool] = True


class PassThrough:
    cacheable = False

    def __init__(self, name: str) -> None:
        self.name = name

    def authenticate(self, source: Secret | None) -> Credentials:
        raise AuthError(f"identity {self.name!r} is `ambient`: it has no credentials of its own (the environment "
                        "is passed through as it is)", step=self.name,
                        remedy="use `atmos auth exec`/`shell`/`env` with it, or an `aws/ambient` identity for AWS "
                               "credentials from the environment")


def environment(identity: str) -> dict[str, str]:
    return {}


def build(name: str, config: Config, ctx: object, previous: object) -> PassThrough:
    return PassThrough(name)
