"""Issue 10: Atmos's command line: `atmos aws ecr login`, identity pickers, exit codes, `atmos version`."""

from __future__ import annotations

import json

import pytest
from tests.conftest import EXAMPLES, login_env, run_atmos, use_config
from tests.test_interactive import exit_status, spawn

ALL = (EXAMPLES / "all.yaml").read_text()  # three identities, none default


def test_issue_10_aws_ecr_login_by_integration_identity_and_registry(emu) -> None:
    use_config("quick-start")
    by_integration = run_atmos("aws", "ecr", "login", "dev/ecr", env=login_env())
    assert by_integration.returncode == 0, by_integration.stderr
    assert "✓ ECR login: 123456789012.dkr.ecr.us-east-2.amazonaws.com (expires in" in by_integration.stderr
    by_identity = run_atmos("aws", "ecr", "login", "--identity", "dev-admin", "--force", "-f", "json")
    assert by_identity.returncode == 0, by_identity.stderr
    assert [r["host"] for r in json.loads(by_identity.stdout)["registries"]] == [
        "123456789012.dkr.ecr.us-east-2.amazonaws.com"]
    by_registry = run_atmos("aws", "ecr", "login", "-r", "123456789012.dkr.ecr.us-east-2.amazonaws.com",
                            "-i", "dev-admin")
    assert by_registry.returncode == 0, by_registry.stderr


@pytest.mark.parametrize(("args", "message"), [
    ((), "give what to log in to"),
    (("dev/ecr", "--identity", "dev-admin"), "mutually exclusive"),
    (("--public", "dev/ecr"), "--public cannot be combined with an integration argument"),
    (("--public", "-r", "123456789012.dkr.ecr.us-east-2.amazonaws.com"), "--public cannot be combined with --registry"),
    (("--public",), "ECR Public (public.ecr.aws) is not available in this tool yet"),
    (("--identity",), "--identity was given without a name; choosing one needs a terminal"),
])
def test_issue_10_aws_ecr_login_modes_are_checked_as_atmos_does(isolated_home, args, message) -> None:
    use_config("quick-start")
    result = run_atmos("aws", "ecr", "login", *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_issue_10_a_bare_identity_flag_opens_a_picker_on_a_terminal(isolated_home) -> None:
    use_config(ALL)
    child = spawn("auth", "env", "-i", "--format", "json")
    child.expect("--identity was given without a name. Choose an identity")
    child.expect("identity> ")
    child.sendline("platform")  # typing part of a name narrows the list; one match is taken
    assert exit_status(child) == 0
    assert '"AWS_PROFILE": "platform-admin"' in child.before
    child = spawn("auth", "env", "-i", "--format", "json")
    child.expect("identity> ")
    child.sendline("1")
    assert exit_status(child) == 0 and '"AWS_PROFILE": "dev-admin"' in child.before


def test_issue_10_no_default_identity_on_a_terminal_is_a_choice_and_without_one_an_error(isolated_home) -> None:
    use_config(ALL.replace("      default: true\n", ""))
    child = spawn("auth", "env", "--format", "json")
    child.expect("no identity given and none is default")
    child.expect("identity> ")
    child.sendline("prod")
    assert exit_status(child) == 0 and '"AWS_PROFILE": "prod-deployer"' in child.before
    headless = run_atmos("auth", "env")
    assert headless.returncode == 2 and "none is marked `default: true`" in headless.stderr


@pytest.mark.parametrize("args", [("auth", "nope"), ("auth", "list", "--nope"), ("auth", "list", "-f", "nope"),
                                  ("nope",), ("aws", "ecr", "login", "--nope")])
def test_issue_10_unknown_commands_options_and_values_exit_1_as_in_atmos(isolated_home, args) -> None:
    use_config("quick-start")
    result = run_atmos(*args)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr


def test_issue_10_version(isolated_home) -> None:
    result = run_atmos("version")
    assert result.returncode == 0 and result.stdout.startswith("atmos-auth ")
