"""Docker credential helpers (`docker-credential-<name> store|get|erase`), and how Docker picks one.

Docker resolves a registry's credentials in this order: `credHelpers[host]`, then `credsStore`, then
the inline `auths[host].auth`. The protocol passes secrets on stdin, never in arguments.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from typing import Any

from atmos_auth.errors import DockerConfigError

#: Helpers that fetch their own tokens and cannot be given one: Amazon's ECR helper answers
#: `store` with "not implemented". Docker asks them for every pull; we leave their hosts to them.
SELF_SERVING = {"ecr-login"}
HELPER_TIMEOUT_SECONDS = 30
#: A helper answers with a small JSON document; more than this is not read.
MAX_OUTPUT = 1024 * 1024


def fingerprint(username: str, password: str) -> str:
    return hashlib.sha256(f"{username}:{password}".encode()).hexdigest()[:24]


def encode_auth(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode()


def decode_auth(value: Any) -> tuple[str, str] | None:
    try:
        user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        return user, password
    except (TypeError, ValueError):
        return None


def helper_for(helpers: Any, creds_store: Any, host: str) -> str | None:
    """The helper Docker asks for `host`: credHelpers[host] ("" means the file), else credsStore."""
    if isinstance(helpers, dict) and host in helpers:
        return helpers[host] or None if isinstance(helpers[host], str) else None
    return creds_store if isinstance(creds_store, str) and creds_store else None


def installed(helper: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9._-]+", helper)) and shutil.which(f"docker-credential-{helper}") is not None


def cannot_store(helper: str) -> bool:
    return helper in SELF_SERVING


def store(helper: str, host: str, username: str, password: str) -> None:
    call(helper, "store", json.dumps({"ServerURL": host, "Username": username, "Secret": password}))


def get(helper: str, host: str) -> tuple[str, str] | None:
    """What the helper holds for `host`, or None when it holds nothing (or cannot say). Older
    docker-credential-pass answers a missing host with exit 0 and an empty secret: that is nothing too."""
    try:
        found = json.loads(call(helper, "get", host))
        held = str(found.get("Username") or ""), str(found.get("Secret") or "")
    except (DockerConfigError, ValueError, AttributeError):
        return None
    return held if any(held) else None


def erase(helper: str, host: str) -> None:
    call(helper, "erase", host)


def call(helper: str, action: str, stdin: str) -> str:
    """Run the helper and return what it printed. Its output goes to a file, not a pipe: a helper that
    leaves a child holding the pipe open cannot make us wait, and at most MAX_OUTPUT bytes are read."""
    program = f"docker-credential-{helper}"
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            done = subprocess.run([program, action], input=stdin.encode(), stdout=out, stderr=err,
                                  timeout=HELPER_TIMEOUT_SECONDS, env=os.environ.copy())
        except subprocess.TimeoutExpired:
            raise DockerConfigError(f"{program} {action} gave no answer within {HELPER_TIMEOUT_SECONDS}s") from None
        except OSError as exc:
            raise DockerConfigError(f"{program} {action} could not run: {exc.strerror or exc}") from None
        said, complained = (_first(handle) for handle in (out, err))
    if done.returncode != 0:
        # The protocol puts errors on stdout; never echo our input (it holds the secret).
        shown = " ".join((said or complained).split())[:200]
        raise DockerConfigError(f"{program} {action} failed: {shown or f'exit code {done.returncode}'}")
    return said


def _first(handle: Any) -> str:
    handle.seek(0)
    return str(handle.read(MAX_OUTPUT).decode("utf-8", "replace"))


def env_auth_hosts() -> set[str]:
    """Hosts in $DOCKER_AUTH_CONFIG, which recent Docker CLIs consult before config.json."""
    try:
        auths = json.loads(os.environ.get("DOCKER_AUTH_CONFIG") or "{}").get("auths") or {}
    except (ValueError, AttributeError):
        return set()
    return {re.sub(r"^https?://", "", key).rstrip("/") for key in auths} if isinstance(auths, dict) else set()
