"""Folders, read from the environment at call time: ATMOS_XDG_* > XDG_* > the XDG defaults."""

from __future__ import annotations

import os
import re
from pathlib import Path


def _xdg(name: str, default: str) -> Path:
    value = os.environ.get(f"ATMOS_XDG_{name}_HOME") or os.environ.get(f"XDG_{name}_HOME")
    return Path(value).expanduser() if value else Path.home() / default


def config_dir() -> Path:
    return _xdg("CONFIG", ".config") / "atmos"


def cache_dir() -> Path:
    return _xdg("CACHE", ".cache") / "atmos"


def data_dir() -> Path:
    return _xdg("DATA", ".local/share") / "atmos"


def docker_config_dir() -> Path:
    value = os.environ.get("DOCKER_CONFIG")
    return Path(value).expanduser() if value else Path.home() / ".docker"


_SAFE = re.compile(r"[A-Za-z0-9@+=,_-][A-Za-z0-9@+=,._-]*")


def safe_component(name: str) -> str:
    """`name` as one file-name component: kept when plainly safe, else percent-encoded (never a path)."""
    if _SAFE.fullmatch(name) and len(name) <= 200:
        return name
    encoded = "".join(c if _SAFE.fullmatch(c) else "".join(f"%{b:02X}" for b in c.encode()) for c in name)
    return encoded[:200] if encoded else "%"
