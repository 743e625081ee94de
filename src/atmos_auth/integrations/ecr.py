"""aws/ecr: a docker login to one private ECR registry with the linked identity's credentials."""

from __future__ import annotations

from typing import Literal

from atmos_auth.config.model import IntegrationConfig
from atmos_auth.config.types import AccountId, Region, Strict

KIND = "aws/ecr"


class Registry(Strict):
    account_id: AccountId
    region: Region


class Spec(Strict):
    auto_provision: bool = True
    registry: Registry


class Config(IntegrationConfig):
    kind: Literal["aws/ecr"]
    spec: Spec

    @property
    def auto_provision(self) -> bool:
        return self.spec.auto_provision
