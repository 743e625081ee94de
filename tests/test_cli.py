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
    assert result.returncode == 1 and 'Did you mean "dev-admin"' in result.stderr  # 1 as Atmos: identity not found


def test_list_formats() -> None:
    table = run_atmos("--config", str(EXAMPLES / "all.yaml"), "auth", "list", "--format", "table")
    assert "platform/ecr/eu-west" in table.stdout and "333333333333.dkr.ecr.eu-west-1.amazonaws.com" in table.stdout
    tree = run_atmos("--config", str(EXAMPLES / "all.yaml"), "auth", "list")
    assert "chain: company-sso → dev-admin" in tree.stdout and "(on demand)" in tree.stdout


def test_issue_9_global_flags_work_anywhere(tmp_path) -> None:
    from atmos_auth.cli.global_flags import normalize

    config = tmp_path / "cfg" / "atmos.yaml"
    config.parent.mkdir()
    config.write_text((EXAMPLES / "quick-start.yaml").read_text())
    for args in (("auth", "validate", "--config", str(config)), ("auth", "--config", str(config), "validate"),
                 (f"--config={config}", "auth", "validate"), ("auth", "validate", "--config-path", str(config.parent)),
                 ("auth", "validate", "-C", str(config.parent)), ("auth", "validate", "--chdir", str(config.parent))):
        result = run_atmos(*args)
        assert result.returncode == 0 and "valid" in result.stderr, (args, result.stderr)
    assert run_atmos("auth", "validate", env={"ATMOS_CONFIG": str(config)}).returncode == 0
    env = run_atmos("auth", "-i", "dev-admin", "env", "--config", str(config))
    assert env.returncode == 0 and "AWS_PROFILE=dev-admin" in env.stdout
    two = run_atmos("auth", "validate", "--config", str(config), "--config", str(config))
    assert two.returncode == 0, two.stderr
    missing = run_atmos("auth", "validate", "--config", str(config), "--config", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "nope.yaml: no such file" in missing.stderr
    assert normalize(["auth", "exec", "x", "--", "tool", "--config", "y", "-C", "z"]) == \
        ["auth", "exec", "x", "--", "tool", "--config", "y", "-C", "z"]
    assert normalize(["auth", "--identity=a", "whoami", "--no-color"]) == ["--no-color", "auth", "whoami", "--identity=a"]
