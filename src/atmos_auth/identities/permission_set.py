"""aws/permission-set: role credentials from the SSO portal (sso:GetRoleCredentials)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator, model_validator

from atmos_auth.config.model import IdentityConfig
from atmos_auth.config.types import ACCOUNT_ID, AccountId, Region, Strict

KIND = "aws/permission-set"


class AccountRef(Strict):
    id: AccountId | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _one(self) -> AccountRef:
        if (self.id is None) == (self.name is None):
            raise ValueError("give exactly one of id or name")
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
            return {"id": value} if ACCOUNT_ID.match(value) else {"name": value}
        return value


class Config(IdentityConfig):
    kind: Literal["aws/permission-set"]
    principal: Principal
