"""boto3 clients and AWS error translation, in one place. boto3 is imported lazily: `--help` stays fast.

Clients never read the user's AWS profile or environment keys: each gets its credentials explicitly
(or none, for unsigned SSO calls). Endpoints still follow AWS_ENDPOINT_URL[_<SERVICE>].
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from atmos_auth.credentials import Credentials, utcnow
from atmos_auth.errors import (
    AccessDenied,
    AtmosAuthError,
    AuthError,
    ConfigError,
    EndpointError,
    SessionExpired,
    who,
)
from atmos_auth.logs import log

_EXPIRED = {"ExpiredToken", "ExpiredTokenException", "UnauthorizedException", "InvalidGrantException"}
_DENIED = {"AccessDenied", "AccessDeniedException", "ForbiddenException", "UnrecognizedClientException",
           "InvalidClientTokenId", "SignatureDoesNotMatch", "InvalidIdentityToken"}
#: Codes AWS gives to credentials it no longer accepts (expired early, revoked, or a clock far off).
REJECTED = {"ExpiredToken", "ExpiredTokenException", "UnrecognizedClientException", "InvalidClientTokenId"}
_THROTTLED = {"Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
              "RequestLimitExceeded", "SlowDown", "RequestThrottled", "RequestThrottledException"}
#: botocore's standard retry mode: this many attempts before an error reaches us.
ATTEMPTS = 4
#: A clock this far from AWS's (the response's Date header) is pointed out, and expiry times corrected.
SKEW_NOTICE = timedelta(minutes=2)



@functools.cache
def _session() -> Any:
    import botocore.session

    # Ignore AWS_PROFILE: every credential we use is passed explicitly, and a profile that does not
    # exist (common inside `atmos auth exec` of another tool) must not break us.
    return botocore.session.Session(session_vars={"profile": (None, None, None, None)})


def client(service: str, region: str, credentials: Credentials | None = None, *, unsigned: bool = False,
           fips: bool = False, dualstack: bool = False, endpoint: str | None = None) -> Any:
    """A botocore client; `endpoint` is an entry's `spec.endpoint_url` (else AWS_ENDPOINT_URL, else AWS)."""
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError

    config = Config(
        retries={"mode": "standard", "total_max_attempts": ATTEMPTS},
        connect_timeout=5, read_timeout=20, user_agent_appid="atmos-auth",
        signature_version=UNSIGNED if unsigned else None,
        use_fips_endpoint=fips or None, use_dualstack_endpoint=dualstack or None,
    )
    log.debug("AWS client %s in %s (%s)", service, region,
              "unsigned" if credentials is None else f"key {credentials.masked_key}")
    keys: dict[str, Any] = {}
    if credentials is not None:
        keys = {"aws_access_key_id": credentials.access_key_id,
                "aws_secret_access_key": credentials.secret_access_key,
                "aws_session_token": credentials.session_token}
    try:
        return _session().create_client(service, region_name=region, config=config, endpoint_url=endpoint or None,
                                        **keys)
    except (BotoCoreError, ValueError) as exc:  # a broken ~/.aws/config, a bad AWS_ENDPOINT_URL, ...
        raise ConfigError(f"cannot set up the AWS client for {service} in {region}: {exc}",
                          remedy="check ~/.aws/config (AWS_CONFIG_FILE), AWS_ENDPOINT_URL and the region") from None


def ambient_credentials(region: str | None) -> Credentials:
    """The standard AWS chain (environment, profile, container or instance role), for `--registry` and
    aws/ambient identities; `region` None is the SDK's own (AWS_REGION, the profile), else us-east-1."""
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        session = boto3.Session(region_name=region)
        resolved = session.get_credentials()
    except (BotoCoreError, ValueError) as exc:  # AWS_PROFILE unknown, a key without its secret, ...
        raise AuthError(f"the ambient AWS credentials cannot be read: {exc}",
                        remedy="fix AWS_PROFILE / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or ~/.aws/*, "
                               "or add --identity NAME") from None
    if resolved is None:
        raise AuthError("no AWS credentials found in the environment, profile, container or instance role",
                        remedy="export AWS credentials, set AWS_PROFILE, or add --identity NAME")
    frozen = resolved.get_frozen_credentials()
    expiry = getattr(resolved, "_expiry_time", None)  # a container or instance role's, when it has one
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token, region=session.region_name or "us-east-1",
                       expires_at=expiry)


