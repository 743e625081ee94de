"""The auth realm: which credential namespace a configuration writes to (cloudposse/atmos
pkg/auth/realm). $ATMOS_AUTH_REALM, else `auth.realm`, else none: the AWS files of every project
without a realm share `…/atmos/aws/<provider>/`, as in Atmos."""

from __future__ import annotations

import re
from collections.abc import Mapping

from atmos_auth.errors import UsageError

_VALID = re.compile(r"[a-z0-9_-]+", re.ASCII)
MAX_LENGTH = 64


def problem(value: str) -> str | None:
    """Why `value` cannot be a realm (Atmos's rules and wording), or None."""
    if not value:
        return "realm cannot be empty"
    if len(value) > MAX_LENGTH:
        return f"realm exceeds maximum length of {MAX_LENGTH} characters: got {len(value)}"
    if "/" in value or "\\" in value or ".." in value:
        return "realm cannot contain path traversal characters (/, \\, ..)"
    if not _VALID.fullmatch(value):
        bad = sorted({c for c in value if not _VALID.fullmatch(c)})
        return (f"realm contains invalid characters: [{' '.join(bad)}] (only lowercase letters, numbers, hyphens, and "
                "underscores are allowed)")
    if value[0] in "-_":
        return "realm cannot start with hyphen or underscore"
    if value[-1] in "-_":
        return "realm cannot end with hyphen or underscore"
    if re.search(r"[-_]{2}", value):
        return "realm cannot contain consecutive hyphens or underscores"
    return None


def realm(configured: str | None, environ: Mapping[str, str]) -> str:
    """The realm in effect: $ATMOS_AUTH_REALM, else `auth.realm` (checked by validation), else none ("",
    source "auto"), as Atmos has done since 2026-02 (#2075): files then live in the pre-realm layout."""
    if (from_env := environ.get("ATMOS_AUTH_REALM")) is not None and from_env != "":
        if (why := problem(from_env)) is not None:
            raise UsageError(f"invalid realm value: ATMOS_AUTH_REALM environment variable: {why}")
        return from_env
    return configured or ""


def source(config_realm: str | None, environ: Mapping[str, str]) -> str:
    """Where the realm came from, in Atmos's words: env, config or auto."""
    return "env" if environ.get("ATMOS_AUTH_REALM") else "config" if config_realm else "auto"
