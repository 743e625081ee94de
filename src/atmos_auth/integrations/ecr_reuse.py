"""When an ECR login needs no AWS call: the token we wrote is still in place with time left, or another
process is logging in to the same registries right now (single flight)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from atmos_auth import digest
from atmos_auth.credentials import utcnow
from atmos_auth.integrations.ecr import RegistryLogin, Target

if TYPE_CHECKING:
    from atmos_auth.docker_config import DockerConfig

#: A token we wrote is reused while more than half of its 12 hours is left (as the ECR credential helper
#: does): a second `atmos auth login` in CI then costs no AWS call, and a push never starts on a dying token.
REUSE_WHILE_LEFT = timedelta(hours=6)
#: How long a login waits for another process's login to the same registries.
FLIGHT_TIMEOUT = 120.0


@contextlib.contextmanager
def single_flight(docker: DockerConfig, identity: str | None, targets: list[Target]) -> Iterator[dict[str, RegistryLogin]]:
    """One token fetch at a time per Docker config and identity, across processes: whoever waited gets
    the logins the holder made meanwhile (as the SSO device flow does), so 64 concurrent `ecr-login`s
    make one GetAuthorizationToken per region. A login is taken over when config.json holds our token
    (inline), or, for a credential helper, when its record changed while we waited."""
    from atmos_auth.stores import paths
    from atmos_auth.stores.docker_state import DockerState
    from atmos_auth.stores.locks import locked

    hosts = {t.registry.host: t for t in targets}

    def records() -> dict[str, Any]:
        return {e.host: e for e in DockerState().all()
                if e.host in hosts and e.config == str(docker.path) and e.identity == identity}

    before = records()
    key = digest.sha256(f"{docker.path}\0{identity}".encode()).hexdigest()[:20]
    with locked(paths.cache_dir() / "ecr-logins" / key, timeout=FLIGHT_TIMEOUT,
                what=f"another ECR login to {', '.join(hosts)}"):
        fresh = still_valid(docker, targets, identity)
        for host, entry in records().items():
            if host in fresh or entry == before.get(host) or not entry.expires_at:
                continue
            expires = datetime.fromisoformat(entry.expires_at)
            if expires - utcnow() > REUSE_WHILE_LEFT:
                fresh[host] = RegistryLogin(host, hosts[host].integration, expires, entry.store, reused=True)
        yield fresh


def still_valid(docker: DockerConfig, targets: list[Target], identity: str | None) -> dict[str, RegistryLogin]:
    """Registries whose config.json entry is still the token we wrote for this identity, with time left."""
    from atmos_auth.docker_config import INLINE, fingerprint
    from atmos_auth.stores.docker_state import DockerState

    written = {e.host: e for e in DockerState().all() if e.config == str(docker.path) and e.identity == identity}
    if not any(t.registry.host in written for t in targets):
        return {}
    current_auths = docker.inline_auths([t.registry.host for t in targets])
    found = {}
    for target in targets:
        entry = written.get(target.registry.host)
        if entry is None or entry.store != INLINE or not entry.expires_at:
            continue
        expires = datetime.fromisoformat(entry.expires_at)
        current = current_auths.get(entry.host)
        if expires - utcnow() > REUSE_WHILE_LEFT and current and fingerprint(*current) == entry.fingerprint:
            found[entry.host] = RegistryLogin(entry.host, target.integration, expires, entry.store, reused=True)
    return found
