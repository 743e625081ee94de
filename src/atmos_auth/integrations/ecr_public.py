"""aws/ecr-public: a docker login to ECR Public (public.ecr.aws) with the linked identity's credentials.
Its tokens come from ecr-public:GetAuthorizationToken in us-east-1 (the only region that issues them) and
go through the same lossless Docker writer as private registries (integrations.ecr)."""

from __future__ import annotations

from typing import Literal

from atmos_auth.config.model import IntegrationConfig
from atmos_auth.config.schema import Field
from atmos_auth.config.types import Strict
from atmos_auth.integrations.ecr import Target
from atmos_auth.integrations.ecr_hosts import PUBLIC

KIND = "aws/ecr-public"


class Registry(Strict):
    #: Atmos accepts the two regions of ECR Public's API and then uses us-east-1 anyway.
    region: Literal["us-east-1", "us-west-2"] | None = None


class Spec(Strict):
    auto_provision: bool = True
    registry: Registry | None = None


class Config(IntegrationConfig):
    kind: Literal["aws/ecr-public"]
    spec: Spec = Field(default_factory=Spec)


def targets_of(integrations: dict[str, Config]) -> list[Target]:
    """One login to public.ecr.aws, named after the first integration that asks for it."""
    return [Target(PUBLIC, name) for name in list(integrations)[:1]]
