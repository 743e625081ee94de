"""The generic hooks that `login` and `logout` call; each integration kind fills them in."""

from __future__ import annotations

from pathlib import Path

from atmos_auth.config.model import AuthConfig
from atmos_auth.credentials import Credentials
from atmos_auth.docker_config import DockerConfig
from atmos_auth.integrations import ecr
from atmos_auth.stores.docker_state import DockerState, WrittenLogin


def provision(config: AuthConfig, identity: str, credentials: Credentials, *, names: list[str] | None = None,
              auto_only: bool = True, force: bool = False) -> list[ecr.RegistryLogin]:
    """Run the identity's integrations (its auto_provision ones, or exactly `names`), in config order."""
    chosen = {n: i for n, i in config.integrations_of(identity).items()
              if (names is None or n in names) and (i.auto_provision or not auto_only)}
    ecr_ones = {n: i for n, i in chosen.items() if isinstance(i, ecr.Config)}
    return ecr.login(credentials, ecr.targets_of(ecr_ones), identity, force) if ecr_ones else []


def written_by(identities: set[str] | None) -> list[WrittenLogin]:
    """Docker logins this tool wrote (for `identities`, or all), current config.json or not."""
    return [e for e in DockerState().all() if identities is None or e.identity in identities]


def cleanup(identities: set[str] | None, dry_run: bool = False) -> list[WrittenLogin]:
    """Remove the Docker credentials we wrote for `identities`, only where they are still ours."""
    entries = written_by(identities)
    if dry_run:
        return entries
    removed = []
    for entry in entries:
        if DockerConfig(Path(entry.config).parent).remove(entry.host, entry.store, entry.fingerprint,
                                                         entry.pinned):
            removed.append(entry)
    DockerState().forget(entries)
    return removed
