"""Docker credential helpers (`docker-credential-<name> store|get|erase`), and how Docker picks one.

Docker resolves a registry's credentials in this order: `credHelpers[host]`, then `credsStore`, then
the inline `auths[host].auth`. The protocol passes secrets on stdin, never in arguments.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
from typing import Any

from atmos_auth import digest
from atmos_auth.errors import DockerConfigError

#: Helpers that fetch their own tokens and cannot be given one: Amazon's ECR helper answers
#: `store` with "not implemented". Docker asks them for every pull; we leave their hosts to them.
SELF_SERVING = {"ecr-login"}
HELPER_TIMEOUT_SECONDS = 30
#: A helper answers with a small JSON document; more than this is not read ...
MAX_OUTPUT = 1024 * 1024
#: ... and no file it writes (its answer, its own store) may grow past this: no helper fills a disk.
OUTPUT_LIMIT = 64 * 1024 * 1024
#: What the protocol's helpers print when they hold nothing for a host.
NOT_FOUND = "credentials not found"
_UNRESPONSIVE: set[str] = set()


def fingerprint(username: str, password: str) -> str:
    return digest.sha256(f"{username}:{password}".encode()).hexdigest()[:24]


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
    import shutil

    return bool(re.fullmatch(r"[A-Za-z0-9._-]+", helper)) and shutil.which(f"docker-credential-{helper}") is not None


def cannot_store(helper: str) -> bool:
    return helper in SELF_SERVING


def store(helper: str, host: str, username: str, password: str) -> None:
    call(helper, "store", json.dumps({"ServerURL": host, "Username": username, "Secret": password}))


def get(helper: str, host: str) -> tuple[str, str] | None:
    """What the helper holds for `host`, or None when it holds nothing: it said "credentials not found"
    (the protocol's answer), or, as older docker-credential-pass does, answered with an empty secret.
    Any other failure (a locked keychain, no D-Bus) raises: then nobody knows what it holds."""
    try:
        found = json.loads(call(helper, "get", host))
        held = str(found.get("Username") or ""), str(found.get("Secret") or "")
    except DockerConfigError as exc:
        if NOT_FOUND in exc.message.lower():
            return None
        raise
    except (ValueError, AttributeError):
        raise DockerConfigError(f"docker-credential-{helper} get gave an answer that is not the protocol's") from None
    return held if any(held) else None


def erase(helper: str, host: str) -> None:
    call(helper, "erase", host)


def call(helper: str, action: str, stdin: str) -> str:
    """Run the helper and return what it printed. Its output goes to a file, not a pipe: a helper that
    leaves a child holding the pipe open cannot make us wait; at most MAX_OUTPUT bytes are read, and
    it cannot write more than OUTPUT_LIMIT to any file. A helper that did not answer in time is not
    asked again by this process (it holds the Docker config's lock meanwhile), and its processes go."""
    program = f"docker-credential-{helper}"
    if helper in _UNRESPONSIVE:
        raise DockerConfigError(f"{program} did not answer earlier in this run; not asked again")
    import resource
    import signal
    import subprocess
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            child = subprocess.Popen([program, action], stdin=subprocess.PIPE, stdout=out, stderr=err,
                                     env=os.environ.copy(), start_new_session=True, preexec_fn=_limit_output(resource))
        except OSError as exc:
            raise DockerConfigError(f"{program} {action} could not run: {exc.strerror or exc}") from None
        try:
            child.communicate(stdin.encode(), timeout=HELPER_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            _UNRESPONSIVE.add(helper)
            with contextlib.suppress(OSError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            raise DockerConfigError(f"{program} {action} gave no answer within {HELPER_TIMEOUT_SECONDS}s") from None
        except BrokenPipeError:  # it exited without reading what we sent; its answer says why
            child.wait()
        done = child
        said, complained = (_first(handle) for handle in (out, err))
    if done.returncode != 0:
        # The protocol puts errors on stdout; never echo our input (it holds the secret).
        shown = " ".join((said or complained).split())[:200]
        raise DockerConfigError(f"{program} {action} failed: {shown or f'exit code {done.returncode}'}")
    return said


def _limit_output(resource: Any) -> Any:
    """What the child runs before the helper (nothing is imported after the fork)."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))


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
