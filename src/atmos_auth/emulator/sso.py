"""IAM Identity Center: the SSO OIDC device flow (RFC 8628) and the SSO portal."""

from __future__ import annotations

import hashlib
import html
import secrets
from typing import Any

from atmos_auth.emulator.errors import ApiError
from atmos_auth.emulator.state import DeviceAuthorization, Principal, Registration, SsoSession, World


def _oidc_error(code: str, error: str, description: str) -> ApiError:
    return ApiError(code, description, 400, body={"error": error, "error_description": description})


def register_client(world: World, body: dict[str, Any]) -> dict[str, Any]:
    if not body.get("clientName") or body.get("clientType") != "public":
        raise _oidc_error("InvalidRequestException", "invalid_request", "clientName and clientType=public are required")
    now = world.now()
    reg = Registration(client_id="client-" + secrets.token_urlsafe(12), client_secret=secrets.token_urlsafe(40),
                       expires_at=now + world.fixture.ttl["registration"])
    world.registrations[reg.client_id] = reg
    return {"clientId": reg.client_id, "clientSecret": reg.client_secret, "clientIdIssuedAt": int(now),
            "clientSecretExpiresAt": int(reg.expires_at)}


def _client(world: World, body: dict[str, Any]) -> Registration:
    reg = world.registrations.get(body.get("clientId", ""))
    if reg is None or reg.client_secret != body.get("clientSecret"):
        raise _oidc_error("InvalidClientException", "invalid_client", "Client authentication failed")
    if reg.expires_at < world.now():
        raise _oidc_error("InvalidClientException", "invalid_client", "Client registration has expired")
    return reg


def start_device_authorization(world: World, body: dict[str, Any], base_url: str) -> dict[str, Any]:
    reg = _client(world, body)
    start_url = body.get("startUrl", "")
    if not any(i["start_url"].rstrip("/") == start_url.rstrip("/") for i in world.fixture.sso_instances):
        raise _oidc_error("InvalidRequestException", "invalid_request", f"Unknown start URL {start_url}")
    letters = "BCDFGHJKLMNPQRSTVWXZ"
    user_code = "".join(secrets.choice(letters) for _ in range(4)) + "-" + "".join(
        secrets.choice(letters) for _ in range(4))
    device = DeviceAuthorization(
        device_code=secrets.token_urlsafe(32), user_code=user_code, client_id=reg.client_id, start_url=start_url,
        expires_at=world.now() + world.fixture.ttl["device_code"], interval=world.fixture.poll_interval)
    world.devices[device.device_code] = device
    verify = f"{base_url}/device"
    return {"deviceCode": device.device_code, "userCode": user_code, "verificationUri": verify,
            "verificationUriComplete": f"{verify}?user_code={user_code}",
            "expiresIn": world.fixture.ttl["device_code"], "interval": device.interval}


def create_token(world: World, body: dict[str, Any]) -> dict[str, Any]:
    reg = _client(world, body)
    grant = body.get("grantType", "")
    if grant == "urn:ietf:params:oauth:grant-type:device_code":
        return _device_grant(world, reg, body.get("deviceCode", ""))
    if grant == "refresh_token":
        old = world.refresh_tokens.get(body.get("refreshToken", ""))
        if old is None or old.client_id != reg.client_id:
            raise _oidc_error("InvalidGrantException", "invalid_grant", "Invalid refresh token")
        return _new_session(world, reg, old.start_url, refresh_token=body["refreshToken"])
    raise _oidc_error("UnsupportedGrantTypeException", "unsupported_grant_type", f"Unsupported grant {grant}")


def _device_grant(world: World, reg: Registration, device_code: str) -> dict[str, Any]:
    with world.lock:
        device = world.devices.get(device_code)
        if device is None or device.client_id != reg.client_id or device.status == "used":
            raise _oidc_error("InvalidGrantException", "invalid_grant", "Invalid device code")
        now = world.now()
        if device.expires_at < now:
            raise _oidc_error("ExpiredTokenException", "expired_token", "Device code has expired")
        if device.status == "denied":
            raise _oidc_error("AccessDeniedException", "access_denied", "The user denied the authorization request")
        too_fast = device.last_poll is not None and now - device.last_poll < device.interval - 0.05
        device.last_poll = now
        if device.status == "pending" and world.auto_approve:
            device.status = "approved"
        if too_fast and device.status == "pending":
            device.interval += 5
            raise _oidc_error("SlowDownException", "slow_down", "Client is polling too quickly")
        if device.status == "pending":
            raise _oidc_error("AuthorizationPendingException", "authorization_pending", "Authorization is pending")
        device.status = "used"
        return _new_session(world, reg, device.start_url, refresh_token="rt-" + secrets.token_urlsafe(40))


