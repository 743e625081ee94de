"""aws/ecr: a docker login to one private ECR registry with the linked identity's credentials."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from atmos_auth.aws import REJECTED, client, error_code, local_expiry, skew_hint, translate
from atmos_auth.config.model import IntegrationConfig
from atmos_auth.config.types import AccountId, Region, Strict
from atmos_auth.credentials import Credentials
from atmos_auth.errors import IntegrationError, StorageError
from atmos_auth.integrations.ecr_hosts import RegistryHost, parse_registry, registry_host
from atmos_auth.logs import log

if TYPE_CHECKING:  # the Docker config's machinery is loaded by the commands that log in, not by every command
    from atmos_auth.docker_config import DockerConfig, Stored
    from atmos_auth.stores.docker_state import WrittenLogin

KIND = "aws/ecr"


class Registry(Strict):
    account_id: AccountId
    region: Region


class Spec(Strict):
    auto_provision: bool = True
    registry: Registry


class Config(IntegrationConfig):
    kind: Literal["aws/ecr"]
    spec: Spec


@dataclass(frozen=True)
class Target:
    """One registry to log in to, and where the request for it came from."""

    registry: RegistryHost
    integration: str | None = None


@dataclass(frozen=True)
class RegistryLogin:
    host: str
    integration: str | None
    expires_at: datetime | None = None
    store: str | None = None
    note: str | None = None
    error: str | None = None
    #: True when the token already in config.json was kept (no AWS call).
    reused: bool = False
    #: True when AWS refused the credentials themselves (expired early, revoked, or a clock far off).
    rejected: bool = False
    #: "ecr" (host is a registry), or "eks" (host is the kubeconfig context, store its file).
    kind: str = "ecr"

    @property
    def ok(self) -> bool:
        return self.error is None


def targets_of(integrations: dict[str, Config]) -> list[Target]:
    return [Target(parse_registry(registry_host(c.spec.registry.account_id, c.spec.registry.region)), name)
            for name, c in integrations.items()]


#: What GetAuthorizationToken gives for one registry: (username, password, expiry).
RegistryToken = tuple[str, str, datetime | None]


@dataclass(frozen=True)
class Failure:
    """Why a registry has no token."""

    message: str
    rejected: bool = False


#: A registry's token, or the reason it has none.
Outcome = RegistryToken | Failure

def login(credentials: Credentials, targets: list[Target], identity: str | None,
          force: bool = False) -> list[RegistryLogin]:
    """One GetAuthorizationToken per region (all its registries at once), regions in parallel; then one
    Docker config write for every registry that got a token. Results keep the order of `targets`."""
    from atmos_auth.docker_config import DockerConfig
    from atmos_auth.integrations.ecr_reuse import single_flight, still_valid

    docker = DockerConfig()
    reused = {} if force else still_valid(docker, targets, identity)
    wanted = [t for t in targets if t.registry.host not in reused]
    if not wanted or force:
        outcomes = _fetch_all(credentials, identity, wanted)
        stored = _store(docker, outcomes, identity, wanted)
    else:
        with single_flight(docker, identity, wanted) as fresh:  # others logging in to these registries now
            reused.update(fresh)
            wanted = [t for t in wanted if t.registry.host not in reused]
            outcomes = _fetch_all(credentials, identity, wanted)
            stored = _store(docker, outcomes, identity, wanted)
    results = []
    for target in targets:
        host = target.registry.host
        outcome = outcomes.get(host)
        if host in reused:
            results.append(reused[host])
        elif isinstance(outcome, tuple):
            results.append(RegistryLogin(host, target.integration, outcome[2], stored[host].store, stored[host].note))
        else:
            failure = outcome if isinstance(outcome, Failure) else Failure("no token was fetched")
            results.append(RegistryLogin(host, target.integration, error=failure.message, rejected=failure.rejected))
    return results


def _fetch_all(credentials: Credentials, identity: str | None, targets: list[Target]) -> dict[str, Outcome]:
    groups: dict[tuple[str, bool, bool, bool], list[Target]] = {}
    for target in targets:
        r = target.registry
        groups.setdefault((r.region, r.fips, r.dualstack, r.public), []).append(target)
    # Clients are made here, one after another: botocore sessions are not thread-safe, clients are.
    clients: dict[tuple[str, bool, bool, bool], Any] = {}
    outcomes: dict[str, Outcome] = {}
    for group, members in list(groups.items()):
        try:
            clients[group] = client("ecr-public" if group[3] else "ecr", group[0], credentials, fips=group[1],
                                    dualstack=group[2])
        except Exception as exc:  # e.g. a region botocore has no endpoint for
            reason = translate(exc, identity=identity, step="ecr", action=f"ecr:GetAuthorizationToken in {group[0]}")
            outcomes.update({t.registry.host: Failure(reason.message) for t in members})
            del groups[group]
    if not groups:
        return outcomes
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, min(len(groups), 16))) as pool:
        for result in pool.map(lambda item: _fetch(clients[item[0]], credentials, identity, item[0][0], item[1]),
                               groups.items()):
            outcomes.update(result)
    return outcomes


def _store(docker: DockerConfig, outcomes: dict[str, Outcome], identity: str | None,
           targets: list[Target]) -> dict[str, Stored]:
    """Write every token in one Docker config update; each host that fails is reported on its own, and
    whatever was stored anywhere (the file or a helper) is remembered, so logout removes it."""
    from atmos_auth.docker_config import DockerLogin, fingerprint
    from atmos_auth.stores.docker_state import DockerState, WrittenLogin

    good = {t.registry.host: (t, v) for t in targets if isinstance(v := outcomes.get(t.registry.host), tuple)}
    if not good:
        return {}
    def written(host: str, store: str, pinned: bool = False) -> WrittenLogin:
        target, (user, password, expires) = good[host]
        return WrittenLogin(config=str(docker.path), host=host, store=store, fingerprint=fingerprint(user, password),
                            identity=identity, integration=target.integration,
                            expires_at=expires.isoformat() if expires else None, pinned=pinned)

    def intend(where: list[tuple[str, str]]) -> None:  # before a token goes anywhere: a kill leaves a record
        DockerState().intend([written(host, store) for host, store in where])

    try:
        stored = {s.host: s for s in docker.store([DockerLogin(h, v[0], v[1]) for h, (_, v) in good.items()],
                                                  before_write=intend)}
    except StorageError as exc:
        outcomes.update({host: Failure(exc.message) for host in good})
        return {}
    outcomes.update({host: Failure(s.error) for host, s in stored.items() if s.error})
    _remember([written(host, stored[host].store, stored[host].pinned) for host in good if not stored[host].error],
              [written(host, stored[host].store) for host in good if stored[host].error])
    return stored


def _remember(written: list[WrittenLogin], not_written: list[WrittenLogin]) -> None:
    from atmos_auth.stores.docker_state import DockerState

    try:
        DockerState().record(written)
        DockerState().abandon(not_written)
    except StorageError as exc:  # the logins work; only logout will not know to remove them
        log.warning("the Docker logins were made but could not be recorded for logout: %s", exc.message)


def _fetch(ecr: Any, credentials: Credentials, identity: str | None, region: str,
           targets: list[Target]) -> dict[str, Outcome]:
    if targets[0].registry.public:
        try:
            return {t.registry.host: _public_token(ecr) for t in targets}
        except Exception as exc:
            failure = _reason(exc, identity, credentials, [], region, "ecr-public:GetAuthorizationToken")
            return {t.registry.host: failure for t in targets}
    accounts = sorted({t.registry.account_id for t in targets})
    try:
        by_account = _tokens(ecr, accounts)
    except Exception as exc:
        if error_code(exc) in ("AccessDeniedException", "AccessDenied") and len(accounts) > 1:
            # One denied registry must not cost the others: ask again one account at a time.
            result: dict[str, Outcome] = {}
            for account in accounts:
                result.update(_fetch(ecr, credentials, identity, region,
                                     [t for t in targets if t.registry.account_id == account]))
            return result
        failure = _reason(exc, identity, credentials, accounts, region)
        return {t.registry.host: failure for t in targets}
    return {t.registry.host: by_account[t.registry.account_id] for t in targets}


def _tokens(ecr: Any, accounts: list[str]) -> dict[str, RegistryToken]:
    response = ecr.get_authorization_token(registryIds=accounts)
    data = response["authorizationData"]
    found = {}
    for entry, account in zip(data, accounts, strict=False):
        endpoint_account = entry.get("proxyEndpoint", "").removeprefix("https://").split(".", 1)[0]
        username, _, password = base64.b64decode(entry["authorizationToken"]).decode().partition(":")
        expires = entry.get("expiresAt")
        found[endpoint_account if endpoint_account in accounts else account] = (
            username, password, local_expiry(response, expires) if expires else None)
    missing = set(accounts) - set(found)
    if missing:
        raise IntegrationError(f"no authorization data returned for {', '.join(sorted(missing))}")
    return found


def _public_token(ecr_public: Any) -> RegistryToken:
    response = ecr_public.get_authorization_token()
    data = response["authorizationData"]
    username, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    expires = data.get("expiresAt")
    return username, password, local_expiry(response, expires) if expires else None


def _reason(exc: BaseException, identity: str | None, creds: Credentials, accounts: list[str],
            region: str, action: str = "ecr:GetAuthorizationToken") -> Failure:
    who = f"identity {identity!r}" if identity else "the ambient AWS credentials"
    where = f"account {creds.account_id}" if creds.account_id else f"key {creds.masked_key}"
    code = error_code(exc)
    if code in ("AccessDeniedException", "AccessDenied"):
        scope = f"registry {', '.join(accounts)} in {region}" if accounts else "ECR Public (public.ecr.aws)"
        return Failure(f"access denied: {who} ({where}) lacks {action} for {scope}")
    if code in REJECTED:
        again = f"run `atmos auth login {identity} --force`" if identity else "renew the ambient credentials"
        return Failure(f"AWS rejected the credentials of {who} ({code}){skew_hint(exc)}: {again}", rejected=True)
    error = translate(exc, identity=identity, step="ecr", action=f"{action} in {region}")
    return Failure(error.message)
