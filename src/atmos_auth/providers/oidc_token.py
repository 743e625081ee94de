"""What both CI providers share: their shape, and a JWT's expiry read without verifying (STS verifies it)."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from atmos_auth.credentials import Token


class CiTokenProvider:
    """A provider whose token comes from the CI job's environment; never cached to disk."""

    cacheable = False

    def __init__(self, name: str, config: Any, environ: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.config = config
        self.environ = os.environ if environ is None else environ


def web_identity_token(jwt: str, region: str | None) -> Token:
    expires = None
    try:
        payload = jwt.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        expires = datetime.fromtimestamp(int(claims["exp"]), UTC)
    except (IndexError, KeyError, ValueError, TypeError):
        pass
    return Token(kind="oidc", value=jwt.strip(), expires_at=expires, region=region)
