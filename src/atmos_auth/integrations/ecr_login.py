"""The three modes of `atmos auth ecr-login`, each resolving every identity chain once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from atmos_auth.aws import ambient_credentials
from atmos_auth.chain import known_identity
from atmos_auth.config.model import AuthConfig
from atmos_auth.config.usable import require
from atmos_auth.credentials import Credentials
from atmos_auth.errors import UsageError
from atmos_auth.integrations import ecr, ecr_public
from atmos_auth.integrations.ecr_hosts import parse_registry
from atmos_auth.integrations.hooks import provision
from atmos_auth.interaction import Interaction

if TYPE_CHECKING:
    from atmos_auth.session import Run

Result = tuple[str | None, ecr.RegistryLogin]


def _as(config: AuthConfig, identity: str, ui: Interaction | None, run: Run) -> list[ecr.RegistryLogin]:
    """Sign in as `identity` and `run` the logins (again with fresh credentials if AWS refuses cached ones)."""
    from atmos_auth.session import context, with_integrations

    return with_integrations(config, identity, context(config, ui), run).registries


def by_integrations(config: AuthConfig, names: list[str], ui: Interaction | None,
                    force: bool = False) -> list[Result]:
    chosen: dict[str, ecr.Config | ecr_public.Config] = {}
    for name in names:
        if ("integrations", name) in config.kinds:
            require(config, ("integrations", name))  # the integration and its identity's chain
        entry = config.integrations.get(name)
        if not isinstance(entry, ecr.Config | ecr_public.Config):
            ecr_names = [n for n, i in config.integrations.items() if isinstance(i, ecr.Config | ecr_public.Config)]
            import difflib

            near = difflib.get_close_matches(name, ecr_names, n=1, cutoff=0.6)
            hint = f' Did you mean "{near[0]}"?' if near else ""
            raise UsageError(f'"{name}" is not an aws/ecr or aws/ecr-public integration in {config.source}.{hint}',
                             remedy=f"ECR integrations: {', '.join(ecr_names) or 'none'}")
        chosen[name] = entry
    by_identity: dict[str, list[str]] = {}
    for name, entry in chosen.items():
        by_identity.setdefault(entry.via.identity or "", []).append(name)  # `require` refused via.provider
    results: list[Result] = []
    for identity, wanted in by_identity.items():
        def run(creds: Credentials, hosts: set[str] | None, i: str = identity,
                w: list[str] = wanted) -> list[ecr.RegistryLogin]:
            return provision(config, i, creds, names=w, auto_only=False, force=force or hosts is not None, hosts=hosts,
                             docker_only=True)

        results += [(identity, r) for r in _as(config, identity, ui, run)]
    order = {name: i for i, name in enumerate(names)}
    return sorted(results, key=lambda item: order.get(item[1].integration or "", 0))


def by_identity(config: AuthConfig, identity: str, ui: Interaction | None, force: bool = False) -> list[Result]:
    identity = known_identity(config, identity)
    if not any(isinstance(i, ecr.Config | ecr_public.Config) for i in config.integrations_of(identity).values()):
        raise UsageError(f"identity {identity!r} has no aws/ecr or aws/ecr-public integrations",
                         remedy="add one under auth.integrations with `via: {identity: " + identity + "}`")
    return [(identity, r) for r in _as(config, identity, ui, lambda creds, hosts: provision(
        config, identity, creds, auto_only=False, force=force or hosts is not None, hosts=hosts, docker_only=True))]


def by_registries(hosts: list[str], config: AuthConfig | None, identity: str | None,
                  ui: Interaction | None, force: bool = False) -> list[Result]:
    targets = [ecr.Target(parse_registry(host)) for host in dict.fromkeys(hosts)]
    if identity and config is not None:
        name = known_identity(config, identity)
        return [(name, r) for r in _as(config, name, ui, lambda creds, hosts: ecr.login(
            creds, [t for t in targets if hosts is None or t.registry.host in hosts], name, force or hosts is not None))]
    creds = ambient_credentials(targets[0].registry.region)
    return [(None, r) for r in ecr.login(creds, targets, None, force)]
