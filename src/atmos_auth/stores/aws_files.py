"""AWS SDK files for other tools: `credentials` and `config` under ~/.config/atmos/aws/<provider>/.

Each identity owns one section; other sections, and their comments, are kept byte for byte.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from atmos_auth.credentials import Credentials
from atmos_auth.errors import ConfigError, StorageError
from atmos_auth.stores import paths
from atmos_auth.stores.files import atomic_write, locked, read_bytes, remove_file, sweep_orphans

_HEADER = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_UNSAFE = re.compile(r"[\[\]\x00-\x1f\x7f\u0085\u2028\u2029]")
_VALUE = re.compile(r"[\x21-\x7e]+")


def profile_name_problem(name: str) -> str | None:
    """Why `name` cannot be an INI section of the AWS files (brackets, line breaks), or None."""
    if not name.strip():
        return "it is empty"
    if name != name.strip():
        return "it starts or ends with a space"
    if _UNSAFE.search(name):
        return "it contains a bracket or a control character (a line break would inject sections)"
    return None


def profile_of(identity: str) -> str:
    """The AWS profile of an identity: its name lower-cased, as Atmos writes it (`Dev-Admin` → dev-admin)."""
    return identity.lower()


@dataclass(frozen=True)
class AwsFiles:
    folder: Path
    #: Profiles are identity names in lower case (as Atmos writes them); files from before realms kept the case.
    lower: bool = True

    def _profile(self, identity: str) -> str:
        return profile_of(identity) if self.lower else identity

    @classmethod
    def for_provider(cls, provider: str, realm: str = "", base: Path | None = None) -> AwsFiles:
        """`<base>/<realm>/aws/<provider>/`, base being $XDG_CONFIG_HOME/atmos unless the provider's
        `spec.files.base_path` says otherwise (as in Atmos's cloud/aws/files.go)."""
        return cls((base or paths.config_dir()) / realm / "aws" / paths.safe_component(provider))

    @property
    def credentials(self) -> Path:
        return self.folder / "credentials"

    @property
    def config(self) -> Path:
        return self.folder / "config"

    def write(self, identity: str, creds: Credentials, region: str) -> None:
        profile = self._profile(identity)
        values = [creds.access_key_id, creds.secret_access_key, *([creds.session_token] if creds.session_token else [])]
        if not all(_VALUE.fullmatch(v) for v in values):  # a line break would write sections of its own
            raise StorageError(f"the credentials of {identity} hold spaces or control characters; not written to "
                               f"{self.credentials}")
        lines = [f"aws_access_key_id = {creds.access_key_id}", f"aws_secret_access_key = {creds.secret_access_key}"]
        if creds.session_token:
            lines.append(f"aws_session_token = {creds.session_token}")
        # Atmos's form (RFC 3339, whole seconds, Z), read by both tools
        expires = creds.expires_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if creds.expires_at else None
        comment = f"; atmos: expiration={expires}" if expires else None
        _replace_section(self.credentials, profile, lines, comment)
        _replace_section(self.config, f"profile {profile}", [f"region = {region}"], None)

    def remove(self, profile: str) -> list[Path]:
        """Remove the identity's sections; return the files that changed (a file left empty is deleted)."""
        changed = []
        profile = self._profile(profile)
        for path, section in ((self.credentials, profile), (self.config, f"profile {profile}")):
            if path.exists() and _replace_section(path, section, None, None):
                changed.append(path)
        return changed

    def read(self, profile: str) -> Credentials | None:
        """The credentials of `profile` as login wrote them (with the expiry from its comment), or None."""
        profile = self._profile(profile)
        if profile_name_problem(profile) is not None or not self.credentials.exists():
            return None
        lines = _blocks(_read(self.credentials)).get(profile) or []
        values = dict(_assignment(line) for line in lines if "=" in line and not line.lstrip().startswith(("[", ";", "#")))
        expiry = next((line.split("expiration=", 1)[1].strip() for line in lines if "atmos: expiration=" in line), None)
        if not values.get("aws_access_key_id") or not values.get("aws_secret_access_key"):
            return None
        try:
            expires_at = datetime.fromisoformat(expiry) if expiry else None
        except ValueError:
            expires_at = None
        return Credentials(values["aws_access_key_id"], values["aws_secret_access_key"],
                           values.get("aws_session_token"), expires_at=expires_at)

    def has(self, profile: str) -> bool:
        profile = self._profile(profile)
        return self.credentials.exists() and profile in _blocks(_read(self.credentials))


def _blocks(text: str) -> dict[str | None, list[str]]:
    """Section name → its lines, leading comments included (None holds lines before any section)."""
    blocks: dict[str | None, list[str]] = {None: []}
    current: str | None = None
    pending: list[str] = []
    for line in text.split("\n"):  # not splitlines(): a foreign U+2028 or form feed stays inside its line
        match = _HEADER.match(line)
        if match:
            current = match[1].strip()
            blocks.setdefault(current, []).extend([*pending, line])  # a repeated section is kept, not lost
            pending = []
        elif line.lstrip().startswith((";", "#")):
            pending.append(line)
        else:
            blocks.setdefault(current, []).extend([*pending, line])
            pending = []
    if pending:
        blocks.setdefault(current, []).extend(pending)
    return blocks


def _assignment(line: str) -> tuple[str, str]:
    key, _, value = line.partition("=")
    return key.strip().lower(), value.strip()


def _read(path: Path) -> str:
    """The file as text; bytes that are not UTF-8 survive a rewrite unchanged."""
    data = read_bytes(path)
    return "" if data is None else data.decode("utf-8", "surrogateescape")


def _replace_section(path: Path, section: str, body: list[str] | None, comment: str | None) -> bool:
    if (problem := profile_name_problem(section)) is not None:
        raise ConfigError(f"{section!r} cannot be an AWS profile name: {problem}",
                          remedy="rename the identity in atmos.yaml")
    with locked(path):
        sweep_orphans(path)
        text = _read(path)
        blocks = _blocks(text)
        existed = section in blocks
        if body is None:
            if not existed:
                return False
            del blocks[section]
        else:
            blocks[section] = [*([comment] if comment else []), f"[{section}]", *body, ""]
        out = "\n".join(line for lines in blocks.values() for line in lines).strip("\n")
        if not out.strip() and body is None:
            remove_file(path)
        elif out + "\n" != text or os.stat(path).st_mode & 0o077:  # a login from the cache changes nothing
            atomic_write(path, (out + "\n").encode("utf-8", "surrogateescape"))
        return True
