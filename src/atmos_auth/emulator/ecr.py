"""ECR and ECR Public GetAuthorizationToken: 12-hour tokens, one stable password per registry account."""

from __future__ import annotations

import base64
from typing import Any

from atmos_auth.emulator.errors import ApiError
from atmos_auth.emulator.state import Issued, World
from atmos_auth.integrations.ecr_hosts import partition_suffix


def token_for(world: World, account: str) -> str:
    return base64.b64encode(f"AWS:{world.ecr_password(account)}".encode()).decode()


def get_authorization_token(world: World, caller: Issued, region: str, body: dict[str, Any]) -> dict[str, Any]:
    principal = caller.principal
    registries = [str(r) for r in body.get("registryIds") or [principal.account]]
    denied = [r for r in registries if r not in principal.grant.ecr]
    if denied:
        raise ApiError("AccessDeniedException", f"User: {principal.arn} is not authorized to perform: "
                       f"ecr:GetAuthorizationToken on resource: * (registry {', '.join(denied)} in {region})", 400)
    expires = world.now() + world.fixture.ttl["ecr_token"]
    return {"authorizationData": [
        {"authorizationToken": token_for(world, r), "expiresAt": expires,
         "proxyEndpoint": f"https://{r}.dkr.ecr.{region}.{partition_suffix(region)}"} for r in registries]}


def get_public_authorization_token(world: World, caller: Issued, region: str) -> dict[str, Any]:
    if region != "us-east-1":
        raise ApiError("UnsupportedCommandException", "ECR Public tokens are issued in us-east-1 only", 400)
    if not caller.principal.grant.ecr_public:
        raise ApiError("AccessDeniedException", f"User: {caller.principal.arn} is not authorized to perform: "
                       "ecr-public:GetAuthorizationToken", 400)
    return {"authorizationData": {"authorizationToken": token_for(world, "public"),
                                  "expiresAt": world.now() + world.fixture.ttl["ecr_token"]}}
