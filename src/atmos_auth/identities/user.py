"""aws/user: long-lived IAM user keys (config `!env` or keyring) turned into a session by sts:GetSessionToken."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from atmos_auth.aws import client, local_expiry, translate
from atmos_auth.config.model import IdentityConfig, atmos_only
from atmos_auth.config.schema import Field, SecretStr
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


def stored_keys(ctx: Context, identity: str) -> dict[str, Any] | None:
    """The access keys `atmos auth user configure` stored, by this tool or by Atmos: Atmos's entry
    (`atmos_<realm>_<identity>`), else the realm-less one, else one this tool's earlier versions kept
    (moved to Atmos's entry on the way)."""
    from atmos_auth.stores.earlier import drop_earlier, read_earlier

    for key in _keys_at(ctx, identity):
        entry = ctx.store.get(key)
        if entry and entry.get("type") == "aws" and isinstance(entry.get("data"), dict):
            return entry["data"]
    earlier = read_earlier(ctx.store, f"atmos:user-keys:{identity}")
    if earlier and earlier.get("access_key_id"):
        keep_keys(ctx, identity, earlier)  # stored again first: a failure here loses nothing
        drop_earlier(ctx.store, f"atmos:user-keys:{identity}")
        return earlier
    return None


def keep_keys(ctx: Context, identity: str, keys: dict[str, Any]) -> None:
    """Store access keys as Atmos does: `{"type": "aws", "data": {access_key_id, secret_access_key,
    mfa_arn, session_duration}}`, the empty ones left out."""
    from atmos_auth.stores.credential_store import atmos_key

    fields = ("access_key_id", "secret_access_key", "mfa_arn", "session_duration")
    ctx.store.set(atmos_key(identity, ctx.realm), {"type": "aws", "data": {k: keys[k] for k in fields if keys.get(k)}})


def _keys_at(ctx: Context, identity: str) -> list[str]:
    from atmos_auth.stores.credential_store import atmos_key

    return list(dict.fromkeys([atmos_key(identity, ctx.realm), atmos_key(identity)]))


def has_keys(ctx: Context, identity: str) -> bool:
    """Whether access keys are stored (without opening them: no password asked)."""
    return any(ctx.store.has(key) for key in _keys_at(ctx, identity))


def forget_keys(ctx: Context, identity: str) -> bool:
    """Remove the stored access keys (Atmos's entry and the realm-less one, and an earlier version's), as
    `logout --keychain` does."""
    from atmos_auth.stores.earlier import drop_earlier

    earlier = drop_earlier(ctx.store, f"atmos:user-keys:{identity}")
    return any([ctx.store.delete(key) for key in _keys_at(ctx, identity)]) or earlier


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
        stored = stored_keys(self.ctx, self.name) or {}
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