def _new_session(world: World, reg: Registration, start_url: str, refresh_token: str) -> dict[str, Any]:
    ttl = world.fixture.ttl["sso_token"]
    session = SsoSession(start_url=start_url, client_id=reg.client_id, expires_at=world.now() + ttl,
                         refresh_token=refresh_token)
    token = "at-" + secrets.token_urlsafe(48)
    with world.lock:
        world.sessions[token] = session
        world.refresh_tokens[refresh_token] = session
    return {"accessToken": token, "tokenType": "Bearer", "expiresIn": ttl, "refreshToken": refresh_token}


def decide(world: World, user_code: str, approve: bool) -> bool:
    with world.lock:
        for device in world.devices.values():
            if device.user_code == user_code.strip().upper() and device.status == "pending":
                device.status = "approved" if approve else "denied"
                return True
    return False


def pending_codes(world: World) -> list[str]:
    return [d.user_code for d in world.devices.values() if d.status == "pending" and d.expires_at > world.now()]


def device_page(user_code: str, message: str = "") -> str:
    code = html.escape(user_code)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>AWS access request (emulator)</title>
<style>body{{font-family:sans-serif;max-width:32em;margin:4em auto}}code{{font-size:1.6em}}
button{{font-size:1.1em;margin:.5em}}</style></head><body>
<h1>Authorize request</h1><p>{html.escape(message)}</p>
<p>Confirm this code matches the one shown in your terminal:</p><p><code>{code}</code></p>
<form method="post" action="/device/decide"><input type="hidden" name="user_code" value="{code}">
<button name="decision" value="approve">Approve</button><button name="decision" value="deny">Deny</button>
</form></body></html>"""


# --- portal -------------------------------------------------------------------------------------------


def _session(world: World, token: str) -> SsoSession:
    session = world.sessions.get(token)
    if session is None or session.expires_at < world.now():
        raise ApiError("UnauthorizedException", "Session token not found or invalid", 401)
    return session


def _page(world: World, items: list[Any], next_token: str | None, max_result: str | None) -> tuple[list[Any], str | None]:
    start = int(next_token or 0)
    size = min(int(max_result or world.fixture.page_size), world.fixture.page_size)
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


def list_accounts(world: World, token: str, args: dict[str, str]) -> dict[str, Any]:
    _session(world, token)
    names = {a for a, _ in world.fixture.permission_sets}
    accounts = [{"accountId": a["id"], "accountName": a["name"], "emailAddress": a["email"]}
                for a in world.fixture.accounts if a["id"] in names]
    page, nxt = _page(world, accounts, args.get("next_token"), args.get("max_result"))
    return {"accountList": page, **({"nextToken": nxt} if nxt else {})}


def list_account_roles(world: World, token: str, args: dict[str, str]) -> dict[str, Any]:
    _session(world, token)
    account = args.get("account_id", "")
    roles = [{"roleName": n, "accountId": a} for a, n in world.fixture.permission_sets if a == account]
    page, nxt = _page(world, roles, args.get("next_token"), args.get("max_result"))
    return {"roleList": page, **({"nextToken": nxt} if nxt else {})}


def get_role_credentials(world: World, token: str, args: dict[str, str]) -> dict[str, Any]:
    _session(world, token)
    account, role = args.get("account_id", ""), args.get("role_name", "")
    grant = world.fixture.permission_sets.get((account, role))
    if grant is None:
        raise ApiError("ForbiddenException", "No access", 403)
    suffix = hashlib.sha256(f"{account}/{role}".encode()).hexdigest()[:16]  # stable, like AWS
    principal = Principal(arn=f"arn:aws:sts::{account}:assumed-role/AWSReservedSSO_{role}_{suffix}/user@example.com",
                          account=account, user_id=f"AROA{suffix.upper()}:user@example.com", grant=grant)
    issued = world.issue(principal, world.fixture.ttl["role_credentials"])
    return {"roleCredentials": {"accessKeyId": issued.access_key_id, "secretAccessKey": issued.secret_access_key,
                                "sessionToken": issued.session_token, "expiration": int((issued.expires_at or 0) * 1000)}}


def logout(world: World, token: str) -> dict[str, Any]:
    with world.lock:
        session = world.sessions.pop(token, None)
        if session is None:
            raise ApiError("UnauthorizedException", "Session token not found or invalid", 401)
        world.refresh_tokens.pop(session.refresh_token or "", None)
    return {}
