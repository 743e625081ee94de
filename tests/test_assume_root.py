"""Issue 11 item 4: `aws/assume-root`: sts:AssumeRoot from its `via` identity, for one of AWS's root tasks;
the emulator checks the task policy, the member account and who may ask, as AWS does."""

from __future__ import annotations

import json

import pytest
from tests.conftest import SSO_PROVIDER, calls, login_env, run_atmos, use_config

ROOT = SSO_PROVIDER + """\
  identities:
    dev-admin:
      kind: aws/permission-set
      via: {provider: company-sso}
      principal: {name: AdministratorAccess, account: dev}
    prod-deployer:
      kind: aws/permission-set
      via: {provider: company-sso}
      principal: {name: ContainerDeploy, account: production}
    prod-root-audit:
      kind: aws/assume-root
      via: {identity: dev-admin}
      principal:
        target_principal: "222222222222"
        task_policy_arn: arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials
        duration: 15m
"""


def test_issue_11_assume_root_gives_a_root_session_in_the_member_account(emu) -> None:
    use_config(ROOT)
    login = run_atmos("auth", "login", "prod-root-audit", env=login_env())
    assert login.returncode == 0, login.stderr
    assert "dev-admin → prod-root-audit" in login.stderr and "222222222222" in login.stderr
    assert calls(emu, "sts:AssumeRoot") == ["sts:AssumeRoot"]
    who = json.loads(run_atmos("auth", "whoami", "prod-root-audit", "-o", "json").stdout)
    assert who["principal"] == "arn:aws:iam::222222222222:root" and who["account"] == "222222222222"
    assert run_atmos("auth", "validate").returncode == 0


@pytest.mark.parametrize(("change", "message"), [
    (("222222222222", "999999999999"), "not authorized to perform: sts:AssumeRoot"),  # not a member
    (("IAMAuditRootUserCredentials", "IAMDeleteEverything"), "is not an AWS managed root-task policy"),
    (("via: {identity: dev-admin}\n    prod-root", "via: {identity: prod-deployer}\n    prod-root"), "not authorized"),
])
def test_issue_11_assume_root_refusals_say_why(emu, change, message) -> None:
    text = ROOT.replace("      via: {identity: dev-admin}\n      principal:\n        target",
                        "      via: {identity: prod-deployer}\n      principal:\n        target") \
        if change[0].startswith("via") else ROOT.replace(*change)
    use_config(text)
    result = run_atmos("auth", "login", "prod-root-audit", env=login_env())
    assert result.returncode == 1 and message in result.stderr, result.stderr


def test_issue_11_assume_root_schema_as_atmos_checks_it(isolated_home) -> None:
    use_config(ROOT.replace("arn:aws:iam::aws:policy/root-task/", "arn:aws:iam::aws:policy/")
               .replace('"222222222222"', "22222"))
    result = run_atmos("auth", "validate")
    assert result.returncode == 1, result.stderr
    assert "prod-root-audit.principal.task_policy_arn: must be a root-task policy" in result.stderr
    assert "prod-root-audit.principal.target_principal" in result.stderr
    use_config(ROOT.replace("via: {identity: dev-admin}\n      principal:\n        target",
                            "via: {provider: company-sso}\n      principal:\n        target"))
    warned = run_atmos("auth", "validate")
    assert "aws/assume-root starts from the AWS credentials of another identity" in warned.stderr
