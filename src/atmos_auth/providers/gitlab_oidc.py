"""gitlab/oidc: a GitLab CI ID token read from an environment variable (never cached to disk)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from atmos_auth.config.model import ProviderConfig
from atmos_auth.config.types import Region, Strict

KIND = "gitlab/oidc"


class Spec(Strict):
    token_env: str = "ATMOS_OIDC_TOKEN"


class Config(ProviderConfig):
    kind: Literal["gitlab/oidc"]
    region: Region | None = None
    spec: Spec = Field(default_factory=Spec)
