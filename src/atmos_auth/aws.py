"""boto3 clients and AWS error translation, in one place. boto3 is imported lazily: `--help` stays fast.

Clients never read the user's AWS profile or environment keys: each gets its credentials explicitly
(or none, for unsigned SSO calls). Endpoints still follow AWS_ENDPOINT_URL[_<SERVICE>].
"""

from __future__ import annotations

import functools
from typing import Any

from atmos_auth.credentials import Credentials
from atmos_auth.errors import AccessDenied, AtmosAuthError, AuthError, EndpointError, SessionExpired

_EXPIRED = {"ExpiredToken", "ExpiredTokenException", "UnauthorizedException", "InvalidGrantException"}
_DENIED = {"AccessDenied", "AccessDeniedException", "ForbiddenException", "UnrecognizedClientException",
           "InvalidClientTokenId", "SignatureDoesNotMatch", "InvalidIdentityToken"}


@functools.cache
def _session() -> Any:
    import botocore.session

    # Ignore AWS_PROFILE: every credential we use is passed explicitly, and a profile that does not
    # exist (common inside `atmos auth exec` of another tool) must not break us.
    return botocore.session.Session(session_vars={"profile": (None, None, None, None)})


def client(service: str, region: str, credentials: Credentials | None = None, *, unsigned: bool = False,
           fips: bool = False, dualstack: bool = False) -> Any:
    from botocore import UNSIGNED
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "total_max_attempts": 4},
        connect_timeout=5, read_timeout=20, user_agent_appid="atmos-auth",
        signature_version=UNSIGNED if unsigned else None,
        use_fips_endpoint=fips or None, use_dualstack_endpoint=dualstack or None,
    )
    keys: dict[str, Any] = {}
    if credentials is not None:
        keys = {"aws_access_key_id": credentials.access_key_id,
                "aws_secret_access_key": credentials.secret_access_key,
                "aws_session_token": credentials.session_token}
    return _session().create_client(service, region_name=region, config=config, **keys)


def ambient_credentials(region: str) -> Credentials:
    """The standard AWS chain (environment, profile, container or instance role), for `--registry`."""
    import boto3

    resolved = boto3.Session(region_name=region).get_credentials()
    if resolved is None:
        raise AuthError("no AWS credentials found in the environment, profile, container or instance role",
                        remedy="export AWS credentials, set AWS_PROFILE, or add --identity NAME")
    frozen = resolved.get_frozen_credentials()
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token, region=region)


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
        ReadTimeoutError,
    )

    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        endpoint = getattr(exc, "kwargs", {}).get("endpoint_url", "the AWS endpoint")
        return EndpointError(f"{action}: cannot reach {endpoint} ({type(exc).__name__})",
                             remedy="check the network, a proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL")
    if isinstance(exc, ClientError):
        code = error_code(exc) or "Error"
        message = exc.response.get("Error", {}).get("Message") or str(exc)
        text = f"{action} failed: {code}: {message}"
        if code in _EXPIRED:
            return SessionExpired(text, identity=identity, step=step,
                                  remedy=remedy or f"run `atmos auth login {identity or ''}`".replace("  ", " "))
        if code in _DENIED:
            return AccessDenied(text, identity=identity, step=step, remedy=remedy)
        return AuthError(text, identity=identity, step=step, remedy=remedy)
    if isinstance(exc, AtmosAuthError):
        return exc
    return AuthError(f"{action} failed: {type(exc).__name__}: {exc}", identity=identity, step=step, remedy=remedy)
