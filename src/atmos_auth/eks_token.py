"""The bearer token an EKS cluster accepts: `k8s-aws-v1.` + unpadded base64url of a presigned
sts:GetCallerIdentity URL with the `x-k8s-aws-id: <cluster>` header signed (as `aws eks get-token` and
Atmos's `aws eks token` make it), wrapped in a client.authentication.k8s.io/v1beta1 ExecCredential.
Presigning makes no AWS call. Tokens are kept (0600) and reused until a minute before they expire."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any

from atmos_auth.credentials import Credentials, utcnow

HEADER = "x-k8s-aws-id"
URL_LIFETIME = 60  # seconds: X-Amz-Expires, as the AWS CLI and Atmos sign it
#: What the ExecCredential says: the authenticator accepts a token 15 minutes after signing; 14 leaves room.
REPORTED_LIFETIME = timedelta(minutes=14)
REUSE_UNTIL = timedelta(minutes=1)  # before its expiry


def token(credentials: Credentials, cluster: str, region: str) -> tuple[str, datetime]:
    from atmos_auth.aws import client

    sts = client("sts", region, credentials)

    def keep_cluster(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context[HEADER] = params.pop(HEADER, None)

    def sign_cluster(request: Any, **_: Any) -> None:
        request.headers[HEADER] = request.context[HEADER]

    sts.meta.events.register("provide-client-params.sts.GetCallerIdentity", keep_cluster)
    sts.meta.events.register("before-sign.sts.GetCallerIdentity", sign_cluster)
    url = sts.generate_presigned_url("get_caller_identity", Params={HEADER: cluster}, ExpiresIn=URL_LIFETIME,
                                     HttpMethod="GET")
    encoded = base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
    expires = utcnow() + REPORTED_LIFETIME
    if credentials.expires_at is not None:  # STS refuses it once the credentials that signed it expire
        expires = min(expires, credentials.expires_at)
    return f"k8s-aws-v1.{encoded}", expires


def exec_credential(value: str, expires: datetime) -> str:
    """The ExecCredential kubectl reads from the plugin's stdout (compact, as Atmos prints it)."""
    return json.dumps({"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",
                       "status": {"expirationTimestamp": expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "token": value}},
                      separators=(",", ":"))


def cached_token(sessions: Any, key: str, make: Any) -> tuple[str, datetime]:
    """A token kept under `key` while it has more than a minute left, else a new one from `make()`."""
    kept = sessions.get(key)
    try:
        expires = datetime.fromisoformat(kept["expires_at"]) if kept and kept.get("type") == "eks-token" else None
        if expires is not None and isinstance(kept["token"], str) and expires - utcnow() > REUSE_UNTIL:
            return kept["token"], expires
    except (KeyError, TypeError, ValueError):  # a damaged entry: make a new token
        pass
    value, expires = make()
    sessions.set(key, {"type": "eks-token", "token": value, "expires_at": expires.isoformat()})
    return value, expires
