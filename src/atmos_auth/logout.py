"""Logout: remove exactly what this tool stored for an identity, a provider, or everything."""

from __future__ import annotations

from dataclasses import dataclass, field

from atmos_auth.cache import CachedStep
from atmos_auth.chain import chain_names
from atmos_auth.config.model import AuthConfig
from atmos_auth.docker_config import CREDENTIALS
from atmos_auth.errors import AtmosAuthError
from atmos_auth.integrations import eks
from atmos_auth.integrations.hooks import cleanup
from atmos_auth.provisioning import forget as forget_provisioned
from atmos_auth.provisioning import provisioned_file
from atmos_auth.session import aws_files, context, legacy_aws_files, private_folders
from atmos_auth.steps import build_steps
from atmos_auth.stores.aws_files import profile_of
from atmos_auth.stores.credential_store import atmos_key
from atmos_auth.stores.files import sweep_folder


@dataclass
class LogoutReport:
    """A line per thing removed (or that would be), and per thing that could not be (kept for later)."""

    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def logout(config: AuthConfig, *, identity: str | None = None, provider: str | None = None,
           dry_run: bool = False, keychain: bool = False) -> LogoutReport:
    if identity:
        identities, providers = [identity], []
    else:
        identities = [n for n in config.identities if provider is None or chain_names(config, n)[0] == provider]
        providers = [provider] if provider else list(config.providers)
    ctx = context(config)
    result = LogoutReport()
    report = result.removed
    for name in identities:
        steps = build_steps(config, name, ctx)
        # An identity logout drops its own cached credentials; a wider one drops every step it covers.
        for step in steps if not identity else steps[-1:]:
            if step.name in config.identities and isinstance(step, CachedStep):
                if step.stored():
                    report.append(f"cached credentials of {step.name}")
                if not dry_run:
                    step.forget()  # also removes copies a killed writer left behind
        if keychain and config.identities[name].kind == "aws/user":  # the long-lived keys themselves
            from atmos_auth.identities.user import forget_keys, has_keys

            if has_keys(ctx, name):
                report.append(f"access keys of {name} in the credential store (keychain)")
                if not dry_run:
                    forget_keys(ctx, name)
        for integration in config.integrations_of(name).values():
            if isinstance(integration, eks.Config):  # the kubeconfig entries its login wrote
                shown = integration.spec.cluster.alias or integration.spec.cluster.name
                try:
                    path, found = eks.remove(integration, dry_run=dry_run)
                except AtmosAuthError as exc:  # a damaged kubeconfig must not keep the AWS files
                    result.failed.append(f"kubeconfig entries of {shown}: {exc.message}")
                    continue
                if found:
                    report.append(f"kubeconfig entries of {shown} in {path}")
        for files in (aws_files(config, name), legacy_aws_files(config, name)):
            if files.has(name):
                report.append(f"profile [{profile_of(name)}] in {files.credentials} and {files.config}")
                if not dry_run:
                    files.remove(name)
    everything = identity is None and provider is None
    removed, failed = cleanup(None if everything else set(identities), dry_run=dry_run)
    for login, what in removed:
        report.append(f"Docker login {login.host} in {login.config} ({login.store})" if what == CREDENTIALS else
                      f'credHelpers["{login.host}"] in {login.config}, which this tool added (the secret was '
                      "already gone)")
    result.failed += [f"Docker login {login.host} in {login.config} ({login.store}): {why}; kept on record "
                      "for the next logout" for login, why in failed]
    from atmos_auth.providers import sso

    for name in providers:
        entry = config.providers[name]
        if isinstance(entry, sso.Config):
            portal = sso.SsoProvider(name, entry, ctx.ui)
            if portal.cache.path.exists():
                report.append(f"SSO session of {name} ({entry.start_url}; also signed out at the portal)")
            if not dry_run:
                portal.logout()
            for key in dict.fromkeys([atmos_key(name, config.realm), atmos_key(name)]):
                if ctx.store.has(key):  # Atmos keeps the SSO token there too, and would reuse the revoked one
                    report.append(f"the SSO token Atmos keeps for {name} in the credential store ({key})")
                    if not dry_run:
                        ctx.store.delete(key)
        provisioned = provisioned_file(name)
        if provisioned.exists():  # as Atmos: a provider's logout drops what it provisioned
            report.append(f"identities provisioned by {name} ({provisioned})")
            if not dry_run:
                forget_provisioned(name)
    if everything and not dry_run:  # temp copies that killed writers left anywhere (they may hold secrets)
        for folder in private_folders(config):
            sweep_folder(folder)
    return result



def all_realms(*, dry_run: bool = False) -> list[str]:
    """`logout --all-realms`: the AWS files of every realm (every project) and of versions before realms,
    each file under its lock; temp copies too. Returns what was (or would be) removed."""
    from atmos_auth.stores import paths
    from atmos_auth.stores.files import locked, remove_file

    base = paths.config_dir()
    folders = [base / "aws"] if (base / "aws").is_dir() else []
    folders += [realm / "aws" for realm in sorted(base.iterdir()) if (realm / "aws").is_dir()] if base.is_dir() else []
    removed = []
    for folder in folders:
        for provider in sorted(p for p in folder.iterdir() if p.is_dir()):
            for path in (provider / "credentials", provider / "config"):
                if path.is_file():
                    removed.append(str(path))
                    if not dry_run:
                        with locked(path):
                            remove_file(path)
            if not dry_run:
                sweep_folder(provider)
    return removed
