"""What both CI providers share: a JWT's expiry, read without verifying (AWS STS verifies it)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

from atmos_auth.credentials import Token


def web_identity_token(jwt: str, region: str | None) -> Token:
    expires = None
    try:
        payload = jwt.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        expires = datetime.fromtimestamp(int(claims["exp"]), UTC)
    except (IndexError, KeyError, ValueError, TypeError):
        pass
    return Token(kind="oidc", value=jwt.strip(), expires_at=expires, region=region)
