"""`atmos auth whoami` and `atmos auth env`: what the current session is, and how to point tools at it."""

from __future__ import annotations

import os
from typing import Any

import click

from atmos_auth.cli import output
from atmos_auth.cli.app import App, pass_app
from atmos_auth.cli.identity_args import identity_arguments, pick_identity
from atmos_auth.errors import UsageError


@click.command("whoami")
@identity_arguments
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", "output_format", type=click.Choice(["", "json"]), envvar="ATMOS_AUTH_WHOAMI_OUTPUT",
              help="json: the same as --format json, as Atmos names it (also $ATMOS_AUTH_WHOAMI_OUTPUT).")
@pass_app
def whoami_command(app: App, identity: str | None, identity_option: str | None, fmt: str,
                   output_format: str | None) -> None:
    """Show who IDENTITY's cached credentials are (sts:GetCallerIdentity) and the ECR logins written for it.

    Never signs in and never runs an integration. The JSON carries Atmos's fields (realm, provider,
    identity, principal, account, region, expiration, environment, paths, credentials_ref,
    last_updated) and this tool's (arn, user_id, expires_at, ecr_logins); never a secret.

    \b
    Examples:
      atmos auth whoami dev-admin
      atmos auth whoami -o json | jq .principal
    """
    from datetime import datetime

    from atmos_auth.credentials import utcnow
    from atmos_auth.session import credentialless, whoami, whoami_facts
    from atmos_auth.text import expires_in, time_left

    name = pick_identity(app, identity, identity_option)
    if credentialless(app.config, name):
        _pass_through(app, name, "json" if "json" in (fmt, output_format) else "table")
        return
    me = whoami(app.config, name)
    creds, now = me.credentials, utcnow()
    facts = whoami_facts(app.config, me, app.environ)
    if fmt == "json" or output_format == "json":
        output.as_json({**facts, "arn": me.arn, "user_id": me.user_id,
                        "expires_at": creds.expires_at.isoformat() if creds.expires_at else None,
                        "ecr_logins": [{"host": e.host, "integration": e.integration, "store": e.store,
                                        "docker_config": e.config, "expires_at": e.expires_at}
                                       for e in me.ecr_logins]})
        return
    output.ok(f"Logged in as {me.identity}")
    for label, value in (("Realm", f"{facts['realm'] or 'none'} ({facts['realm_source']})"), ("Provider", facts["provider"]),
                         ("Identity", me.identity), ("Principal", me.arn), ("Account", me.account),
                         ("Region", creds.region or "-"), ("Expires", time_left(creds.expires_at, now))):
        output.status(f"    {label:<9} {value}")
    for e in me.ecr_logins:
        left = expires_in(datetime.fromisoformat(e.expires_at), now) if e.expires_at else "unknown"
        output.status(f"    ECR       {e.host} ({'expired' if left == 'expired' else 'valid for ' + left})")


def _pass_through(app: App, name: str, fmt: str) -> None:
    """Generic `ambient`, as Atmos's whoami shows it: who it is, no principal (nothing was minted)."""
    from atmos_auth.config.realm import source
    from atmos_auth.session import environment

    facts: dict[str, Any] = {"realm": app.config.realm, "realm_source": source(app.environ), "provider": "ambient",
             "identity": name, "principal": None, "account": None, "region": None, "expiration": None,
             "environment": environment(app.config, name), "paths": []}
    if fmt == "json":
        output.as_json(facts)
        return
    output.ok(f"Logged in as {name}")
    for label, value in (("Realm", f"{facts['realm'] or 'none'} ({facts['realm_source']})"), ("Provider", "ambient"),
                         ("Identity", name), ("Principal", "- (the environment's own credentials, if any)")):
        output.status(f"    {label:<9} {value}")


@click.command("env")
@identity_arguments
@click.option("-f", "--format", "fmt", type=click.Choice(["bash", "dotenv", "env", "json", "github"]),
              default="bash", show_default=True, envvar="ATMOS_AUTH_ENV_FORMAT",
              help="bash: export K='v'; dotenv: K='v'; env: K=v (unquoted); json; github: for $GITHUB_ENV "
                   "(also $ATMOS_AUTH_ENV_FORMAT).")
@click.option("-o", "--output-file", metavar="FILE", envvar="ATMOS_AUTH_ENV_OUTPUT_FILE",
              help="Append to FILE (created 0600) instead of printing; github defaults to $GITHUB_ENV "
                   "(also $ATMOS_AUTH_ENV_OUTPUT_FILE).")
@click.option("--login", is_flag=True, help="Sign in first when the cache holds no valid credentials.")
@click.option("--device-flow", is_flag=True, help="With --login: allow a headless device flow.")
@pass_app
def env_command(app: App, identity: str | None, identity_option: str | None, fmt: str, output_file: str | None,
                login: bool, device_flow: bool) -> None:
    """Print the variables that point AWS tools (and Docker) at IDENTITY's profile, and the identity's own
    `env:`. No secrets. Keys are sorted.

    \b
    Examples:
      eval "$(atmos auth env dev-admin)"
      atmos auth env dev-admin --format dotenv -o .env
      atmos auth env ci-deployer --format github --login     # in a GitHub Actions step
    """
    from atmos_auth import env_format
    from atmos_auth.session import credentialless, environment

    name = pick_identity(app, identity, identity_option)
    if login and not credentialless(app.config, name):
        from atmos_auth.cli.terminal import TerminalInteraction
        from atmos_auth.session import context, sign_in

        sign_in(app.config, name, context(app.config, TerminalInteraction(device_flow=device_flow)))
    env = environment(app.config, name)
    if fmt == "github" and not output_file:
        output_file = os.environ.get("GITHUB_ENV")
        if not output_file:
            raise UsageError("--format github needs $GITHUB_ENV (it is set inside GitHub Actions) or -o FILE")
    text = env_format.render(env, fmt)
    if output_file:
        env_format.append(output_file, text)
        output.ok(f"Appended {len(env)} variables to {output_file}")
        return
    output.data(text.rstrip("\n"))


