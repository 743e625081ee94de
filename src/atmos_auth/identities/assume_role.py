"""aws/assume-role: sts:AssumeRole from the previous identity, or AssumeRoleWithWebIdentity after an OIDC provider."""

from __future__ import annotations

from typing import Literal

from atmos_auth.config.model import IdentityConfig
from atmos_auth.config.types import Duration, Region, RoleArn, Strict

KIND = "aws/assume-role"


class Principal(Strict):
    assume_role: RoleArn
    session_name: str | None = None
    external_id: str | None = None
    duration: Duration | None = None
    region: Region | None = None


class Config(IdentityConfig):
    kind: Literal["aws/assume-role"]
    principal: Principal
