"""The auth realm: which credential namespace a configuration writes to (cloudposse/atmos
pkg/config/auth_realm.go, pkg/auth/realm). $ATMOS_AUTH_REALM, else `auth.realm`, else the first 16 hex
digits of the SHA-256 of the folder holding atmos.yaml (Atmos's hashRealmFromPath of its CliConfigPath,
pkg/config/auth_realm.go, #2051), so two projects never share AWS files or keyring entries."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from atmos_auth import digest
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


def realm(configured: str | None, cli_config_path: str, environ: Mapping[str, str]) -> str:
    """The realm in effect. `configured` (auth.realm) was checked by validation; `cli_config_path` is
    Atmos's CliConfigPath (see cli_config_path)."""
    if (from_env := environ.get("ATMOS_AUTH_REALM")) is not None and from_env != "":
        if (why := problem(from_env)) is not None:
            raise UsageError(f"invalid realm value: ATMOS_AUTH_REALM environment variable: {why}")
        return from_env
    if configured:
        return configured
    if not cli_config_path:
        return "default"
    return digest.sha256(go_clean(cli_config_path).lower().encode()).hexdigest()[:16]


def cli_config_path(files: Sequence[str], folders: Sequence[str], found: Path | None, cwd: Path) -> str:
    """What Atmos hashes: with --config/--config-path, the folders as typed (`filepath.Dir` of each file,
    then each folder, joined as connectPaths does: one alone, else each followed by ";"); found by
    discovery, the folder of atmos.yaml, absolute as the shell spells it."""
    if files or folders:
        paths = [go_clean(posixpath.dirname(f) or ".") for f in files] + list(folders)
        return paths[0] if len(paths) == 1 else "".join(f"{p};" for p in paths if p)
    return config_folder(found, cwd).as_posix() if found is not None else ""


def go_clean(path: str) -> str:
    """Go's filepath.Clean on Unix (posixpath.normpath keeps a leading `//`; Go does not)."""
    cleaned = posixpath.normpath(path) if path else "."
    return cleaned[1:] if cleaned.startswith("//") and not cleaned.startswith("///") else cleaned


def source(environ: Mapping[str, str]) -> str:
    """Where the realm came from, as Atmos's whoami says it: env, else config (set, or hashed from the path)."""
    return "env" if environ.get("ATMOS_AUTH_REALM") else "config"


def config_folder(path: Path, cwd: Path | None = None) -> Path:
    """The folder of a configuration file, absolute (from `cwd`, as the shell spells it) and cleaned."""
    folder = path.parent if path.is_absolute() else (cwd or Path.cwd()) / path.parent
    return Path(os.path.normpath(folder))
