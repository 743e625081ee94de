"""The spec's ECR examples as tests: login, ecr-login in its three modes, call counts, errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, assert_no_secrets, calls, login_env, run_atmos, use_config
from tests.test_docker_config import write_helper

LINE = re.compile(r"^✓ ECR login: (\S+) \(expires in 11h5[89]m\)$", re.M)
ALICE = {"AWS_ACCESS_KEY_ID": "AKIAEMULATORALICE001",
         "AWS_SECRET_ACCESS_KEY": "emulator-only-secret-for-alice-0000000000"}


def docker_auths() -> dict:
    return json.loads((Path(os.environ["DOCKER_CONFIG"]) / "config.json").read_text())["auths"]


def test_quick_start(emu) -> None:
    use_config("quick-start")
    result = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert result.returncode == 0, result.stderr
    assert LINE.findall(result.stderr) == ["123456789012.dkr.ecr.us-east-2.amazonaws.com"]
    assert "123456789012.dkr.ecr.us-east-2.amazonaws.com" in docker_auths()
    assert_no_secrets(emu, result.stdout, result.stderr)


def test_multi_region_prints_one_line_per_registry_in_config_order(emu) -> None:
    use_config("multi-region")
    result = run_atmos("auth", "login", "platform-admin", env=login_env())
    assert result.returncode == 0, result.stderr
    assert LINE.findall(result.stderr) == ["333333333333.dkr.ecr.us-east-1.amazonaws.com",
                                           "333333333333.dkr.ecr.us-west-2.amazonaws.com",
                                           "333333333333.dkr.ecr.eu-west-1.amazonaws.com"]
    assert len(calls(emu, "ecr:GetAuthorizationToken")) == 3
    emu.world.log.clear()
    again = run_atmos("auth", "login", "platform-admin")
    assert len(LINE.findall(again.stderr)) == 3 and emu.world.log == []  # tokens still valid: no AWS call
    emu.world.log.clear()
    forced = run_atmos("auth", "login", "platform-admin", "--force")
    assert len(calls(emu, "ecr:GetAuthorizationToken")) == 3 and forced.returncode == 0


def test_multi_environment(emu) -> None:
    use_config("multi-environment")
    dev = run_atmos("auth", "login", "dev-admin", env=login_env())
    prod = run_atmos("auth", "login", "prod-deployer", env=login_env())
    assert LINE.findall(dev.stderr) == ["111111111111.dkr.ecr.us-east-2.amazonaws.com"]
    assert LINE.findall(prod.stderr) == ["222222222222.dkr.ecr.us-east-1.amazonaws.com"]
    assert set(docker_auths()) == {"111111111111.dkr.ecr.us-east-2.amazonaws.com",
                                   "222222222222.dkr.ecr.us-east-1.amazonaws.com"}


def test_cross_account(emu) -> None:
    use_config("cross-account")
    result = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert LINE.findall(result.stderr) == ["111111111111.dkr.ecr.us-east-2.amazonaws.com",
                                           "999999999999.dkr.ecr.us-east-1.amazonaws.com"]


def test_optional_integrations(emu) -> None:
    use_config("optional-integrations")
    login = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert LINE.findall(login.stderr) == ["123456789012.dkr.ecr.us-east-2.amazonaws.com"]
    legacy = run_atmos("auth", "ecr-login", "dev/ecr/legacy")
    assert legacy.returncode == 0, legacy.stderr
    assert LINE.findall(legacy.stderr) == ["123456789012.dkr.ecr.eu-west-1.amazonaws.com"]


def test_standalone_modes(emu) -> None:
    use_config("optional-integrations")
    by_name = run_atmos("auth", "ecr-login", "dev/ecr/primary", env=login_env())
    assert LINE.findall(by_name.stderr) == ["123456789012.dkr.ecr.us-east-2.amazonaws.com"]
    by_identity = run_atmos("auth", "ecr-login", "--identity", "dev-admin", "--format", "json")
    rows = json.loads(by_identity.stdout)["registries"]
    assert [r["host"] for r in rows] == ["123456789012.dkr.ecr.us-east-2.amazonaws.com",
                                         "123456789012.dkr.ecr.eu-west-1.amazonaws.com"]
    assert all(r["ok"] and r["expires_at"] and r["identity"] == "dev-admin" for r in rows)
    nothing = run_atmos("auth", "ecr-login")
    assert nothing.returncode == 2
    assert all(mode in nothing.stderr for mode in ("INTEGRATION", "--identity", "--registry"))
    unknown = run_atmos("auth", "ecr-login", "dev/ecr/primry")
    assert unknown.returncode == 2 and 'Did you mean "dev/ecr/primary"' in unknown.stderr


def test_registry_mode_uses_ambient_credentials_without_any_config(emu) -> None:
    hosts = ["123456789012.dkr.ecr.us-east-2.amazonaws.com", "https://123456789012.dkr.ecr.us-west-2.amazonaws.com/"]
    result = run_atmos("auth", "ecr-login", "--registry", hosts[0], "--registry", hosts[1], env=ALICE)
    assert result.returncode == 0, result.stderr
    assert LINE.findall(result.stderr) == ["123456789012.dkr.ecr.us-east-2.amazonaws.com",
                                           "123456789012.dkr.ecr.us-west-2.amazonaws.com"]
    public = run_atmos("auth", "ecr-login", "--registry", "public.ecr.aws", env=ALICE)  # alice has no ECR Public
    assert public.returncode == 1 and "lacks ecr-public:GetAuthorizationToken" in public.stderr, public.stderr


def test_the_spec_registry_example_literally(emu) -> None:
    result = run_atmos("auth", "ecr-login", "--registry", "123456789012.dkr.ecr.us-east-2.amazonaws.com",
                       "--registry", "987654321098.dkr.ecr.us-west-2.amazonaws.com", env=ALICE)
    assert result.returncode == 0, result.stderr
    assert LINE.findall(result.stderr) == ["123456789012.dkr.ecr.us-east-2.amazonaws.com",
                                           "987654321098.dkr.ecr.us-west-2.amazonaws.com"]
    none = run_atmos("auth", "ecr-login", "--registry", "123456789012.dkr.ecr.us-east-2.amazonaws.com")
    assert none.returncode == 1 and "no AWS credentials found" in none.stderr


def test_registry_mode_with_identity(emu) -> None:
    use_config("quick-start")
    result = run_atmos("auth", "ecr-login", "--identity", "dev-admin", "--registry",
                       "999999999999.dkr.ecr.eu-west-1.amazonaws.com", env=login_env())
    assert LINE.findall(result.stderr) == ["999999999999.dkr.ecr.eu-west-1.amazonaws.com"]


def test_twelve_registries_in_four_regions_cost_four_calls(emu) -> None:
    accounts, regions = ["111111111111", "123456789012", "999999999999"], ["us-east-1", "us-east-2", "us-west-2",
                                                                          "eu-west-1"]
    entries = "".join(f"""
    r/{a}/{r}:
      kind: aws/ecr
      via: {{identity: dev-admin}}
      spec: {{registry: {{account_id: "{a}", region: {r}}}}}""" for r in regions for a in accounts)
    use_config((EXAMPLES / "quick-start.yaml").read_text().split("  integrations:")[0] + "  integrations:" + entries + "\n")
    result = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert result.returncode == 0, result.stderr
    assert len(LINE.findall(result.stderr)) == 12
    assert sorted(e["region"] for e in emu.world.log if e["operation"] == "ecr:GetAuthorizationToken") == \
        sorted(regions)


def test_denied_registry_is_reported_and_does_not_undo_the_login(emu) -> None:
    use_config((EXAMPLES / "cross-account.yaml").read_text().replace('account_id: "999999999999"',
                                                                     'account_id: "222222222222"'))
    result = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert result.returncode == 3
    assert LINE.findall(result.stderr) == ["111111111111.dkr.ecr.us-east-2.amazonaws.com"]
    failure = re.search(r"^✗ ECR login: 222222222222.dkr.ecr.us-east-1.amazonaws.com: (.*)$", result.stderr, re.M)
    assert failure, result.stderr
    for part in ("identity 'dev-admin'", "111111111111", "us-east-1", "ecr:GetAuthorizationToken"):
        assert part in failure.group(1)
    assert run_atmos("auth", "whoami", "dev-admin").returncode == 0


def test_unreachable_endpoint_is_named(emu, monkeypatch) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    result = run_atmos("auth", "ecr-login", "dev/ecr", env={"AWS_ENDPOINT_URL_ECR": "http://127.0.0.1:9"})
    assert result.returncode == 1
    assert "cannot reach http://127.0.0.1:9" in result.stderr


def test_throttling_is_retried(emu) -> None:
    use_config("quick-start")
    emu.world.faults.append(__import__("atmos_auth.emulator.state", fromlist=["Fault"]).Fault(
        "ecr:GetAuthorizationToken", "throttle", 2))
    result = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert result.returncode == 0 and LINE.findall(result.stderr)


def test_credentials_go_through_a_creds_store_helper(emu, tmp_path) -> None:
    store = write_helper(tmp_path / "bin")
    env = {**login_env(), "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    docker = Path(os.environ["DOCKER_CONFIG"])
    docker.mkdir()
    (docker / "config.json").write_text(json.dumps({"credsStore": "testfile"}))
    use_config("quick-start")
    result = run_atmos("auth", "login", "dev-admin", env=env)
    assert "stored with docker-credential-testfile" in result.stderr
    host = "123456789012.dkr.ecr.us-east-2.amazonaws.com"
    assert json.loads(store.read_text())[host]["Username"] == "AWS"
    assert docker_auths()[host] == {}
    again = run_atmos("auth", "login", "dev-admin", "--force", env=env)  # the pin is ours on later logins too
    assert again.returncode == 0 and "pinned" not in again.stderr
    assert run_atmos("auth", "logout", "dev-admin", env=env).returncode == 0
    assert host not in json.loads(store.read_text())
    assert json.loads((docker / "config.json").read_text()) == {"credsStore": "testfile", "auths": {},
                                                                "credHelpers": {}}


def test_invalid_docker_config_is_left_untouched(emu) -> None:
    docker = Path(os.environ["DOCKER_CONFIG"])
    docker.mkdir()
    (docker / "config.json").write_text("{broken")
    use_config("quick-start")
    result = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert result.returncode == 3
    assert "config.json is not valid JSON" in result.stderr
    assert (docker / "config.json").read_text() == "{broken"


def test_custom_docker_config_and_whoami_lists_entries(emu, tmp_path) -> None:
    custom = tmp_path / "custom-docker"
    use_config("quick-start")
    result = run_atmos("auth", "ecr-login", "dev/ecr", env={**login_env(), "DOCKER_CONFIG": str(custom)})
    assert result.returncode == 0 and (custom / "config.json").exists()
    assert not (Path(os.environ["DOCKER_CONFIG"]) / "config.json").exists()
    who = run_atmos("auth", "whoami", "dev-admin", "--format", "json")
    entry = json.loads(who.stdout)["ecr_logins"][0]
    assert entry["host"] == "123456789012.dkr.ecr.us-east-2.amazonaws.com"
    assert entry["docker_config"] == str(custom / "config.json")


def test_parallel_ecr_logins_lose_no_entry(emu) -> None:
    regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1",
               "ca-central-1"]
    env = {**os.environ, **ALICE}
    procs = [subprocess.Popen([sys.executable, "-m", "atmos_auth", "auth", "ecr-login", "--registry",
                               f"123456789012.dkr.ecr.{r}.amazonaws.com"], env=env, stderr=subprocess.PIPE, text=True)
             for r in regions]
    for proc in procs:
        assert proc.wait(timeout=60) == 0, proc.stderr.read()
    assert sorted(docker_auths()) == sorted(f"123456789012.dkr.ecr.{r}.amazonaws.com" for r in regions)


@pytest.mark.parametrize("example", ["ci"])
def test_ci_recipe_option_b(emu, example) -> None:
    use_config(example)
    from atmos_auth.emulator.control import GITHUB_REQUEST_TOKEN

    env = {"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": f"{emu.url}/_emulator/oidc/github/token",
           "ACTIONS_ID_TOKEN_REQUEST_TOKEN": GITHUB_REQUEST_TOKEN, "CI": "true"}
    result = run_atmos("auth", "ecr-login", "ci/ecr", env=env)
    assert LINE.findall(result.stderr) == ["123456789012.dkr.ecr.us-east-2.amazonaws.com"]


def test_issue_8_rejected_cached_credentials_are_dropped_and_fetched_again(emu) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    for issued in emu.world.credentials.values():  # the role credentials expire early, server-side
        if issued.session_token:
            issued.expires_at = 0
    emu.world.log.clear()
    result = run_atmos("auth", "ecr-login", "dev/ecr")
    assert result.returncode == 0, result.stderr
    assert "AWS rejected the cached credentials of dev-admin; signing in again" in result.stderr
    assert calls(emu) == ["ecr:GetAuthorizationToken", "sso:ListAccounts", "sso:GetRoleCredentials",
                          "ecr:GetAuthorizationToken"]
    # Rejected again although just fetched (the SSO session is gone as well, and no person to sign in):
    for issued in emu.world.credentials.values():
        if issued.session_token:
            issued.expires_at = 0
    emu.world.sessions.clear()
    emu.world.refresh_tokens.clear()
    result = run_atmos("auth", "ecr-login", "dev/ecr", "--force")
    assert result.returncode == 2 and "signing in needs a person" in result.stderr
