"""A sliver of a cluster's Kubernetes API server, at `/_emulator/eks/clusters/<name>/` (the endpoint
eks:DescribeCluster answers), so a real kubectl can use a written kubeconfig: the bearer token is checked
as an EKS cluster checks it (eks_auth.verify), then `GET /version` and `kubectl auth whoami`
(authentication.k8s.io SelfSubjectReview) answer; anything else is a 404 Status, a bad token a 401."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from atmos_auth.emulator.eks_auth import Refused, authenticate

if TYPE_CHECKING:
    from atmos_auth.emulator.state import World

PREFIX = "/_emulator/eks/clusters/"
VERSION = {"major": "1", "minor": "31", "gitVersion": "v1.31.0-eks-emulator", "platform": "linux/amd64"}


def endpoint(base_url: str, cluster: str) -> str:
    return f"{base_url}{PREFIX}{cluster}"


def handle(world: World, request: Request, sts_host: str) -> Response:
    """`sts_host`: where the token's presigned STS call goes (the emulator's own address)."""
    cluster, _, rest = request.path.removeprefix(PREFIX).partition("/")
    bearer = request.headers.get("Authorization", "")
    token = bearer[7:].strip() if bearer.lower().startswith("bearer ") else None
    try:
        who = authenticate(world, token, cluster, sts_host)
    except Refused as why:
        return _status(401, "Unauthorized", f"Unauthorized: {why}")
    if rest == "version":
        return _json(VERSION)
    if rest.startswith("apis/authentication.k8s.io/") and rest.endswith("/selfsubjectreviews") \
            and request.method == "POST":
        version = rest.split("/")[2]
        user = {"username": who["arn"], "uid": f"aws-iam-authenticator:{who['account']}:{who['user_id']}",
                "groups": ["system:authenticated"], "extra": {"arn": [who["arn"]], "accountId": [who["account"]]}}
        return _json({"kind": "SelfSubjectReview", "apiVersion": f"authentication.k8s.io/{version}",
                      "metadata": {}, "status": {"userInfo": user}}, 201)
    return _status(404, "NotFound", f"the server could not find the requested resource ({request.path})")


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")


def _status(code: int, reason: str, message: str) -> Response:
    return _json({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
                  "reason": reason, "code": code}, code)
