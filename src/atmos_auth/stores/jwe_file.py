"""The encrypted entries of Atmos's `file` keyring (99designs/keyring v1.2.2's file backend, jose2go):
one file per key, named by the key with `/` and `%` percent-escaped, holding a compact JWE
(PBES2-HS256+A128KW, A256GCM, 8192 PBKDF2 rounds, a 12-byte salt) of the JSON `keyring.Item` whose
`Data` is the stored value, base64. Files written here are read by Atmos and the other way round."""

from __future__ import annotations

import base64
import json
import secrets
import warnings
from datetime import datetime
from typing import Any

ALG, ENC = "PBES2-HS256+A128KW", "A256GCM"
ROUNDS = 8192  # jose2go's default p2c
MAX_ROUNDS = 1_300_000  # jose2go refuses more; an attacker-made file must not make us spin
MIN_PASSWORD = 8  # Atmos refuses shorter passwords


class WrongPassword(Exception):
    """The file's key does not unwrap with this password."""


class Damaged(Exception):
    """Not an entry of Atmos's file keyring, or one whose content no longer checks out (the key unwrapped:
    the password is right)."""


def file_name(key: str) -> str:
    """mtibben/percent.Encode(key, "/"): only `/` and `%` are escaped, as %XX of their UTF-8 bytes."""
    return "".join("".join(f"%{b:02X}" for b in c.encode()) if c in "/%" else c for c in key)


def _registry() -> Any:
    from joserfc import jwe
    from joserfc.registry import HeaderParameter

    return jwe.JWERegistry(algorithms=[ALG, ENC],
                           header_registry={"created": HeaderParameter("99designs/keyring creation time", "str")})


def _key(password: str) -> Any:
    from joserfc.jwk import OctKey

    with warnings.catch_warnings():  # joserfc warns about short keys: a password is what Atmos uses
        warnings.simplefilter("ignore")
        return OctKey.import_key(password.encode())


def seal(key: str, value: str, password: str) -> bytes:
    """The file content for `key` = `value`, as 99designs' fileKeyring.Set writes it."""
    from joserfc import jwe

    item = {"Key": key, "Data": base64.b64encode(value.encode()).decode(), "Label": "", "Description": "",
            "KeychainNotTrustApplication": False, "KeychainNotSynchronizable": False}
    header = {"alg": ALG, "enc": ENC, "created": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S.%f %z %Z"),
              "p2c": ROUNDS, "p2s": base64.urlsafe_b64encode(secrets.token_bytes(12)).rstrip(b"=").decode()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        token = jwe.encrypt_compact(header, json.dumps(item, separators=(",", ":")), _key(password),
                                    registry=_registry())
    return token.encode()


def unseal(content: bytes, password: str) -> str:
    """The value in a file `seal` (or Atmos) wrote; WrongPassword when it does not open."""
    from joserfc import jwe

    token = content.decode("ascii", "replace").strip()
    try:
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        if header.get("alg") != ALG or header.get("enc") != ENC or not 0 < int(header.get("p2c", 0)) <= MAX_ROUNDS:
            raise Damaged("not an entry of Atmos's file keyring")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            plain = jwe.decrypt_compact(token, _key(password), registry=_registry()).plaintext
        item = json.loads(plain or b"{}")
        return base64.b64decode(item.get("Data") or "").decode()
    except Damaged:
        raise
    except Exception as exc:  # joserfc's DecodeError, a truncated file, bad base64: it does not open
        if "Unwrap AES key failed" in str(exc):  # AES key wrap's integrity check: another password
            raise WrongPassword("integrity check failed") from None
        raise Damaged(str(exc) or type(exc).__name__) from None
