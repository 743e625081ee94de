"""aws/credentials: credentials from an external command speaking the AWS SDK's `credential_process`
protocol (aws-vault, aws-sso-cli, Okta or SAML helpers, hardware tokens): the design Atmos's maintainers
wrote for cloudposse/atmos #1734 (PR #1795, `credentials.credential_process`). The command is split as a
shell would but run without one, as the AWS SDK runs it; its stderr reaches the person, its stdout is the
JSON `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"?}`. It is run on
every use (the helper is the source of truth) and may start a chain (`via: {identity: <it>}`)."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from atmos_auth.config.model import IdentityConfig, dig
from atmos_auth.config.types import Region, Strict, parse_duration
from atmos_auth.credentials import Credentials, Secret, utcnow
from atmos_auth.errors import AuthError

KIND = "aws/credentials"
TIMEOUT = 30  # seconds, unless spec.timeout says otherwise


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
        try:
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, start_new_session=True)
        except OSError as exc:
            raise AuthError(f"credential_process failed: {argv[0]}: {exc.strerror or exc}", identity=self.name,
                            remedy="check credentials.credential_process (the command is run without a shell)") from None
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise AuthError(f"credential_process timeout after {timeout}s", identity=self.name,
                            remedy="raise spec.timeout, or check that the helper does not wait for input") from None
        if proc.returncode != 0:
            raise AuthError(f"credential_process failed: {argv[0]} exited with {proc.returncode}", identity=self.name,
                            remedy="its own message is above")
        return out


def parse(output: bytes, identity: str, region: str) -> Credentials:
    """The credential_process JSON, checked as the AWS SDK checks it."""
    try:
        data: Any = json.loads(output)
    except ValueError as exc:
        why = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
        raise AuthError(f"credential_process returned invalid JSON: {why}", identity=identity) from None
    if not isinstance(data, dict):
        raise AuthError("credential_process returned invalid JSON: not an object", identity=identity)
    if data.get("Version") != 1:
        raise AuthError(f"credential_process returned Version {data.get('Version')!r}; only 1 is known",
                        identity=identity)
    for field in ("AccessKeyId", "SecretAccessKey"):
        if not isinstance(data.get(field), str) or not data[field]:
            raise AuthError(f"credential_process missing required field: {field}", identity=identity)
    expires = None
    if data.get("Expiration"):
        try:
            expires = datetime.fromisoformat(str(data["Expiration"]))
        except ValueError:
            raise AuthError(f"credential_process returned an Expiration that is not RFC 3339: "
                            f"{str(data['Expiration'])[:40]!r}", identity=identity) from None
        if expires.tzinfo is None or expires <= utcnow():
            raise AuthError(f"credential_process returned expired credentials (expired at {data['Expiration']})",
                            identity=identity)
    return Credentials(data["AccessKeyId"], data["SecretAccessKey"], data.get("SessionToken") or None,
                       expires_at=expires, region=region)


def build(name: str, config: Config, ctx: object, previous: object) -> CredentialProcessIdentity:
    return CredentialProcessIdentity(name, config)
