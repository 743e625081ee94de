"""Docker's config.json, merged losslessly: atomic writes under a lock, credential helpers honoured.

Docker resolves a registry's credentials in this order: `credHelpers[host]`, then `credsStore`, then
the inline `auths[host].auth`. An inline entry under a helper is never read, so we store through the
helper (as `docker login` does) and tell the caller which store was used.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atmos_auth.errors import DockerConfigError
from atmos_auth.stores import paths
from atmos_auth.stores.files import atomic_write, locked, private_dir

INLINE = "config.json"


@dataclass(frozen=True)
class DockerLogin:
    host: str
    username: str
    password: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.username, self.password)


@dataclass(frozen=True)
class Stored:
    host: str
    store: str  # "config.json" or "docker-credential-<name>"
    note: str | None = None
    #: True when we set credHelpers[host] (to the helper, or "" for the file); logout removes it again.
    pinned: bool = False


def fingerprint(username: str, password: str) -> str:
    return hashlib.sha256(f"{username}:{password}".encode()).hexdigest()[:24]


class DockerConfig:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or paths.docker_config_dir()
        self.path = self.folder / "config.json"

    @property
    def lock(self) -> Path:
        """Our lock lives with our caches: Docker ignores lock files, so ~/.docker gets no litter."""
        digest = hashlib.sha256(str(self.target.absolute()).encode()).hexdigest()[:24]
        return paths.cache_dir() / "locks" / f"docker-{digest}"

    @property
    def target(self) -> Path:
        """The file written: a symlinked config.json is followed, as Docker does."""
        return self.path.resolve() if self.path.is_symlink() else self.path

    def read(self) -> dict[str, Any]:
        try:
            text = self.target.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise DockerConfigError(f"cannot read {self.path}: {exc.strerror}") from None
        if not text.strip():
            return {}
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DockerConfigError(f"{self.path} is not valid JSON ({exc.msg} at line {exc.lineno} column "
                                    f"{exc.colno}); it was left untouched",
                                    remedy="fix or move the file, then log in again") from None
        if not isinstance(data, dict):
            raise DockerConfigError(f"{self.path} must hold a JSON object; it was left untouched")
        return data

    def _write(self, data: dict[str, Any]) -> None:
        target = self.target
        mode = 0o600
        if target.exists():
            mode = (target.stat().st_mode & 0o600) or 0o600  # keep a stricter mode, never a looser one
        else:
            private_dir(target.parent)
        atomic_write(target, (json.dumps(data, indent="\t") + "\n").encode(), mode=mode)

    def store(self, logins: list[DockerLogin]) -> list[Stored]:
        """Save every login in one locked read-merge-write; other keys and fields stay as they were."""
        results = []
        with locked(self.lock):
            data = self.read()
            had_helpers = "credHelpers" in data
            auths = data.setdefault("auths", {})
            helpers = data.setdefault("credHelpers", {})
            for key, value in (("auths", auths), ("credHelpers", helpers)):
                if not isinstance(value, dict):
                    raise DockerConfigError(f'{self.path}: "{key}" must be an object; it was left untouched')
            for login in logins:
                if not isinstance(auths.get(login.host, {}), dict):
                    raise DockerConfigError(f'{self.path}: auths["{login.host}"] must be an object; '
                                            "it was left untouched")
                _fold_scheme_duplicate(auths, login.host)
                helper = helper_for(data, login.host)
                note = None
                if helper and shutil.which(f"docker-credential-{helper}"):
                    _helper_call(helper, "store", json.dumps(
                        {"ServerURL": login.host, "Username": login.username, "Secret": login.password}))
                    entry = auths.setdefault(login.host, {})
                    entry.pop("auth", None)  # Docker keeps only a placeholder here when a helper holds it
                    pinned = login.host not in helpers
                    if pinned:
                        # containers/image tools (skopeo, podman, buildah) ignore credsStore but honour
                        # credHelpers: naming the same helper for this host changes nothing for Docker.
                        helpers[login.host] = helper
                        note = f"pinned credHelpers[{login.host}] = {helper!r} so skopeo and podman find it too"
                    results.append(Stored(login.host, f"docker-credential-{helper}", note, pinned))
                    continue
                if helper:
                    # The helper Docker would ask is not installed: route this host to the file store.
                    helpers[login.host] = ""
                    note = f"docker-credential-{helper} is not installed; set credHelpers[{login.host}] to \"\""
                entry = auths.setdefault(login.host, {})
                entry["auth"] = base64.b64encode(f"{login.username}:{login.password}".encode()).decode()
                results.append(Stored(login.host, INLINE, note, pinned=bool(helper)))
            if not helpers and not had_helpers:
                del data["credHelpers"]  # do not add an empty key to a file that had none
            self._write(data)
        shadowed = _env_auth_hosts()
        return [Stored(s.host, s.store, _join(s.note, f"DOCKER_AUTH_CONFIG also has {s.host}, and Docker reads it "
                                                     "first") if s.host in shadowed else s.note, s.pinned)
                for s in results]

    def remove(self, host: str, store: str, expected: str, pinned: bool = False) -> bool:
        """Remove `host`'s credentials only while they are still the ones we wrote (`expected` fingerprint)."""
        with locked(self.lock):
            if not self.target.exists():
                return False
            data = self.read()
            auths = data.get("auths") or {}
            entry = auths.get(host)
            if store == INLINE:
                current = decode_auth(entry.get("auth")) if isinstance(entry, dict) else None
                if current is None or fingerprint(*current) != expected or not isinstance(entry, dict):
                    return False
                del entry["auth"]
            else:
                helper = store.removeprefix("docker-credential-")
                if not shutil.which(store):
                    return False
                try:
                    found = json.loads(_helper_call(helper, "get", host))
                except (DockerConfigError, ValueError):
                    return False
                if fingerprint(found.get("Username", ""), found.get("Secret", "")) != expected:
                    return False
                _helper_call(helper, "erase", host)
            helpers = data.get("credHelpers")
            pin = "" if store == INLINE else store.removeprefix("docker-credential-")
            if pinned and isinstance(helpers, dict) and helpers.get(host) == pin:
                del helpers[host]  # the routing we added goes with the credentials
            if isinstance(entry, dict) and not entry:
                del auths[host]
            self._write(data)
            return True

    def inline_auth(self, host: str) -> tuple[str, str] | None:
        entry = (self.read().get("auths") or {}).get(host)
        return decode_auth(entry.get("auth")) if isinstance(entry, dict) else None


