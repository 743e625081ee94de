"""aws/user: long-lived IAM user keys (config `!env` or keyring) turned into a session by sts:GetSessionToken."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, SecretStr

from atmos_auth.aws import client, local_expiry, translate
from atmos_auth.config.model import IdentityConfig, atmos_only
from atmos_auth.credentials import Credentials, Secret
from atmos_auth.errors import AuthError, InteractionRequired

if TYPE_CHECKING:
    from atmos_auth.steps import Context
from atmos_auth.config.types import Region, Session, Strict

KIND = "aws/user"


class UserCredentials(Strict):
    access_key_id: SecretStr | None = None
    secret_access_key: SecretStr | None = None
    region: Region = "us-east-1"
    mfa_arn: str | None = None
    #: Atmos's legacy place for the endpoint: `aws.resolver.url`.
    aws: Any = None
    #: Atmos's browser sign-in for IAM users; accepted, not offered here.
    webflow_enabled: bool | None = atmos_only()


class Config(IdentityConfig):
    kind: Literal["aws/user"]
    credentials: UserCredentials = Field(default_factory=UserCredentials)
    session: Session | None = None

    standalone: ClassVar[bool] = True


def keyring_key(identity: str) -> str:
    return f"atmos:user-keys:{identity}"


class UserIdentity:
    """Session credentials from sts:GetSessionToken, with an MFA code when `mfa_arn` is set."""

    def __init__(self, name: str, config: Config, ctx: Context) -> None:
        self.name = name
        self.config = config
        self.ctx = ctx

    def _keys(self) -> tuple[str, str, str | None]:
        c = self.config.credentials
        if c.access_key_id and c.secret_access_key:
            return c.access_key_id.get_secret_value(), c.secret_access_key.get_secret_value(), c.mfa_arn
        stored = self.ctx.store.get(keyring_key(self.name)) or {}
        if stored.get("access_key_id") and stored.get("secret_access_key"):
            return stored["access_key_id"], stored["secret_access_key"], c.mfa_arn or stored.get("mfa_arn")
        raise AuthError("no access keys: set credentials.access_key_id/secret_access_key (e.g. with !env) "
                        "or store them in the keyring", identity=self.name,
                        remedy=f"run `atmos auth user configure {self.name}`")

    def authenticate(self, source: Secret | None) -> Credentials:
        key_id, secret, mfa_arn = self._keys()
        region = self.config.credentials.region
        params: dict[str, Any] = {}
        if self.config.session and self.config.session.duration:
            params["DurationSeconds"] = self.config.session.duration
        if mfa_arn:
            params["SerialNumber"] = mfa_arn
            params["TokenCode"] = self._mfa_code(mfa_arn)
        long_lived = Credentials(key_id, secret, region=region)
        try:
            out = client("sts", region, long_lived, endpoint=self.config.endpoint).get_session_token(**params)
        except Exception as exc:
            raise translate(exc, identity=self.name, step=self.name, action="sts:GetSessionToken",
                            remedy="check the MFA code, or the keys (`atmos auth user configure "
                                   f"{self.name}`)") from None
        c = out["Credentials"]
        return Credentials(access_key_id=c["AccessKeyId"], secret_access_key=c["SecretAccessKey"],
                           session_token=c["SessionToken"], expires_at=local_expiry(out, c["Expiration"]), region=region,
                           principal=f"IAM user ({long_lived.masked_key})")

    def _mfa_code(self, mfa_arn: str) -> str:
        code = os.environ.get("ATMOS_MFA_CODE", "").strip()
        if code:
            return code
        if not self.ctx.ui.interactive:
            raise InteractionRequired(f"identity {self.name!r} needs an MFA code for {mfa_arn} and there is no terminal",
                                      remedy="run it in a terminal, or set ATMOS_MFA_CODE for this one command")
        return self.ctx.ui.prompt(f"MFA code for {mfa_arn}").strip()


def build(name: str, config: Config, ctx: Context, previous: object) -> UserIdentity:
    return UserIdentity(name, config, ctx)