def server_skew(response: Any) -> timedelta | None:
    """How far AWS's clock (the Date header of a parsed response or error) is ahead of ours."""
    try:
        date = response["ResponseMetadata"]["HTTPHeaders"]["date"]
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(date) - utcnow()
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def local_expiry(response: Any, expires_at: datetime) -> datetime:
    """`expires_at` (AWS's clock) on our clock: with a clock minutes off, credentials would otherwise be
    reused after AWS stopped accepting them, or never reused at all."""
    skew = server_skew(response)
    if skew is None or abs(skew) < SKEW_NOTICE:
        return expires_at
    _warn_skew(_skew_words(skew))
    return expires_at - skew - timedelta(seconds=1)  # the header has whole seconds: err on the early side


@functools.cache
def _warn_skew(words: str) -> None:  # once per process, not once per answer
    log.warning("the system clock is %s AWS's (from the Date header of its answer); expiry times are "
                "corrected, but fix the clock (NTP)", words)


def _skew_words(skew: timedelta) -> str:
    from atmos_auth.text import hours_minutes

    rounded = timedelta(minutes=round(abs(skew).total_seconds() / 60))
    return f"{hours_minutes(rounded)} {'behind' if skew > timedelta(0) else 'ahead of'}"


def skew_hint(exc: BaseException) -> str:
    """"; the system clock is 1h00m behind AWS's" when the error's Date header shows it, else ""."""
    skew = server_skew(getattr(exc, "response", None))
    return f"; the system clock is {_skew_words(skew)} AWS's: fix it (NTP)" if skew and abs(skew) >= SKEW_NOTICE else ""


def error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    return response.get("Error", {}).get("Code") if isinstance(response, dict) else None


def translate(exc: BaseException, *, identity: str | None, step: str, action: str,
              remedy: str | None = None) -> AtmosAuthError:
    """A boto/botocore exception as one of our errors, naming identity, step and what to do."""
    from botocore.exceptions import (
        ClientError,
        ConnectTimeoutError,
        EndpointConnectionError,
        HTTPClientError,
        ReadTimeoutError,
    )

    prefix = who(identity, step)

    if isinstance(exc, ReadTimeoutError):
        endpoint = getattr(exc, "kwargs", {}).get("endpoint_url", "the AWS endpoint")
        return EndpointError(f"{prefix}{action}: {endpoint} did not answer in time (read timeout, {ATTEMPTS} attempts)",
                             remedy="AWS or a proxy on the way is slow or stuck; try again in a minute")
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        endpoint = getattr(exc, "kwargs", {}).get("endpoint_url", "the AWS endpoint")
        return EndpointError(f"{prefix}{action}: cannot reach {endpoint} ({type(exc).__name__})",
                             remedy="check the network, a proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL")
    if isinstance(exc, HTTPClientError):  # e.g. the connection was reset before an answer
        endpoint = getattr(exc, "kwargs", {}).get("endpoint_url", "the AWS endpoint")
        return EndpointError(f"{prefix}{action}: the connection to {endpoint} failed ({type(exc).__name__}, "
                             f"{ATTEMPTS} attempts)", remedy="check the network or proxy, and try again")
    if isinstance(exc, ClientError):
        code = error_code(exc) or "Error"
        message = exc.response.get("Error", {}).get("Message") or str(exc)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        text = f"{action} failed: {code}: {message}"
        if code in _THROTTLED:
            return EndpointError(f"{prefix}{action}: AWS is throttling the requests ({code}, {ATTEMPTS} attempts)",
                                 remedy="wait a minute and try again; nothing was changed")
        if status >= 500:
            return EndpointError(f"{prefix}{action}: AWS answered with an internal error ({code}, HTTP {status}, "
                                 f"{ATTEMPTS} attempts)", remedy="try again in a minute; nothing was changed")
        text += skew_hint(exc)
        if code in _EXPIRED:
            return SessionExpired(text, identity=identity, step=step,
                                  remedy=remedy or f"run `atmos auth login {identity or ''}`".replace("  ", " "))
        if code in _DENIED:
            return AccessDenied(text, identity=identity, step=step, remedy=remedy)
        return AuthError(text, identity=identity, step=step, remedy=remedy)
    if isinstance(exc, AtmosAuthError):
        return exc
    return AuthError(f"{action} failed: {type(exc).__name__}: {exc}", identity=identity, step=step, remedy=remedy)

