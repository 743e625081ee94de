"""The generic hooks that `login` and `logout` call; each integration kind fills them in."""

from __future__ import annotations

import logging
from pathlib import Path

from atmos_auth.config.model import AuthConfig
from atmos_auth.credentials import Credentials
from atmos_auth.docker_config import DockerConfig
from atmos_auth.errors import StorageError
from atmos_auth.integrations import ecr
from atmos_auth.stores.docker_state import DockerState, WrittenLogin

log = logging.getLogger("atmos_auth")


def provision(config: AuthConfig, identity: str, credentials: Credentials, *, names: list[str] | None = None,
              auto_only: bool = True, force: bool = False, hosts: set[str] | None = None) -> list[ecr.RegistryLogin]:
    """Run the identity's integrations (its auto_provision ones, or exactly `names`; only the registries
    in `hosts` when given), in config order."""
    chosen = {n: i for n, i in config.integrations_of(identity).items()
              if (names is None or n in names) and (i.auto_provision or not auto_only)}
    ecr_ones = {n: i for n, i in chosen.items() if isinstance(i, ecr.Config)}
    targets = [t for t in ecr.targets_of(ecr_ones) if hosts is None or t.registry.host in hosts]
    return ecr.login(credentials, targets, identity, force) if targets else []


def written_by(identities: set[str] | None) -> list[WrittenLogin]:
    """Docker logins this tool wrote (for `identities`, or all), current config.json or not."""
    return [e for e in DockerState().all() if identities is None or e.identity in identities]


def cleanup(identities: set[str] | None, dry_run: bool = False) -> list[tuple[WrittenLogin, str]]:
    """Remove the Docker credentials we wrote for `identities` (None: every login we made, `--registry`
    ones included), only where they are still ours, and the pins we added for them; each with what was
    removed (docker_config.CREDENTIALS or PIN). `dry_run` answers the same without changing anything."""
    by_config: dict[str, list[WrittenLogin]] = {}
    for entry in written_by(identities):
        by_config.setdefault(entry.config, []).append(entry)
    removed: list[tuple[WrittenLogin, str]] = []
    settled: list[WrittenLogin] = []
    for config, entries in by_config.items():
        try:
            removed += DockerConfig(Path(config).parent).remove(entries, dry_run=dry_run)  # type: ignore[arg-type]
        except StorageError as exc:  # kept on record: a later logout tries again
            log.warning("Docker logins in %s were not removed: %s", config, exc.message)
            continue
        settled += entries
    if not dry_run:
        DockerState().forget(settled)
    return removed
