"""`atmos` and its `auth` group; errors become exit codes here and nowhere else."""

from __future__ import annotations

import sys

import click

from atmos_auth import __version__
from atmos_auth.cli.app import App
from atmos_auth.errors import EXIT_INTERRUPTED, AtmosAuthError


class _Group(click.Group):
    """Maps the library's error tree to messages and exit codes, once, for every command."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except AtmosAuthError as error:
            click.echo(f"{click.style('Error:', fg='red', bold=True)} {error.message}", err=True)
            if error.remedy:
                click.echo(f"  → {error.remedy}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("\nInterrupted.", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar="FILE", envvar=None,
              help="atmos.yaml to use (default: $ATMOS_CLI_CONFIG_PATH/atmos.yaml, ./atmos.yaml, ~/.atmos/atmos.yaml).")
@click.version_option(__version__, prog_name="atmos-auth")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """Atmos-compatible authentication: AWS sign-in chains and ECR docker login.

    \b
    Examples:
      atmos auth validate
      atmos auth login dev-admin
      atmos auth ecr-login dev/ecr
    """
    ctx.obj = App(config_path=config_path)


@cli.group(cls=_Group)
def auth() -> None:
    """Sign in to AWS identities and log Docker in to ECR, as configured under `auth:` in atmos.yaml.

    \b
    Examples:
      atmos auth list                      # providers, identities, integrations
      atmos auth login dev-admin           # sign in; runs auto_provision integrations (ECR)
      atmos auth ecr-login dev/ecr         # docker login to one integration's registry
      atmos auth ecr-login --identity dev-admin
      atmos auth ecr-login --registry 123456789012.dkr.ecr.us-east-2.amazonaws.com
      atmos auth exec dev-admin -- aws sts get-caller-identity
    """


def _register() -> None:
    from atmos_auth.cli import commands

    for command in commands.ALL:
        auth.add_command(command)


_register()


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    click.echo(f"{click.style('warning:', fg='yellow')} {message}", err=True)


def main() -> None:
    import warnings

    warnings.showwarning = _show_warning
    try:
        cli(prog_name="atmos")
    except KeyboardInterrupt:  # raised outside a command (e.g. while parsing)
        sys.exit(EXIT_INTERRUPTED)
