"""What an EKS cluster's authenticator (aws-iam-authenticator, pkg/token/token.go) does with a bearer
token: `k8s-aws-v1.` + unpadded base64url of a presigned sts:GetCallerIdentity URL whose signed headers
include `x-k8s-aws-id: <cluster>`. The URL's shape is checked as the authenticator checks it, then the
signature is recomputed with the cluster's own name (as STS would when the authenticator replays it), so a
token for another cluster, an old one, or a forged one is refused."""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import time
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from atmos_auth.emulator.state import World

PREFIX = "k8s-aws-v1."
MAX_LENGTH = 4096
ALLOWED = {"Action", "Version", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
           "X-Amz-Security-Token", "X-Amz-Signature", "X-Amz-SignedHeaders"}
VALID_FOR = timedelta(minutes=15)  # the authenticator accepts a token this long after it was signed


class Refused(Exception):
    pass


def authenticate(world: World, token: str | None, cluster: str, host: str) -> dict[str, Any]:
    """`verify` (None: no bearer token came), recorded in the request log as eks:Authenticate: both ways a
    token reaches a cluster (the control endpoint, the API server) go through it."""
    try:
        if token is None:
            raise Refused("no bearer token")
        who = verify(world, token, cluster, host)
    except Refused:
        world.record(operation="eks:Authenticate", principal=None, status=401, region=None)
        raise
    world.record(operation="eks:Authenticate", principal=who["arn"], status=200, region=None)
    return who


def verify(world: World, token: str, cluster: str, host: str) -> dict[str, Any]:
    """Who the token is, for `cluster`; Refused(why) otherwise. `host` is where STS is reached."""
    if not token.startswith(PREFIX) or len(token) > MAX_LENGTH:
        raise Refused("not a k8s-aws-v1 token")
    encoded = token[len(PREFIX):]
    try:
        url = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise Refused("the token is not base64url") from None
    parts = urlsplit(url)
    if parts.path != "/" or parts.netloc != host:
        raise Refused(f"not an STS GetCallerIdentity URL ({parts.netloc}{parts.path})")
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    params = dict(pairs)
    if len(params) != len(pairs) or set(params) - ALLOWED:
        raise Refused("unexpected or repeated query parameters")
    if params.get("Action") != "GetCallerIdentity":
        raise Refused("the action is not GetCallerIdentity")
    signed = params.get("X-Amz-SignedHeaders", "")
    if signed != "host;x-k8s-aws-id":
        raise Refused(f"x-k8s-aws-id is not among the signed headers ({signed or 'none'})")
    try:
        expires = int(params.get("X-Amz-Expires", ""))
        signed_at = calendar.timegm(time.strptime(params.get("X-Amz-Date", ""), "%Y%m%dT%H%M%SZ"))
    except ValueError:
        raise Refused("X-Amz-Expires or X-Amz-Date is malformed") from None
    if not 0 <= expires <= 900:
        raise Refused(f"X-Amz-Expires {expires} is outside 0..900")
    if world.now() - signed_at > VALID_FOR.total_seconds():
        raise Refused("the token has expired")
    key, _, scope = params.get("X-Amz-Credential", "").partition("/")
    issued = world.credentials.get(key)
    if issued is None or (issued.session_token or "") != params.get("X-Amz-Security-Token", ""):
        raise Refused("the credentials are unknown")
    if issued.expires_at is not None and issued.expires_at < world.now():
        raise Refused("the credentials have expired")
    if not any(hmac.compare_digest(_signature(issued.secret_access_key, params, scope, host, cluster, payload),
                                   params.get("X-Amz-Signature", ""))
               for payload in ("UNSIGNED-PAYLOAD", hashlib.sha256(b"").hexdigest())):
        raise Refused("the signature does not match (a token for another cluster?)")
    p = issued.principal
    return {"arn": p.arn, "account": p.account, "user_id": p.user_id, "cluster": cluster}


def _signature(secret: str, params: dict[str, str], scope: str, host: str, cluster: str, payload: str) -> str:
    def q(text: str) -> str:
        return quote(text, safe="-_.~")

    query = "&".join(f"{q(k)}={q(v)}" for k, v in sorted(params.items()) if k != "X-Amz-Signature")
    canonical = "\n".join(["GET", "/", query, f"host:{host}\nx-k8s-aws-id:{cluster}\n", "host;x-k8s-aws-id", payload])
    date, region, service, _ = scope.split("/", 3) if scope.count("/") >= 3 else ("", "", "", "")
    to_sign = "\n".join(["AWS4-HMAC-SHA256", params.get("X-Amz-Date", ""), scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
