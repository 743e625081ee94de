"""CI identity tokens: RS256 JWTs from the emulator's own GitHub- and GitLab-style issuers."""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Issuer:
    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url
        self.kid = secrets.token_hex(8)
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def mint(self, audience: str, subject: str, ttl: int = 300, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": self.url, "sub": subject, "aud": audience, "iat": now, "nbf": now, "exp": now + ttl, **claims}
        head = _b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": self.kid}).encode())
        body = _b64(json.dumps(payload).encode())
        signature = self._key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{head}.{body}.{_b64(signature)}"

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token this issuer signed; ValueError when forged, malformed or expired."""
        try:
            head, body, signature = token.split(".")
            self._key.public_key().verify(_unb64(signature), f"{head}.{body}".encode(), padding.PKCS1v15(),
                                          hashes.SHA256())
            claims = json.loads(_unb64(body))
        except Exception as exc:  # any decoding or signature failure
            raise ValueError("invalid token signature or format") from exc
        if claims.get("exp", 0) < time.time():
            raise ValueError("token is expired")
        return claims

    def jwks(self) -> dict[str, Any]:
        numbers = self._key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
                          "n": _b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
                          "e": _b64(numbers.e.to_bytes(3, "big"))}]}


def unverified_claims(token: str) -> dict[str, Any]:
    try:
        return json.loads(_unb64(token.split(".")[1]))
    except Exception as exc:
        raise ValueError("not a JWT") from exc
