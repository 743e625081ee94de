"""`atmos auth login` and `atmos auth logout`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from atmos_auth.cli import output
from atmos_auth.cli.app import App, pass_app
from atmos_auth.cli.identity_args import (
    identity_arguments,
    identity_by_tags,
    matching,
    no_match,
    pick_identity,
    split_tags,
)
from atmos_auth.errors import EXIT_ERROR, EXIT_INTEGRATIONS_FAILED, AtmosAuthError, UsageError


def registry_lines(results: list[Any], now: datetime) -> None:
    from atmos_auth.integrations.ecr_hosts import PUBLIC_HOST
    from atmos_auth.text import expiry_phrase

    for r in results:
        what = "ECR Public login" if r.host == PUBLIC_HOST else "EKS kubeconfig" if r.kind == "eks" else "ECR login"
        if r.kind == "eks" and r.ok:
            if not r.reused:  # as Atmos: said only when the file changed
                output.ok(f"{what}: {r.host} → {r.store}")
        elif r.ok:
            via = f", stored with {r.store}" if r.store and r.store != "config.json" else ""
            output.ok(f"{what}: {r.host} ({expiry_phrase(r.expires_at, now)}){via}")
            if r.note:
                output.status(f"  note: {r.note}")
        else:
            output.failed(f"{what}: {r.host}: {r.error}")


def registry_json(results: list[Any], identity: str | None) -> list[dict[str, Any]]:
    return [{"host": r.host, "integration": r.integration, "identity": identity, "ok": r.ok,
             "expires_at": r.expires_at.isoformat() if r.expires_at else None, "store": r.store,
             "reused": r.reused, "error": r.error} for r in results]


@click.command("login")
@identity_arguments
@click.option("--force", is_flag=True, help="Ignore cached credentials and authenticate every step again.")
@click.option("--device-flow", is_flag=True, help="Without a terminal: print the device code and URL, then wait "
              "for approval from another device (also ATMOS_DEVICE_FLOW=1).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser for the device code.")
@click.option("--no-integrations", is_flag=True, help="Skip auto_provision integrations (ECR logins).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--tags", metavar="A,B", help="Choose the identity by its tags (any of them; several matches: "
              "choose on a terminal).")
@click.option("-p", "--provider", metavar="NAME", help="Sign in to this provider only (e.g. the SSO session), as "
              "Atmos does; also what login does when no identity is defined.")
@click.option("--webflow", is_flag=True, help="Atmos's browser sign-in for an aws/user identity (checked as Atmos "
              "does; the browser flow itself is not available here yet).")
@pass_app
def login_command(app: App, identity: str | None, identity_option: str | None, force: bool, device_flow: bool,
                  no_browser: bool, no_integrations: bool, fmt: str, tags: str | None, provider: str | None,
                  webflow: bool) -> None:
    """Sign in as IDENTITY, write its AWS profile, and run its auto_provision integrations.

    Reuses cached credentials while they have more than 15 minutes left. Every `aws/ecr`
    integration linked to the identity (unless `auto_provision: false`) logs Docker in to its
    registry. Exit code 3 means the identity signed in but an integration failed.

    \b
    Examples:
      atmos auth login dev-admin
      atmos auth login --identity prod-deployer --force
      ATMOS_DEVICE_FLOW=1 atmos auth login dev-admin    # headless: approve on another device
    """
    from atmos_auth.cli.terminal import TerminalInteraction
    from atmos_auth.credentials import utcnow
    from atmos_auth.session import context, credentialless, login
    from atmos_auth.stores.aws_files import profile_of
    from atmos_auth.text import time_left

    ctx = context(app.config, TerminalInteraction(device_flow=device_flow, no_browser=no_browser), force)
    named = identity or identity_option or tags or app.environ.get("ATMOS_IDENTITY")
    if provider or (not named and not app.config.identities and app.config.providers):
        if webflow:
            raise AtmosAuthError(f"{WEBFLOW}: " + ("cannot be used with --provider" if provider
                                                   else "no identity was resolved"))
        _provider_login(app, provider, ctx, fmt)
        return
    name = identity_by_tags(app, tags) if tags and not (identity or identity_option) else \
        pick_identity(app, identity, identity_option)
    if webflow:
        _webflow(app, name)
    if credentialless(app.config, name):
        _nothing_to_sign_in(app, name, fmt)
        return
    outcome = login(app.config, name, ctx, integrations=not no_integrations)
    creds, now = outcome.auth.credentials, utcnow()
    if fmt == "json":
        output.as_json({"identity": name, "chain": outcome.auth.chain, "account": creds.account_id,
                        "principal": creds.principal, "region": outcome.region,
                        "expires_at": creds.expires_at.isoformat() if creds.expires_at else None,
                        "from_cache": outcome.auth.steps_run == 0, "profile": name,
                        "credentials_file": str(outcome.files.credentials),
                        "registries": registry_json(outcome.registries, name)})
    else:
        cached = " (cached)" if outcome.auth.steps_run == 0 else ""
        output.ok(f"Authenticated {name}{cached}")
        rows = [("Chain", " → ".join(outcome.auth.chain)), ("Account", creds.account_id or "-"),
                ("Role", creds.principal or "-"), ("Region", outcome.region),
                ("Expires", f"{creds.expires_at:%Y-%m-%d %H:%M} UTC ({time_left(creds.expires_at, now)})"
                 if creds.expires_at else "never"),
                ("Profile", f"{profile_of(name)} in {outcome.files.credentials}")]
        for label, value in rows:
            output.status(f"    {label:<8} {value}")
        registry_lines(outcome.registries, now)
    if any(not r.ok for r in outcome.registries):
        raise click.exceptions.Exit(EXIT_INTEGRATIONS_FAILED)


def _nothing_to_sign_in(app: App, name: str, fmt: str) -> None:
    """Generic `ambient`: as Atmos, a login that succeeds with no credentials; no integration can run."""
    if fmt == "json":
        output.as_json({"identity": name, "chain": [name], "kind": "ambient", "account": None, "principal": None,
                        "expires_at": None, "from_cache": False, "registries": []})
        return
    output.ok(f"Authenticated {name}")
    output.status("    Kind     ambient: the environment is passed through as it is (no credentials of its own)")
    if app.config.integrations_of(name):
        output.status("    Skipped  its integrations (they need credentials: use an aws/ambient identity)")


WEBFLOW = "--webflow requires an aws/user identity"


def _webflow(app: App, name: str) -> None:
    """Atmos's checks of `--webflow`, then why it cannot go on here."""
    kind = app.config.identities[name].kind
    if kind != "aws/user":
        raise AtmosAuthError(f"{WEBFLOW}: identity {name!r} has kind {kind!r}")
    raise AtmosAuthError(f"identity {name!r}: the browser sign-in of --webflow is not available in atmos-auth yet",
                         remedy=f"store the user's access keys with `atmos auth user configure {name}`, then "
                                "log in without --webflow")


