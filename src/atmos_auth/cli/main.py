"""`atmos` and its `auth` group; errors become exit codes here and nowhere else."""

from __future__ import annotations

import sys

import click

from atmos_auth import __version__
from atmos_auth.cli.app import App
from atmos_auth.errors import EXIT_ERROR, EXIT_INTERRUPTED, AtmosAuthError
from atmos_auth.logs import log


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


class _LazyGroup(_Group):
    """A group whose commands (cli/commands.py LAZY) are imported when one runs; `--help` lists them from
    the table."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from atmos_auth.cli.commands import LAZY

        return [*self.commands, *(n for n in LAZY.get(str(self.name), {}) if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from atmos_auth.cli.commands import load

        if cmd_name not in self.commands and (command := load(str(self.name), cmd_name)) is not None:
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from atmos_auth.cli.commands import placeholder

        shown = {n: self.commands.get(n) or placeholder(str(self.name), n) for n in self.list_commands(ctx)}
        rows = [(n, c) for n, c in shown.items() if not c.hidden]
        if rows:
            limit = formatter.width - 6 - max(len(n) for n, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in rows])


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_files", metavar="FILE", multiple=True,
              help="atmos.yaml to use; repeat or comma-separate to merge several (also $ATMOS_CONFIG). "
                   "Default: Atmos's discovery (docs/configuration.md).")
@click.option("--config-path", "config_dirs", metavar="DIR", multiple=True,
              help="Folder holding atmos.yaml or .atmos.yaml; repeatable (also $ATMOS_CONFIG_PATH).")
@click.option("--base-path", metavar="DIR", help="Where `import:` paths start (also $ATMOS_BASE_PATH).")
@click.option("--profile", "profiles", metavar="NAME", multiple=True,
              help="Merge profiles/NAME/ over the configuration; repeat or comma-separate (also $ATMOS_PROFILE).")
@click.option("-C", "--chdir", metavar="DIR", help="Work in DIR, as if started there.")
@click.option("--logs-level", metavar="LEVEL", help="Trace, Debug, Info, Warning, Error or Off "
              "(default: logs.level in atmos.yaml, $ATMOS_LOGS_LEVEL, Warning).")
@click.option("--logs-file", metavar="FILE", help="Where logs go: /dev/stderr (default), /dev/stdout, /dev/null, "
              "or a file (appended to).")
@click.option("--no-color", is_flag=True, help="No colours (also $NO_COLOR).")
@click.option("--force-color", is_flag=True, help="Colours even without a terminal.")
@click.option("--force-tty", is_flag=True, envvar="ATMOS_FORCE_TTY", help="Behave as on a terminal "
              "(prompts, the device code box).")
@click.version_option(__version__, prog_name="atmos-auth")
@click.pass_context
def cli(ctx: click.Context, config_files: tuple[str, ...], config_dirs: tuple[str, ...], base_path: str | None,
        profiles: tuple[str, ...], chdir: str | None, logs_level: str | None, logs_file: str | None, no_color: bool, force_color: bool,
        force_tty: bool) -> None:
    """Atmos-compatible authentication: AWS sign-in chains and ECR docker login.

    Global flags work before or after any command (`atmos auth validate --config atmos.yaml`).

    \b
    Examples:
      atmos auth validate
      atmos auth login dev-admin
      atmos auth ecr-login dev/ecr
    """
    import os

    from atmos_auth import logs
    from atmos_auth.cli.terminal import TerminalInteraction
    from atmos_auth.config import snapshot

    try:
        snapshot.begin(os.getcwd())
    except OSError:  # the folder we were started in is gone
        snapshot.begin("")
    if chdir:
        try:
            os.chdir(chdir)
        except OSError as exc:
            raise click.UsageError(f"--chdir {chdir}: {exc.strerror}") from None
    if no_color or os.environ.get("NO_COLOR"):
        ctx.color = False
    elif force_color:
        ctx.color = True
    TerminalInteraction.force_tty = force_tty
    flags = logs.LogSettings(logs_level, logs_file)
    # each flag, else its variable, split on commas only, as Atmos does (click's envvar would split on spaces)
    config_files = config_files or tuple(filter(None, [os.environ.get("ATMOS_CONFIG", "")]))
    config_dirs = config_dirs or tuple(filter(None, [os.environ.get("ATMOS_CONFIG_PATH", "")]))
    app = App(config_files=_split(config_files), config_dirs=_split(config_dirs), profiles=profiles,
              base_path=base_path, log_flags=flags)
    snapshot.expect(app.request)  # before any model is built: they may then be read back without pydantic
    try:
        logs.configure(flags, app.log_environment)
    except AtmosAuthError as error:
        _fail(error.message, error.remedy)
        ctx.exit(error.exit_code)
    ctx.obj = app


def _split(values: tuple[str, ...]) -> list[str]:
    """Repeated and comma-separated values, as Atmos's string-slice flags take them."""
    return [v for item in values for v in (item.split(",") if item else [""]) if v or not item]


@cli.group(cls=_LazyGroup)
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


@cli.group("aws", cls=_Group)
def aws_group() -> None:
    """AWS commands of Atmos that this tool implements: `atmos aws ecr login`, `atmos aws eks token`,
    `atmos aws eks update-kubeconfig`."""


@aws_group.group("eks", cls=_LazyGroup)
def eks_group() -> None:
    """Amazon EKS: the kubeconfig exec plugin's token, and kubeconfig entries."""


@aws_group.group("ecr", cls=_LazyGroup)
def ecr_group() -> None:
    """Amazon ECR: Docker login by integration, identity or registry.

    \b
    Examples:
      atmos aws ecr login dev/ecr
      atmos aws ecr login --identity dev-admin
    """


@cli.command("version")
def version_command() -> None:
    """Print this tool's version."""
    click.echo(f"atmos-auth {__version__}")


def main() -> None:
    from atmos_auth.cli.global_flags import normalize

    try:
        code = cli.main(args=normalize(sys.argv[1:]), prog_name="atmos", standalone_mode=False)
    except KeyboardInterrupt:  # raised outside a command (e.g. while parsing)
        sys.exit(EXIT_INTERRUPTED)
    except click.UsageError as error:  # an unknown command, option or value: exit 1, as Atmos (cobra) does
        error.show()
        sys.exit(EXIT_ERROR)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)
