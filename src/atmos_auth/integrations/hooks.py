"""The generic hooks that `login` and `logout` call; each integration kind fills them in."""

from __future__ import annotations

from pathlib import Path

from atmos_auth.config import atmos_kinds
from atmos_auth.config.model import AuthConfig
from atmos_auth.config.usable import blocking
from atmos_auth.credentials import Credentials
from atmos_auth.docker_config import DockerConfig
from atmos_auth.errors import StorageError
from atmos_auth.integrations import ecr
from atmos_auth.logs import log
from atmos_auth.stores.docker_state import DockerState, WrittenLogin


def provision(config: AuthConfig, identity: str, credentials: Credentials, *, names: list[str] | None = None,
              auto_only: bool = True, force: bool = False, hosts: set[str] | None = None,
              docker_only: bool = False) -> list[ecr.RegistryLogin]:
    """Run the identity's integrations (its auto_provision ones, or exactly `names`; only the registries
    in `hosts` when given; only the Docker logins with `docker_only`, as the ECR commands ask)."""
    chosen = {n: i for n, i in config.integrations_of(identity).items()
              if (names is None or n in names) and (i.auto_provision or not auto_only)}
    from atmos_auth.integrations import DOCKER_KINDS, KINDS

    found = [t for name in DOCKER_KINDS if any(i.kind == name for i in chosen.values())
             for t in KINDS[name].targets_of({n: i for n, i in chosen.items() if i.kind == name})]
    targets = [t for t in found if hosts is None or t.registry.host in hosts]
    unusable = _unusable(config, identity, names) if hosts is None else []
    registries = ecr.login(credentials, targets, identity, force) if targets else []
    clusters = [KINDS[i.kind].write(n, i, identity, credentials) for n, i in chosen.items()
                if i.kind == "aws/eks"] if hosts is None and not docker_only else []  # a retry: registries
    return unusable + registries + clusters


def _unusable(config: AuthConfig, identity: str, names: list[str] | None) -> list[ecr.RegistryLogin]:
    """The identity's integrations that the file defines but that cannot run: an aws/ecr one with a
    problem fails (its line says which); one of a kind this tool does not implement is skipped."""
    failed = []
    for (section, name), target in config.links.items():
        if section != "integrations" or target != ("identities", identity) or name in config.integrations:
            continue
        if names is not None and name not in names:
            continue
        kind = config.kinds.get((section, name), "")
        if kind in atmos_kinds.INTEGRATIONS:
            log.warning("integration %s (%s) is not available in this tool; skipped", name, kind)
            continue
        problems = blocking(config, (section, name))
        failed.append(ecr.RegistryLogin(name, name, error=problems[0].text if problems else "cannot be used"))
    return failed


def written_by(identities: set[str] | None) -> list[WrittenLogin]:
    """Docker logins this tool wrote (for `identities`, or all), current config.json or not."""
    return [e for e in DockerState().all() if identities is None or e.identity in identities]


Outcome = tuple[list[tuple[WrittenLogin, str]], list[tuple[WrittenLogin, str]]]


def cleanup(identities: set[str] | None, dry_run: bool = False) -> Outcome:
    """Remove the Docker credentials we wrote for `identities` (None: every login we made, `--registry`
    ones included), only where they are still ours, and the pins we added for them. Returns (what was
    removed, each with docker_config.CREDENTIALS or PIN; what could not be, each with why). What could
    not be removed stays on record for a later logout. `dry_run` answers the same, changing nothing."""
    by_config: dict[str, list[WrittenLogin]] = {}
    for entry in written_by(identities):
        by_config.setdefault(entry.config, []).append(entry)
    removed: list[tuple[WrittenLogin, str]] = []
    failed: list[tuple[WrittenLogin, str]] = []
    for config, entries in by_config.items():
        try:
            done, missed = DockerConfig(Path(config).parent).remove(entries, dry_run=dry_run)
        except StorageError as exc:
            done, missed = [], [(entry, exc.message) for entry in entries]
        removed += done
        failed += missed
    if not dry_run:
        kept = {entry.key for entry, _ in failed}
        DockerState().forget([e for entries in by_config.values() for e in entries if e.key not in kept])
    return removed, failed