def _provider_login(app: App, provider: str | None, ctx: Any, fmt: str) -> None:
    """Sign in to a provider (given, the only one, or chosen on a terminal), as Atmos's `login --provider`."""
    from atmos_auth.cli.picker import choose
    from atmos_auth.cli.terminal import on_terminal
    from atmos_auth.credentials import utcnow
    from atmos_auth.session import sign_in_provider
    from atmos_auth.text import time_left

    if provider is None:
        names = list(app.config.providers)
        if len(names) > 1 and not on_terminal():
            raise UsageError("no identities are defined and there are several providers",
                             remedy=f"choose one with --provider: {', '.join(names)}")
        provider = names[0] if len(names) == 1 else choose(names, "no identities are defined", noun="provider")
    token, provisioned = sign_in_provider(app.config, provider, ctx)
    expires = getattr(token, "expires_at", None)
    if fmt == "json":
        output.as_json({"provider": provider, "kind": app.config.providers[provider].kind,
                        "expires_at": expires.isoformat() if expires else None, "provisioned": provisioned})
        return
    output.ok(f"Authenticated provider {provider}" + (f" (expires {time_left(expires, utcnow())})"
                                                      if expires else ""))
    if provisioned:
        output.ok(f"Provisioned {provisioned} identities (`atmos auth list` shows them)")


