"""aws/credentials: credentials from an external command speaking the AWS SDK's `credential_process`
protocol (aws-vault, aws-sso-cli, Okta or SAML helpers, hardware tokens): the design Atmos's maintainers
wrote for cloudposse/atmos #1734 (PR #1795, `credentials.credential_process`). The command is split as a
shell would but run without one, as the AWS SDK runs it; its stderr reaches the person, its stdout is the
JSON `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"?}`. It is run on
every use (the helper is the source of truth) and may start a chain (`via: {identity: <it>}`)."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
from datetime import datetime
from typing import Any, ClassVar, Literal

from atmos_auth.config.model import IdentityConfig, dig
from atmos_auth.config.schema import Field, field_validator
from atmos_auth.config.types import Region, Strict, parse_duration
from atmos_auth.credentials import Credentials, Secret, utcnow
from atmos_auth.errors import AuthError

KIND = "aws/credentials"
TIMEOUT = 30  # seconds, unless spec.timeout says otherwise
MAX_TIMEOUT = 3600
MAX_OUTPUT = 1 << 20  # a credential_process document is a few kilobytes
#: Credential values: what AWS issues (no spaces, no control characters: they go into INI files).
_VALUE = re.compile(r"[\x21-\x7e]+")


class ProcessCredentials(Strict):
    credential_process: str
    region: Region | None = None

    @field_validator("credential_process")
    @classmethod
    def _command(cls, value: str) -> str:
        try:
            if not shlex.split(value):
                raise ValueError("is empty")
        except ValueError as exc:
            raise ValueError(f"must be a command line: {exc}") from None
        return value


class Config(IdentityConfig):
    kind: Literal["aws/credentials"]
    credentials: ProcessCredentials = Field(...)

    standalone: ClassVar[bool] = True

    @field_validator("spec")
    @classmethod
    def _timeout(cls, spec: dict[str, Any]) -> dict[str, Any]:
        if spec.get("timeout") is not None and not 0 < parse_duration(spec["timeout"]) <= MAX_TIMEOUT:
            raise ValueError(f"timeout must be at most {MAX_TIMEOUT // 3600}h")
        return spec

    @property
    def timeout(self) -> int:
        value = dig(self.spec, "timeout")
        return parse_duration(value) if value is not None else TIMEOUT


class CredentialProcessIdentity:
    cacheable = False  # the helper decides; it is asked every time

    def __init__(self, name: str, config: Config) -> None:
        self.name = name
        self.config = config

    def authenticate(self, source: Secret | None) -> Credentials:
        argv = shlex.split(self.config.credentials.credential_process)
        output = self._run(argv)
        return parse(output, self.name, self.config.credentials.region or "us-east-1")

    def _run(self, argv: list[str]) -> bytes:
        timeout = self.config.timeout
        # The helper gets our environment but not the file keyring's password.
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATMOS_KEYRING_PASSWORD")}
        try:
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, start_new_session=True, env=env)
        except OSError as exc:
            raise AuthError(f"credential_process failed: {argv[0]}: {exc.strerror or exc}", identity=self.name,
                            remedy="check credentials.credential_process (the command is run without a shell)") from None
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(proc)
            raise AuthError(f"credential_process timeout after {timeout}s", identity=self.name,
                            remedy="raise spec.timeout, or check that the helper does not wait for input") from None
        except BaseException:  # Ctrl-C: the helper runs in its own session and would not hear it
            _stop(proc)
            raise
        if len(out) > MAX_OUTPUT:
            raise AuthError(f"credential_process returned {len(out)} bytes; a credential document is a few "
                            "kilobytes", identity=self.name)
        if proc.returncode != 0:
            raise AuthError(f"credential_process failed: {argv[0]} exited with {proc.returncode}", identity=self.name,
                            remedy="its own message is above")
        return out


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Kill the helper's whole session; do not wait on a pipe a detached grandchild may keep open."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    if proc.stdout is not None:
        proc.stdout.close()
    proc.wait()


def parse(output: bytes, identity: str, region: str) -> Credentials:
    """The credential_process JSON, checked as the AWS SDK checks it."""
    try:
        data: Any = json.loads(output)
    except RecursionError:
        raise AuthError("credential_process returned invalid JSON: nested too deeply", identity=identity) from None
    except ValueError as exc:
        why = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
        raise AuthError(f"credential_process returned invalid JSON: {why}", identity=identity) from None
    if not isinstance(data, dict):
        raise AuthError("credential_process returned invalid JSON: not an object", identity=identity)
    if data.get("Version") != 1:
        raise AuthError("credential_process returned a Version other than 1, the only one there is", identity=identity)
    for field in ("AccessKeyId", "SecretAccessKey"):
        if not isinstance(data.get(field), str) or not data[field]:
            raise AuthError(f"credential_process missing required field: {field}", identity=identity)
    for field in ("AccessKeyId", "SecretAccessKey", "SessionToken"):
        value = data.get(field)
        if value is not None and value != "" and not (isinstance(value, str) and _VALUE.fullmatch(value)):
            raise AuthError(f"credential_process returned a {field} that is not a credential (text without spaces "
                            "or control characters)", identity=identity)
    expires = None
    if data.get("Expiration"):
        try:
            expires = datetime.fromisoformat(str(data["Expiration"]))
        except ValueError:
            raise AuthError("credential_process returned an Expiration that is not RFC 3339", identity=identity) from None
        if expires.tzinfo is None:
            raise AuthError("credential_process returned an Expiration without a time zone (RFC 3339 needs one, "
                            "e.g. Z)", identity=identity)
        if expires <= utcnow():
            raise AuthError(f"credential_process returned expired credentials (expired at {data['Expiration']})",
                            identity=identity)
    return Credentials(data["AccessKeyId"], data["SecretAccessKey"], data.get("SessionToken") or None,
                       expires_at=expires, region=region)


def build(name: str, config: Config, ctx: object, previous: object) -> CredentialProcessIdentity:
    return CredentialProcessIdentity(name, config)
