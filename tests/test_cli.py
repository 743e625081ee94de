"""The CLI as a whole: help texts, start-up imports, usage errors."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tests.conftest import EXAMPLES, run_atmos, use_config

COMMANDS = ["login", "ecr-login", "whoami", "env", "exec", "shell", "logout", "list", "validate"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself_with_an_example(command) -> None:
    result = run_atmos("auth", command, "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout and f"atmos auth {command}" in result.stdout


@pytest.mark.parametrize("args", [["--help"], ["auth", "--help"], ["auth", "validate"], ["auth", "list"],
                                  ["auth", "env", "dev-admin"]])
def test_commands_without_aws_calls_do_not_import_boto3(args) -> None:
    use_config("quick-start")
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "atmos_auth", *args], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert not {"boto3", "botocore"} & imported


def test_unknown_identity_suggests_the_near_one() -> None:
    use_config("quick-start")
    result = run_atmos("auth", "whoami", "dev-admn")
    assert result.returncode == 2 and 'Did you mean "dev-admin"' in result.stderr


def test_list_formats() -> None:
    table = run_atmos("--config", str(EXAMPLES / "all.yaml"), "auth", "list", "--format", "table")
    assert "platform/ecr/eu-west" in table.stdout and "333333333333.dkr.ecr.eu-west-1.amazonaws.com" in table.stdout
    tree = run_atmos("--config", str(EXAMPLES / "all.yaml"), "auth", "list")
    assert "chain: company-sso → dev-admin" in tree.stdout and "(on demand)" in tree.stdout