def _confirm_keychain() -> None:
    """Access keys are not a cache: removing them is asked for, as Atmos does (--force in scripts)."""
    from atmos_auth.cli.terminal import on_terminal
    from atmos_auth.errors import AtmosAuthError

    if not on_terminal():
        raise AtmosAuthError("--keychain removes stored access keys and needs confirmation; no terminal to ask on",
                             remedy="add --force to remove them without asking")
    if not click.confirm("Remove the stored access keys too (you will need to enter them again)?", err=True):
        raise AtmosAuthError("logout cancelled; nothing was removed")


@click.command("logout")
@identity_arguments
@click.option("--provider", "provider", metavar="NAME", help="Log out every identity of this provider, and its SSO session.")
@click.option("--all", "everything", is_flag=True, help="Log out every identity and provider.")
@click.option("--dry-run", is_flag=True, help="Only show what would be removed.")
@click.option("--tags", metavar="A,B", help="Log out the providers with any of these tags.")
@click.option("--all-realms", is_flag=True, help="Also remove the AWS files of every realm (every project).")
@click.option("--keychain", is_flag=True, help="Also remove aws/user access keys from the credential store "
              "(asks first; --force without a terminal).")
@click.option("--force", is_flag=True, help="Do not ask before removing access keys (--keychain).")
@pass_app
def logout_command(app: App, identity: str | None, identity_option: str | None, provider: str | None,
                   everything: bool, dry_run: bool, tags: str | None, all_realms: bool, keychain: bool,
                   force: bool) -> None:
    """Remove what this tool stored: cached credentials, AWS profile sections, SSO sessions, Docker logins.

    Docker entries are removed only while they still hold the token this tool wrote; anything you
    changed or added yourself stays.

    \b
    Examples:
      atmos auth logout dev-admin
      atmos auth logout --provider company-sso
      atmos auth logout --all --dry-run
    """
    from atmos_auth.logout import logout

    chosen = [x for x in (identity or identity_option, provider, everything or None, tags) if x]
    if len(chosen) > 1:
        raise UsageError("give one of IDENTITY, --provider, --tags or --all")
    everything = everything or all_realms
    if keychain and not dry_run and not force:
        _confirm_keychain()
    config = app.config
    if provider and provider not in config.providers:
        raise UsageError(f"provider {provider!r} is not defined (providers: {', '.join(config.providers) or 'none'})")
    providers: list[str | None] = [provider] if provider else []
    if tags:  # as Atmos: the providers with any of these tags
        providers = [*matching(config.providers, split_tags(tags))]
        if not providers:
            raise no_match("providers", config.providers, split_tags(tags))
    name = None if (providers or everything) else pick_identity(app, identity, identity_option)
    from atmos_auth.logout import LogoutReport

    report = LogoutReport()
    for each in providers or [None]:
        part = logout(config, identity=name, provider=each, dry_run=dry_run, keychain=keychain)
        report.removed += part.removed
        report.failed += part.failed
    if all_realms:
        from atmos_auth.logout import all_realms as every_realm

        report.removed += [f"AWS file {path}" for path in every_realm(dry_run=dry_run)]
    provider = ", ".join(p for p in providers if p) or None
    verb = "Would remove" if dry_run else "Removed"
    if not report.removed and not report.failed:
        output.ok("Nothing to remove.")
    for line in report.removed:
        output.status(f"  {verb}: {line}")
    for line in report.failed:
        output.failed(f"Not removed: {line}")
    if report.failed:
        raise click.exceptions.Exit(EXIT_ERROR)
    if not dry_run:
        output.ok(f"Logged out {name or provider or 'everything'}.")
