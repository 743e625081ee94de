"""`atmos auth user configure`: keep an aws/user identity's access keys in the credential store."""

from __future__ import annotations

import click

from atmos_auth.cli import output
from atmos_auth.cli.app import App, pass_app
from atmos_auth.cli.identity_args import identity_arguments, pick_identity
from atmos_auth.errors import InteractionRequired, UsageError


@click.group("user")
def user_group() -> None:
    """Manage aws/user identities' long-lived keys."""


@user_group.command("configure")
@identity_arguments
@pass_app
def configure_command(app: App, identity: str | None, identity_option: str | None) -> None:
    """Prompt (hidden) for IDENTITY's access key id, secret and optional MFA ARN; store them in the keyring.

    \b
    Example:
      atmos auth user configure ci-user
    """
    import sys

    from atmos_auth.cli.terminal import TerminalInteraction
    from atmos_auth.identities.user import Config as UserConfig
    from atmos_auth.identities.user import keep_keys
    from atmos_auth.session import context

    name = pick_identity(app, identity, identity_option)
    entry = app.config.identities[name]
    if not isinstance(entry, UserConfig):
        raise UsageError(f"identity {name!r} is {entry.kind}; only aws/user identities have keys to configure")
    if entry.credentials.access_key_id and entry.credentials.secret_access_key:
        output.ok(f"The keys of {name} come from atmos.yaml; nothing to store.")
        return
    if not sys.stdin.isatty():
        raise InteractionRequired("`user configure` prompts for secrets and needs a terminal")
    key_id = click.prompt("AWS access key ID", hide_input=True, err=True).strip()
    secret = click.prompt("AWS secret access key", hide_input=True, err=True).strip()
    mfa = click.prompt("MFA device ARN (optional)", default="", show_default=False, err=True).strip()
    ctx = context(app.config, TerminalInteraction())
    keep_keys(ctx, name, {"access_key_id": key_id, "secret_access_key": secret, "mfa_arn": mfa})
    output.ok(f"Saved credentials to keyring: {name} ({ctx.store.kind} credential store, shared with Atmos)")