def _env_auth_hosts() -> set[str]:
    """Hosts in $DOCKER_AUTH_CONFIG, which recent Docker CLIs consult before config.json."""
    try:
        auths = json.loads(os.environ.get("DOCKER_AUTH_CONFIG") or "{}").get("auths") or {}
    except (ValueError, AttributeError):
        return set()
    return {re.sub(r"^https?://", "", key).rstrip("/") for key in auths} if isinstance(auths, dict) else set()


def _join(*notes: str | None) -> str | None:
    return "; ".join(n for n in notes if n) or None


def helper_for(data: dict[str, Any], host: str) -> str | None:
    helpers = data.get("credHelpers") or {}
    if isinstance(helpers, dict) and host in helpers:
        return helpers[host] or None  # "" means: the file store, even when credsStore is set
    store = data.get("credsStore")
    return store or None


def _fold_scheme_duplicate(auths: dict[str, Any], host: str) -> None:
    for stale in (f"https://{host}", f"https://{host}/", f"http://{host}"):
        old = auths.pop(stale, None)
        if isinstance(old, dict):
            merged = {**old, **(auths.get(host) or {})}
            auths[host] = merged


def decode_auth(value: Any) -> tuple[str, str] | None:
    try:
        user, _, password = base64.b64decode(value).decode().partition(":")
        return user, password
    except (TypeError, ValueError):
        return None


def _helper_call(helper: str, action: str, stdin: str) -> str:
    try:
        done = subprocess.run([f"docker-credential-{helper}", action], input=stdin, capture_output=True, text=True,
                              timeout=30, env=os.environ.copy())
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DockerConfigError(f"docker-credential-{helper} {action} failed: {exc}") from None
    if done.returncode != 0:
        # The protocol puts errors on stdout; never echo our input (it holds the secret).
        raise DockerConfigError(f"docker-credential-{helper} {action} failed: {done.stdout.strip()[:200]}")
    return done.stdout
