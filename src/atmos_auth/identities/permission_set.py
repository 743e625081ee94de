"""aws/permission-set: role credentials from the SSO portal (sso:GetRoleCredentials)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from atmos_auth.aws import client, error_code, local_expiry, translate
from atmos_auth.config.model import IdentityConfig, ProviderConfig
from atmos_auth.config.schema import field_validator, model_validator
from atmos_auth.config.types import ACCOUNT_ID, AccountId, Region, Strict
from atmos_auth.credentials import Credentials, Secret, Token
from atmos_auth.errors import AccessDenied, AuthError

KIND = "aws/permission-set"


class AccountRef(Strict):
    id: AccountId | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _one(self) -> AccountRef:
        """As Atmos: an id, a name, or both (provisioned identities carry both; the id is used)."""
        if self.id is None and self.name is None:
            raise ValueError("give the account's id or name")
        return self


class Principal(Strict):
    name: str
    account: AccountRef
    region: Region | None = None

    @field_validator("account", mode="before")
    @classmethod
    def _id_or_name(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            return {"id": value} if ACCOUNT_ID.fullmatch(value) else {"name": value}
        return value


class Config(IdentityConfig):
    kind: Literal["aws/permission-set"]
    principal: Principal


class PermissionSetIdentity:
    """Role credentials for `principal.name` in `principal.account`, from the SSO portal."""

    def __init__(self, name: str, config: Config, provider: ProviderConfig | None) -> None:
        self.name = name
        self.config = config
        self.region = config.principal.region or getattr(provider, "region", None) or "us-east-1"

    def authenticate(self, source: Secret | None) -> Credentials:
        if not isinstance(source, Token) or source.kind != "sso":
            raise AuthError("aws/permission-set needs an SSO token from its provider", identity=self.name)
        portal = client("sso", source.region or self.region, unsigned=True, endpoint=self.config.endpoint)
        account = self._account_id(portal, source.value)
        role = self.config.principal.name
        try:
            found = portal.get_role_credentials(roleName=role, accountId=account, accessToken=source.value)
        except Exception as exc:
            if error_code(exc) == "ForbiddenException":
                raise AccessDenied(f"no access to permission set {role!r} in account {account}",
                                   identity=self.name, step="sso:GetRoleCredentials",
                                   remedy="check the assignment in IAM Identity Center, or principal.name") from None
            raise translate(exc, identity=self.name, step=self.name, action="sso:GetRoleCredentials",
                            remedy=f"run `atmos auth login {self.name}`") from None
        rc = found["roleCredentials"]
        return Credentials(
            access_key_id=rc["accessKeyId"], secret_access_key=rc["secretAccessKey"],
            session_token=rc["sessionToken"],
            expires_at=local_expiry(found, datetime.fromtimestamp(rc["expiration"] / 1000, UTC)),
            region=self.region, account_id=account, principal=role)

    def _account_id(self, portal: Any, token: str) -> str:
        ref = self.config.principal.account
        if ref.id:
            return ref.id
        names: dict[str, str] = {}
        try:
            for page in portal.get_paginator("list_accounts").paginate(accessToken=token):
                names.update({a["accountName"]: a["accountId"] for a in page["accountList"]})
                if ref.name in names:  # no need to read the remaining pages
                    break
        except Exception as exc:
            raise translate(exc, identity=self.name, step=self.name, action="sso:ListAccounts",
                            remedy=f"run `atmos auth login {self.name}`") from None
        if ref.name in names:
            return names[ref.name]
        import difflib

        near = difflib.get_close_matches(ref.name or "", list(names), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        raise AuthError(f"no account named {ref.name!r} is assigned to you in IAM Identity Center.{hint}",
                        identity=self.name, step="sso:ListAccounts",
                        remedy=f"accounts you can use: {', '.join(sorted(names)) or 'none'}")


def build(name: str, config: Config, ctx: object, previous: ProviderConfig | None) -> PermissionSetIdentity:
    return PermissionSetIdentity(name, config, previous)
