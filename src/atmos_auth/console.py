"""`atmos auth console`: a sign-in URL to the AWS console for an identity, through the federation endpoint
(getSigninToken with the identity's temporary credentials, then the login URL), as Atmos makes it.

The URL is a bearer credential for the console session: callers print it only when asked, never log it.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

from atmos_auth.console_destinations import CONSOLE, aliases, destination
from atmos_auth.credentials import Credentials
from atmos_auth.errors import AuthError, EndpointError, UsageError
from atmos_auth.logs import log

FEDERATION = "https://signin.aws.amazon.com/federation"
MIN_SECONDS, DEFAULT_SECONDS, MAX_SECONDS = 15 * 60, 3600, 12 * 3600


def federation_endpoint(environ: Mapping[str, str]) -> str:
    """$AWS_ENDPOINT_URL_SIGNIN, else $AWS_ENDPOINT_URL/federation (an emulator), else AWS's."""
    if specific := environ.get("AWS_ENDPOINT_URL_SIGNIN"):
        return specific
    if base := environ.get("AWS_ENDPOINT_URL"):
        return base.rstrip("/") + "/federation"
    return FEDERATION


def resolve_destination(value: str | None) -> str:
    """A URL as given, a service alias (`s3`, `ec2`, …) as its console page, else the console's home."""
    if not value:
        return CONSOLE
    text = value.strip()
    if text.startswith(("https://", "http://")):
        return text
    found = destination(text)
    if found is None:
        raise UsageError(f"unknown console destination {value!r} (a service alias such as s3, ec2, "
                         "cloudformation, or a full URL)", remedy=f"aliases: {', '.join(aliases())}")
    return found


def clamp(seconds: int | None) -> int:
    """The session length AWS allows a console sign-in: 15 minutes to 12 hours, 1 hour by default."""
    return min(max(seconds or DEFAULT_SECONDS, MIN_SECONDS), MAX_SECONDS)


def console_url(creds: Credentials, *, destination_url: str, issuer: str, identity: str, seconds: int | None,
                environ: Mapping[str, str] | None = None) -> str:
    """The console sign-in URL. `seconds` (a --duration) is sent as SessionDuration only when given: AWS
    refuses it for credentials from a role chain, so by default its own session length applies."""
    if not creds.session_token:
        raise AuthError("the console needs temporary credentials (with a session token); long-lived IAM user "
                        "keys cannot sign in to it", identity=identity,
                        remedy="use an identity that assumes a role or a permission set")
    endpoint = federation_endpoint(os.environ if environ is None else environ)
    session = json.dumps({"sessionId": creds.access_key_id, "sessionKey": creds.secret_access_key,
                          "sessionToken": creds.session_token})
    params = {"Action": "getSigninToken", "Session": session}
    if seconds is not None:
        params["SessionDuration"] = str(clamp(seconds))
    query = urllib.parse.urlencode(params)
    log.debug("console: getSigninToken at %s for %s (key %s)", endpoint, identity, creds.masked_key)
    try:
        with urllib.request.urlopen(f"{endpoint}?{query}", timeout=15) as answer:  # noqa: S310 (https or local)
            token = json.loads(answer.read(1 << 20)).get("SigninToken")
    except urllib.error.HTTPError as exc:
        hint = ("without --duration (AWS refuses a session length for credentials from a role chain), or "
                if seconds is not None else "")
        raise AuthError(f"the AWS sign-in endpoint refused the request (HTTP {exc.code})", identity=identity,
                        remedy=f"try {hint}sign in again: atmos auth login {identity} --force") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise EndpointError(f"cannot reach the AWS sign-in endpoint {endpoint}: "
                            f"{getattr(exc, 'reason', None) or type(exc).__name__}") from None
    if not isinstance(token, str) or not token:
        raise EndpointError(f"the AWS sign-in endpoint {endpoint} gave no sign-in token")
    login = urllib.parse.urlencode({"Action": "login", "Issuer": issuer, "Destination": destination_url,
                                    "SigninToken": token})
    return f"{endpoint}?{login}"
