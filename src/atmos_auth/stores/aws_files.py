"""AWS SDK files for other tools: `credentials` and `config` under ~/.config/atmos/aws/<provider>/.

Each identity owns one section; other sections, and their comments, are kept byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from atmos_auth.credentials import Credentials
from atmos_auth.stores import paths
from atmos_auth.stores.files import atomic_write, locked

_HEADER = re.compile(r"^\s*\[([^\]]+)\]\s*$")


@dataclass(frozen=True)
class AwsFiles:
    folder: Path

    @classmethod
    def for_provider(cls, provider: str) -> AwsFiles:
        return cls(paths.config_dir() / "aws" / provider)

    @property
    def credentials(self) -> Path:
        return self.folder / "credentials"

    @property
    def config(self) -> Path:
        return self.folder / "config"

    def write(self, profile: str, creds: Credentials, region: str) -> None:
        lines = [f"aws_access_key_id = {creds.access_key_id}", f"aws_secret_access_key = {creds.secret_access_key}"]
        if creds.session_token:
            lines.append(f"aws_session_token = {creds.session_token}")
        comment = f"; atmos: expiration={creds.expires_at.isoformat()}" if creds.expires_at else None
        _replace_section(self.credentials, profile, lines, comment)
        _replace_section(self.config, f"profile {profile}", [f"region = {region}"], None)

    def remove(self, profile: str) -> list[Path]:
        """Remove the identity's sections; return the files that changed (a file left empty is deleted)."""
        changed = []
        for path, section in ((self.credentials, profile), (self.config, f"profile {profile}")):
            if path.exists() and _replace_section(path, section, None, None):
                changed.append(path)
        return changed

    def has(self, profile: str) -> bool:
        return self.credentials.exists() and profile in _blocks(self.credentials.read_text())


def _blocks(text: str) -> dict[str | None, list[str]]:
    """Section name → its lines, leading comments included (None holds lines before any section)."""
    blocks: dict[str | None, list[str]] = {None: []}
    current: str | None = None
    pending: list[str] = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            current = match[1].strip()
            blocks[current] = [*pending, line]
            pending = []
        elif line.lstrip().startswith((";", "#")):
            pending.append(line)
        else:
            blocks.setdefault(current, []).extend([*pending, line])
            pending = []
    if pending:
        blocks.setdefault(current, []).extend(pending)
    return blocks


def _replace_section(path: Path, section: str, body: list[str] | None, comment: str | None) -> bool:
    with locked(path):
        text = path.read_text() if path.exists() else ""
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
            path.unlink()
        else:
            atomic_write(path, (out + "\n").encode())
        return True
