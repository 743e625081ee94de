"""github/oidc: a GitHub Actions ID token for the configured audience (never cached to disk)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from atmos_auth.config.model import ProviderConfig
from atmos_auth.config.types import Region, Strict

KIND = "github/oidc"


class Spec(Strict):
    audience: str = "sts.amazonaws.com"


class Config(ProviderConfig):
    kind: Literal["github/oidc"]
    region: Region | None = None
    spec: Spec = Field(default_factory=Spec)
