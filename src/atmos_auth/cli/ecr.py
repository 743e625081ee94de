"""`atmos auth ecr-login` and Atmos's `atmos aws ecr login`: Docker login to ECR by integration, by identity,
or by registry URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from atmos_auth.cli import output
from atmos_auth.cli.app import App, pass_app
from atmos_auth.cli.identity_args import identity_option, select_identity
from atmos_auth.cli.login import registry_json, registry_lines
from atmos_auth.cli.picker import SELECT
from atmos_auth.errors import EXIT_ERROR, UsageError

MODES = """give what to log in to:
    atmos auth ecr-login INTEGRATION...            e.g. atmos auth ecr-login dev/ecr
    atmos auth ecr-login --identity IDENTITY       every aws/ecr integration of the identity
    atmos auth ecr-login --registry HOST...        with the ambient AWS credentials (or --identity's)"""


def _ecr_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([
        lambda f: identity_option(f, "Log in to all aws/ecr integrations of this identity (a bare -i: choose "
                                     "on a terminal); with --registry, use its credentials instead of the ambient "
                                     "ones."),
        click.option("-r", "--registry", "registries", multiple=True, metavar="HOST",
                     help="Registry host, repeatable: {account_id}.dkr.ecr.{region}.amazonaws.com (any partition), "
                          "or public.ecr.aws."),
        click.option("--device-flow", is_flag=True, help="Allow a headless device flow if a sign-in is needed."),
        click.option("--force", is_flag=True, help="Fetch new tokens even where config.json still holds a valid one."),
        click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                     show_default=True),
    ]):
        func = option(func)
    return func


@click.command("ecr-login")
@click.argument("integrations", nargs=-1, metavar="[INTEGRATION]...")
@_ecr_options
@pass_app
def ecr_login_command(app: App, integrations: tuple[str, ...], identity_option: str | None, registries: tuple[str, ...],
                      device_flow: bool, force: bool, fmt: str) -> None:
    """Log Docker in to Amazon ECR; credentials go to $DOCKER_CONFIG/config.json (else ~/.docker).

    Integrations with `auto_provision: false` are logged in only this way. One
    GetAuthorizationToken call is made per identity and region, regions in parallel; a token this
    tool wrote earlier is kept while more than 6 of its 12 hours are left (--force fetches anyway).
    Exits 1 if any registry failed. `atmos aws ecr login` is the same command under Atmos's name.

    \b
    Examples:
      atmos auth ecr-login dev/ecr
      atmos auth ecr-login dev/ecr/legacy prod/ecr
      atmos auth ecr-login --identity dev-admin
      atmos auth ecr-login --registry 123456789012.dkr.ecr.us-east-2.amazonaws.com \\
                           --registry 987654321098.dkr.ecr.us-west-2.amazonaws.com
    """
    run_ecr_login(app, integrations, identity_option, registries, device_flow, force, fmt)


@click.command("login")
@click.argument("integrations", nargs=-1, metavar="[INTEGRATION]...")
@_ecr_options
@click.option("--public", is_flag=True, help="Log in to ECR Public (public.ecr.aws), with --identity's credentials "
              "or the ambient ones.")
@pass_app
def aws_ecr_login_command(app: App, integrations: tuple[str, ...], identity_option: str | None,
                          registries: tuple[str, ...],
                          device_flow: bool, force: bool, fmt: str, public: bool) -> None:
    """Log Docker in to Amazon ECR by integration, by identity, or by registry (Atmos's `aws ecr login`).

    The same command as `atmos auth ecr-login`.

    \b
    Examples:
      atmos aws ecr login dev/ecr
      atmos aws ecr login --identity dev-admin
      atmos aws ecr login --identity            # choose the identity on a terminal
      atmos aws ecr login --registry 123456789012.dkr.ecr.us-east-2.amazonaws.com
      atmos aws ecr login --public --identity dev-admin
    """
    if public and integrations:
        raise UsageError("mutually exclusive flags provided: --public cannot be combined with an integration argument")
    if public and registries:
        raise UsageError("mutually exclusive flags provided: --public cannot be combined with --registry")
    if public:
        from atmos_auth.integrations.ecr_hosts import PUBLIC_HOST

        registries = (PUBLIC_HOST,)
    run_ecr_login(app, integrations, identity_option, registries, device_flow, force, fmt)


def run_ecr_login(app: App, integrations: tuple[str, ...], identity: str | None, registries: tuple[str, ...],
                  device_flow: bool, force: bool, fmt: str) -> None:
    from atmos_auth.credentials import utcnow
    from atmos_auth.integrations import ecr_login

    if not (integrations or identity or registries):
        raise UsageError(MODES)
    if integrations and (identity or registries):
        raise UsageError("mutually exclusive flags provided: give integration names, or --identity/--registry, "
                         "not both")
    if identity == SELECT:
        identity = select_identity(app)
    ui = None
    if integrations or identity:
        from atmos_auth.cli.terminal import TerminalInteraction

        ui = TerminalInteraction(device_flow=device_flow)
    if registries:
        results = ecr_login.by_registries(list(registries), app.config if identity else None, identity, ui, force)
    elif identity:
        results = ecr_login.by_identity(app.config, identity, ui, force)
    else:
        results = ecr_login.by_integrations(app.config, list(integrations), ui, force)
    if fmt == "json":
        output.as_json({"registries": [row for ident, r in results for row in registry_json([r], ident)]})
    else:
        registry_lines([r for _, r in results], utcnow())
    if any(not r.ok for _, r in results):
        raise click.exceptions.Exit(EXIT_ERROR)
