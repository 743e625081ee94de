"""Every `atmos auth` subcommand, in the order `--help` shows them."""

from atmos_auth.cli.inspect import list_command, validate_command

ALL = [validate_command, list_command]
