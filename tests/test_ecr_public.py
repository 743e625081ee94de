"""Issue 11 item 1: `aws/ecr-public`: ecr-public:GetAuthorizationToken (in us-east-1), written with the same
lossless Docker writer under public.ecr.aws, remembered and removed by logout like private registries;
`atmos aws ecr login --public` and `--registry public.ecr.aws` too."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from tests.conftest import DEV_ADMIN, calls, login_env, run_atmos, use_config

PUBLIC = DEV_ADMIN + """\
    prod-deployer:
      kind: aws/permission-set
      via: {provider: company-sso}
      principal: {name: ContainerDeploy, account: production}
  integrations:
    dev/ecr:
      kind: aws/ecr
      via: {identity: dev-admin}
      spec: {registry: {account_id: "111111111111", region: us-east-2}}
    public:
      kind: aws/ecr-public
      via: {identity: dev-admin}
    prod/public:
      kind: aws/ecr-public
      via: {identity: prod-deployer}
"""


def docker_auths() -> dict:
    return json.loads((Path(os.environ["DOCKER_CONFIG"]) / "config.json").read_text())["auths"]


def test_issue_11_login_writes_the_ecr_public_token_beside_private_ones_and_logout_removes_it(emu) -> None:
    use_config(PUBLIC)
    docker = Path(os.environ["DOCKER_CONFIG"])
    docker.mkdir()
    (docker / "config.json").write_text('{"auths": {"ghcr.io": {"auth": "bWluZTpzZWNyZXQ="}}, "credsStore": ""}')
    login = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert login.returncode == 0, login.stderr
    assert "✓ ECR Public login: public.ecr.aws (expires in 11h5" in login.stderr
    assert "✓ ECR login: 111111111111.dkr.ecr.us-east-2.amazonaws.com (expires in" in login.stderr
    assert [e["region"] for e in emu.world.log if e["operation"] == "ecr-public:GetAuthorizationToken"] == ["us-east-1"]
    token = base64.b64decode(docker_auths()["public.ecr.aws"]["auth"]).decode()
    assert token == f"AWS:{emu.world.ecr_password('public')}"
    assert docker_auths()["ghcr.io"] == {"auth": "bWluZTpzZWNyZXQ="}
    who = json.loads(run_atmos("auth", "whoami", "dev-admin", "-f", "json").stdout)
    assert "public.ecr.aws" in [e["host"] for e in who["ecr_logins"]]
    env = json.loads(run_atmos("auth", "env", "dev-admin", "-f", "json").stdout)
    assert env["DOCKER_CONFIG"] == str(docker)
    listed = json.loads(run_atmos("auth", "list", "-f", "json").stdout)["integrations"]["public"]
    assert listed["registry_host"] == "public.ecr.aws"
    assert run_atmos("auth", "logout", "dev-admin").returncode == 0
    assert "public.ecr.aws" not in docker_auths() and "ghcr.io" in docker_auths()


def test_issue_11_aws_ecr_login_public_by_identity_registry_and_integration(emu) -> None:
    use_config(PUBLIC)
    assert run_atmos("auth", "login", "-p", "company-sso", env=login_env()).returncode == 0
    for args in (("aws", "ecr", "login", "--public", "-i", "dev-admin"),
                 ("aws", "ecr", "login", "--registry", "public.ecr.aws", "--identity", "dev-admin", "--force"),
                 ("auth", "ecr-login", "public", "--force")):
        result = run_atmos(*args, "-f", "json")
        assert result.returncode == 0, (args, result.stderr)
        assert [r["host"] for r in json.loads(result.stdout)["registries"]] == ["public.ecr.aws"]
    assert calls(emu, "ecr-public:GetAuthorizationToken") == ["ecr-public:GetAuthorizationToken"] * 3
    again = run_atmos("aws", "ecr", "login", "--public", "-i", "dev-admin")  # the token written is still good
    assert again.returncode == 0 and len(calls(emu, "ecr-public:")) == 3, again.stderr


def test_issue_11_a_principal_without_ecr_public_is_told_which_action_is_missing(emu) -> None:
    use_config(PUBLIC)
    denied = run_atmos("auth", "login", "prod-deployer", env=login_env())
    assert denied.returncode == 3, denied.stderr
    assert ("✗ ECR Public login: public.ecr.aws: access denied: identity 'prod-deployer' (account 222222222222) "
            "lacks ecr-public:GetAuthorizationToken for ECR Public (public.ecr.aws)") in denied.stderr
    assert not (Path(os.environ["DOCKER_CONFIG"]) / "config.json").exists() or \
        "public.ecr.aws" not in docker_auths()


def test_issue_11_ecr_public_schema_as_atmos_checks_it(isolated_home) -> None:
    use_config(PUBLIC + "    bad:\n      kind: aws/ecr-public\n      via: {identity: dev-admin}\n"
               "      spec: {registry: {region: eu-west-1}}\n")
    result = run_atmos("auth", "validate")
    assert result.returncode == 1 and "integrations.bad.spec.registry.region" in result.stderr, result.stderr
