"""Every `atmos auth` subcommand, in the order `--help` shows them."""

from atmos_auth.cli.console_cmd import console_command
from atmos_auth.cli.ecr import ecr_login_command
from atmos_auth.cli.inspect import list_command, validate_command
from atmos_auth.cli.inspect_session import env_command, whoami_command
from atmos_auth.cli.login import login_command, logout_command
from atmos_auth.cli.run import credential_process_command, exec_command, shell_command
from atmos_auth.cli.user import user_group

ALL = [login_command, ecr_login_command, whoami_command, env_command, exec_command, shell_command, console_command,
       credential_process_command, logout_command, list_command, validate_command, user_group]
