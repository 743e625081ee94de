"""The OAuth 2.0 device authorization grant (RFC 8628) against AWS SSO OIDC."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from atmos_auth.aws import error_code, translate
from atmos_auth.credentials import utcnow
from atmos_auth.errors import DeviceAuthorizationFailed
from atmos_auth.interaction import Interaction
from atmos_auth.stores.sso_cache import SsoSession

CLIENT_NAME = "atmos-auth"
SCOPES = ["sso:account:access"]
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_SECONDS = 5  # RFC 8628 §3.5: add 5 seconds to the interval on every slow_down


class StaleRegistration(Exception):
    """StartDeviceAuthorization refused our client registration: the portal no longer knows it."""


def register(oidc: Any, session: SsoSession, provider: str) -> None:
    """Register a client when we have none that is still valid (registrations live for months)."""
    if session.client_id and session.registration_expires_at and \
            datetime.fromisoformat(session.registration_expires_at) > utcnow() + timedelta(hours=1):
        return
    try:
        reg = oidc.register_client(clientName=CLIENT_NAME, clientType="public", scopes=SCOPES,
                                   grantTypes=[DEVICE_GRANT, "refresh_token"])
    except Exception as exc:
        raise translate(exc, identity=None, step=provider, action="sso-oidc:RegisterClient") from None
    session.client_id, session.client_secret = reg["clientId"], reg["clientSecret"]
    expires = reg.get("clientSecretExpiresAt")
    session.registration_expires_at = (datetime.fromtimestamp(expires, utcnow().tzinfo) if expires
                                       else utcnow() + timedelta(days=90)).isoformat()


def run_device_flow(oidc: Any, session: SsoSession, provider: str, ui: Interaction,
                    sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic
                    ) -> dict[str, Any]:
    """Show the code, then poll CreateToken: honour `interval`, slow down by 5 s, stop at `expiresIn`."""
    try:
        auth = oidc.start_device_authorization(clientId=session.client_id, clientSecret=session.client_secret,
                                               startUrl=session.start_url)
    except Exception as exc:
        if error_code(exc) == "InvalidClientException":
            raise StaleRegistration() from None
        raise translate(exc, identity=None, step=provider, action="sso-oidc:StartDeviceAuthorization") from None
    ui.show_device_code(provider, auth["userCode"], auth["verificationUri"],
                        auth.get("verificationUriComplete") or auth["verificationUri"])
    interval = float(auth.get("interval") or 5)
    deadline = clock() + float(auth.get("expiresIn") or 600)
    with ui.waiting("Waiting for approval in the browser…"):
        while True:
            try:
                return oidc.create_token(clientId=session.client_id, clientSecret=session.client_secret,
                                         grantType=DEVICE_GRANT, deviceCode=auth["deviceCode"])
            except Exception as exc:
                code = error_code(exc)
                if code == "AuthorizationPendingException":
                    pass
                elif code == "SlowDownException":
                    interval += SLOW_DOWN_SECONDS
                elif code == "AccessDeniedException":
                    raise DeviceAuthorizationFailed("the sign-in request was denied in the browser", step=provider,
                                                    remedy="run the login again and press Approve") from None
                elif code == "ExpiredTokenException":
                    raise _expired(provider) from None
                else:
                    raise translate(exc, identity=None, step=provider, action="sso-oidc:CreateToken") from None
            if clock() + interval > deadline:
                raise _expired(provider)
            sleep(interval)


def _expired(provider: str) -> DeviceAuthorizationFailed:
    return DeviceAuthorizationFailed("the device code expired before it was approved", step=provider,
                                     remedy="run the login again and approve within the time shown")
