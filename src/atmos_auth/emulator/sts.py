"""STS: AssumeRole (trust and ExternalId), AssumeRoleWithWebIdentity (JWT checked), GetSessionToken (MFA),
AssumeRoot (root tasks, members, trusted callers), GetCallerIdentity."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from atmos_auth.emulator.errors import ApiError
from atmos_auth.emulator.jwt import Issuer, unverified_claims
from atmos_auth.emulator.state import Issued, Principal, World

NS = "https://sts.amazonaws.com/doc/2011-06-15/"
SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _credentials_xml(issued: Issued) -> str:
    return (f"<Credentials><AccessKeyId>{issued.access_key_id}</AccessKeyId>"
            f"<SecretAccessKey>{issued.secret_access_key}</SecretAccessKey>"
            f"<SessionToken>{issued.session_token}</SessionToken>"
            f"<Expiration>{_iso(issued.expires_at or 0)}</Expiration></Credentials>")


def _duration(params: dict[str, str], default: int = 3600) -> int:
    value = int(params.get("DurationSeconds") or default)
    if not 900 <= value <= 43200:
        raise ApiError("ValidationError", f"DurationSeconds {value} must be between 900 and 43200", 400)
    return value


def _role(world: World, params: dict[str, str]) -> tuple[Any, str]:
    arn, name = params.get("RoleArn", ""), params.get("RoleSessionName", "")
    if not SESSION_NAME.match(name):
        raise ApiError("ValidationError", "RoleSessionName must match [\\w+=,.@-]{2,64}", 400)
    role = world.fixture.roles.get(arn)
    if role is None:
        raise ApiError("AccessDenied", f"Not authorized to perform sts:AssumeRole on {arn} (no such role)", 403)
    return role, name


def _assumed(world: World, role: Any, name: str, ttl: int, action: str, extra: str = "") -> str:
    principal = Principal(arn=f"arn:aws:sts::{role.account}:assumed-role/{role.name}/{name}", account=role.account,
                          user_id=f"AROA{hashlib.sha256(role.arn.encode()).hexdigest()[:16].upper()}:{name}", grant=role.grant)
    issued = world.issue(principal, ttl)
    return (f"<{action}Result>{_credentials_xml(issued)}<AssumedRoleUser><Arn>{principal.arn}</Arn>"
            f"<AssumedRoleId>{principal.user_id}</AssumedRoleId></AssumedRoleUser>{extra}</{action}Result>")


def assume_role(world: World, caller: Issued, params: dict[str, str]) -> str:
    role, name = _role(world, params)
    if not any(fnmatch.fnmatchcase(caller.principal.arn, pattern) for pattern in role.trusted_principals):
        raise ApiError("AccessDenied", f"User: {caller.principal.arn} is not authorized to perform: sts:AssumeRole "
                       f"on resource: {role.arn}", 403)
    if role.external_id is not None and params.get("ExternalId") != role.external_id:
        raise ApiError("AccessDenied", f"User: {caller.principal.arn} is not authorized to perform: sts:AssumeRole "
                       f"on resource: {role.arn} (ExternalId does not match)", 403)
    return _assumed(world, role, name, _duration(params), "AssumeRole")


def assume_role_with_web_identity(world: World, issuers: dict[str, Issuer], params: dict[str, str]) -> str:
    role, name = _role(world, params)
    token = params.get("WebIdentityToken", "")
    try:
        issuer_url = unverified_claims(token).get("iss", "")
        issuer = next((i for i in issuers.values() if i.url == issuer_url), None)
        if issuer is None:
            raise ValueError(f"unknown issuer {issuer_url!r}")
        claims = issuer.verify(token)
    except ValueError as exc:
        code = "ExpiredTokenException" if "expired" in str(exc) else "InvalidIdentityToken"
        raise ApiError(code, f"The web identity token is not valid: {exc}", 400) from None
    if claims.get("aud") != "sts.amazonaws.com":
        raise ApiError("InvalidIdentityToken", f"Incorrect token audience {claims.get('aud')!r}", 400)
    if issuer.name not in role.trusted_web_identity:
        raise ApiError("AccessDenied", f"Not authorized to perform sts:AssumeRoleWithWebIdentity on {role.arn}", 403)
    extra = (f"<SubjectFromWebIdentityToken>{claims['sub']}</SubjectFromWebIdentityToken>"
             f"<Audience>{claims['aud']}</Audience><Provider>{issuer.url}</Provider>")
    return _assumed(world, role, name, _duration(params), "AssumeRoleWithWebIdentity", extra)


def get_session_token(world: World, caller: Issued, params: dict[str, str]) -> str:
    if caller.session_token is not None:
        raise ApiError("AccessDenied", "Cannot call GetSessionToken with session credentials", 403)
    user = next(u for u in world.fixture.users if u.access_key_id == caller.access_key_id)
    if user.mfa_serial:
        if params.get("SerialNumber") != user.mfa_serial or params.get("TokenCode") != user.mfa_code:
            raise ApiError("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", 403)
    issued = world.issue(caller.principal, _duration(params, 43200) if "DurationSeconds" in params else 43200)
    return f"<GetSessionTokenResult>{_credentials_xml(issued)}</GetSessionTokenResult>"


ROOT_TASKS = {f"arn:aws:iam::aws:policy/root-task/{task}" for task in (
    "IAMAuditRootUserCredentials", "IAMCreateRootUserPassword", "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy", "SQSUnlockQueuePolicy")}


def assume_root(world: World, caller: Issued, params: dict[str, str]) -> str:
    """A root session in a member account, for one root task, to the management account or a delegated
    administrator (the fixture's root_access)."""
    target, policy = params.get("TargetPrincipal", ""), params.get("TaskPolicyArn.arn", "")
    access = world.fixture.raw.get("root_access") or {}
    duration = int(params.get("DurationSeconds") or 900)
    if not 0 <= duration <= 900:
        raise ApiError("ValidationError", f"1 validation error detected: Value '{duration}' at 'durationSeconds' "
                       "failed to satisfy constraint: Member must have value less than or equal to 900", 400)
    if policy not in ROOT_TASKS:
        raise ApiError("ValidationError", f"TaskPolicyArn {policy!r} is not an AWS managed root-task policy", 400)
    resource = f"arn:aws:iam::{target}:root"
    trusted = any(fnmatch.fnmatchcase(caller.principal.arn, p) for p in access.get("trusted_principals", []))
    if not trusted or target not in [str(a) for a in access.get("member_accounts", [])]:
        raise ApiError("AccessDenied", f"User: {caller.principal.arn} is not authorized to perform: sts:AssumeRoot "
                       f"on resource: {resource}", 403)
    principal = Principal(arn=resource, account=target, user_id=target)
    issued = world.issue(principal, duration or 900)
    return f"<AssumeRootResult>{_credentials_xml(issued)}<SourceIdentity></SourceIdentity></AssumeRootResult>"


def get_caller_identity(world: World, caller: Issued, params: dict[str, str]) -> str:
    p = caller.principal
    return (f"<GetCallerIdentityResult><Arn>{p.arn}</Arn><UserId>{p.user_id}</UserId>"
            f"<Account>{p.account}</Account></GetCallerIdentityResult>")


def envelope(action: str, result: str) -> str:
    return (f'<{action}Response xmlns="{NS}">{result}'
            f"<ResponseMetadata><RequestId>emulator</RequestId></ResponseMetadata></{action}Response>")


def error_xml(error: ApiError) -> str:
    kind = "Sender" if error.status < 500 else "Receiver"
    return (f'<ErrorResponse xmlns="{NS}"><Error><Type>{kind}</Type><Code>{error.code}</Code>'
            f"<Message>{error.message}</Message></Error><RequestId>emulator</RequestId></ErrorResponse>")
