"""SHA-256 and SHA-1 without loading OpenSSL: `hashlib` loads it on import, which costs a short command
more than the hashing ever does. CPython's own implementations, else hashlib's."""

from __future__ import annotations

from typing import Any

try:  # CPython 3.11
    from _sha1 import sha1 as _sha1
    from _sha256 import sha256 as _sha256
except ImportError:  # pragma: no cover - CPython 3.12+, or another Python
    try:
        from _sha1 import sha1 as _sha1

        from _sha2 import sha256 as _sha256
    except ImportError:
        from hashlib import sha1 as _sha1
        from hashlib import sha256 as _sha256


def sha256(data: bytes) -> Any:
    return _sha256(data)


def sha1(data: bytes) -> Any:
    return _sha1(data)
