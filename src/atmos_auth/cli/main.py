"""`atmos` and its `auth` group; errors become exit codes here and nowhere else."""

from __future__ import annotations

import logging
import sys

import click

from atmos_auth import __version__
from atmos_auth.cli.app import App
from atmos_auth.errors import EXIT_ERROR, EXIT_INTERRUPTED, AtmosAuthError

log = logging.getLogger("atmos_auth")


def _fail(message: str, remedy: str | None = None) -> None:
    click.echo(f"{click.style('Error:', fg='red', bold=True)} {message}", err=True)
    if remedy:
        click.echo(f"  → {remedy}", err=True)


class _Group(click.Group):
    """Maps the library's error tree to messages and exit codes, once, for every command."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except AtmosAuthError as error:
            _fail(error.message, error.remedy)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("\nInterrupted.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except OSError as error:  # a file or device we did not expect to fail; never a traceback
            log.debug("unexpected OSError", exc_info=True)
            where = f": {error.filename}" if error.filename else ""
            _fail(f"{error.strerror or error}{where}")
            ctx.exit(EXIT_ERROR)
        except Exception as error:  # a bug of ours: say so plainly, keep the traceback for the log file
            log.debug("internal error", exc_info=True)
            _fail(f"internal error: {type(error).__name__}: {error}",
                  "please report it; ATMOS_LOGS_LEVEL=Debug ATMOS_LOGS_FILE=atmos.log keeps the details")
            ctx.exit(EXIT_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar="FILE", envvar=None,
              help="atmos.yaml to use (default: $ATMOS_CLI_CONFIG_PATH/atmos.yaml, ./atmos.yaml, ~/.atmos/atmos.yaml).")
@click.option("--logs-level", metavar="LEVEL", help="Trace, Debug, Info, Warning, Error or Off "
              "(default: logs.level in atmos.yaml, $ATMOS_LOGS_LEVEL, Warning).")
@click.option("--logs-file", metavar="FILE", help="Where logs go: /dev/stderr (default), /dev/stdout, /dev/null, "
              "or a file (appended to).")
@click.version_option(__version__, prog_name="atmos-auth")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, logs_level: str | None, logs_file: str | None) -> None:
    """Atmos-compatible authentication: AWS sign-in chains and ECR docker login.

    \b
    Examples:
      atmos auth validate
      atmos auth login dev-admin
      atmos auth ecr-login dev/ecr
    """
    from atmos_auth import logs

    flags = logs.LogSettings(logs_level, logs_file)
    app = App(config_path=config_path, log_flags=flags)
    try:
        logs.configure(flags, app.log_environment)
    except AtmosAuthError as error:
        _fail(error.message, error.remedy)
        ctx.exit(error.exit_code)
    ctx.obj = app


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


def main() -> None:
    try:
        cli(prog_name="atmos")
    except KeyboardInterrupt:  # raised outside a command (e.g. while parsing)
        sys.exit(EXIT_INTERRUPTED)
