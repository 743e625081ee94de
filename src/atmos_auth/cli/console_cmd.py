"""`atmos auth console`: open the AWS console as an identity."""

from __future__ import annotations

import click

from atmos_auth.cli import output
from atmos_auth.cli.app import App, pass_app
from atmos_auth.cli.identity_args import identity_arguments, pick_identity


@click.command("console")
@identity_arguments
@click.option("--destination", metavar="ALIAS|URL", help="Console page: a service alias (s3, ec2, "
              "cloudformation, …) or a URL (default: the console's home).")
@click.option("--duration", metavar="DURATION", help="Console session length, 15m to 12h (default: the provider's "
              "console.session_duration, else 1h).")
@click.option("--issuer", default="atmos", show_default=True, help="Issuer shown by the AWS console.")
@click.option("--print-only", is_flag=True, help="Print the sign-in URL (a secret: anyone with it is signed in) "
              "instead of opening it.")
@click.option("--no-open", is_flag=True, help="Make the sign-in URL but do not open a browser.")
@click.option("--isolated", is_flag=True, help="Accepted as in Atmos (an isolated browser profile); no effect here.")
@click.option("--device-flow", is_flag=True, help="Allow a headless device flow if a sign-in is needed.")
@pass_app
def console_command(app: App, identity: str | None, identity_option: str | None, destination: str | None,
                    duration: str | None, issuer: str, print_only: bool, no_open: bool, isolated: bool,
                    device_flow: bool) -> None:
    """Sign in to the AWS console as IDENTITY (through AWS's federation endpoint) and open it.

    \b
    Examples:
      atmos auth console dev-admin
      atmos auth console dev-admin --destination s3 --duration 2h
      atmos auth console dev-admin --print-only | pbcopy
    """
    import os
    import sys
    from datetime import timedelta

    from atmos_auth.chain import chain_names
    from atmos_auth.cli.terminal import TerminalInteraction, in_ci
    from atmos_auth.config.model import dig
    from atmos_auth.config.types import parse_duration
    from atmos_auth.console import clamp, console_url, resolve_destination
    from atmos_auth.credentials import utcnow
    from atmos_auth.errors import UsageError
    from atmos_auth.session import context, sign_in
    from atmos_auth.text import time_left

    name = pick_identity(app, identity, identity_option)
    target = resolve_destination(destination)
    root = app.config.providers.get(chain_names(app.config, name)[0])
    wanted = duration or dig(getattr(root, "console", None), "session_duration")
    try:
        seconds = clamp(parse_duration(wanted) if wanted else None)
    except ValueError as exc:
        raise UsageError(f"--duration: {exc}") from None
    asked = seconds if wanted else None  # AWS's own default otherwise (role chains refuse SessionDuration)
    outcome = sign_in(app.config, name, context(app.config, TerminalInteraction(device_flow=device_flow)))
    url = console_url(outcome.auth.credentials, destination_url=target, issuer=issuer, identity=name,
                      seconds=asked)
    now = utcnow()
    length = f"ending {time_left(now + timedelta(seconds=seconds), now)}"
    if print_only:
        output.data(url)
        return
    graphical = sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or
                                                             os.environ.get("WAYLAND_DISPLAY"))
    if not no_open and graphical and not in_ci():  # never a text browser with the secret URL in its arguments
        import webbrowser

        if webbrowser.open(url):
            output.ok(f"Opened the AWS console as {name} ({target}; session {length})")
            return
    output.ok(f"Made a console sign-in for {name} ({target}; session {length}); not opened. "
              "`--print-only` prints the URL (a secret)")
