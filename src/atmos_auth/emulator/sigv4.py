"""Who is calling: the access key in a SigV4 Authorization header, with its signature checked."""

from __future__ import annotations

import hmac
import re

from werkzeug.wrappers import Request

from atmos_auth.emulator.errors import ApiError
from atmos_auth.emulator.state import Issued, World

_AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)"
                   r"/aws4_request, ?SignedHeaders=(?P<headers>[^,]+), ?Signature=(?P<sig>[0-9a-f]+)")


def scope(request: Request) -> tuple[str | None, str | None]:
    """(service, region) from the Authorization header, or (None, None) when unsigned."""
    match = _AUTH.match(request.headers.get("Authorization", ""))
    return (match["service"], match["region"]) if match else (None, None)


def authenticate(world: World, request: Request, body: bytes) -> Issued:
    match = _AUTH.match(request.headers.get("Authorization", ""))
    if not match:
        raise ApiError("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
    issued = world.credentials.get(match["key"])
    if issued is None or (issued.session_token or "") != request.headers.get("X-Amz-Security-Token", ""):
        raise ApiError("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    if issued.expires_at is not None and issued.expires_at < world.now():
        raise ApiError("ExpiredTokenException", "The security token included in the request is expired", 403)
    if not hmac.compare_digest(_signature(issued, request, body, match), match["sig"]):
        raise ApiError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                       "you provided. Check your AWS Secret Access Key and signing method.", 403)
    return issued


def _signature(issued: Issued, request: Request, body: bytes, match: re.Match[str]) -> str:
    # Lazily import botocore: it recomputes the canonical request exactly as the client built it.
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    raw_uri = request.environ.get("RAW_URI") or request.full_path.rstrip("?")
    headers = {name: request.headers.get(name, "") for name in match["headers"].split(";")}
    aws_request = AWSRequest(method=request.method, url=f"http://{request.host}{raw_uri}", data=body, headers=headers)
    aws_request.context["timestamp"] = request.headers.get("X-Amz-Date", "")
    signer = SigV4Auth(Credentials(issued.access_key_id, issued.secret_access_key, issued.session_token),
                       match["service"], match["region"])
    canonical = signer.canonical_request(aws_request)
    return signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)
