"""Sign-in flows over HTTP against the emulator, through the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, assert_no_secrets, aws_dir, calls, login_env, run_atmos, use_config

from atmos_auth.emulator.control import GITHUB_REQUEST_TOKEN

CHAIN = (EXAMPLES / "quick-start.yaml").read_text().replace("  integrations:", """\
    deployer:
      kind: aws/assume-role
      via: {identity: dev-admin}
      principal: {assume_role: "arn:aws:iam::222222222222:role/deployer", region: us-west-2}
    auditor:
      kind: aws/assume-role
      via: {identity: deployer}
      principal:
        assume_role: "arn:aws:iam::333333333333:role/auditor"
        external_id: audit-2026
        session_name: "audit session/1"
  integrations:""")

USER = """\
auth:
  identities:
    alice:
      kind: aws/user
      credentials:
        access_key_id: !env ALICE_KEY
        secret_access_key: !env ALICE_SECRET
        region: us-east-2
        mfa_arn: arn:aws:iam::123456789012:mfa/alice
    alice-deployer:
      kind: aws/assume-role
      via: {identity: alice}
      principal: {assume_role: "arn:aws:iam::123456789012:role/ci-deployer"}
"""
ALICE_ENV = {"ALICE_KEY": "AKIAEMULATORALICE001", "ALICE_SECRET": "emulator-only-secret-for-alice-0000000000"}


def test_first_login_runs_device_flow_and_second_is_served_from_cache(emu, isolated_home) -> None:
    use_config("quick-start")
    first = run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env())
    assert first.returncode == 0, first.stderr
    assert "Code:" in first.stderr and "/device?user_code=" in first.stderr
    assert "Authenticated dev-admin" in first.stderr and "111111111111" in first.stderr
    assert calls(emu, "sso-oidc:") == ["sso-oidc:RegisterClient", "sso-oidc:StartDeviceAuthorization",
                                       "sso-oidc:CreateToken"]
    creds = aws_dir(isolated_home) / "company-sso/credentials"
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    assert stat.S_IMODE(creds.parent.stat().st_mode) == 0o700
    assert "[dev-admin]" in creds.read_text() and "; atmos: expiration=" in creds.read_text()
    sso_cache = next((isolated_home / ".cache/atmos/aws-sso/sessions").glob("*.json"))
    assert stat.S_IMODE(sso_cache.stat().st_mode) == 0o600
    emu.world.log.clear()
    second = run_atmos("auth", "login", "dev-admin", "--no-integrations")
    assert second.returncode == 0 and "(cached)" in second.stderr
    assert emu.world.log == []
    assert_no_secrets(emu, first.stdout, first.stderr, second.stdout, second.stderr)


def test_refresh_token_renews_an_expired_access_token(emu, isolated_home) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    cache = next((isolated_home / ".cache/atmos/aws-sso/sessions").glob("*.json"))
    data = json.loads(cache.read_text())
    data["expiresAt"] = "2020-01-01T00:00:00Z"
    cache.write_text(json.dumps(data))
    emu.world.log.clear()
    again = run_atmos("auth", "login", "dev-admin", "--force", "--no-integrations")  # no terminal, no device flow
    assert again.returncode == 0, again.stderr
    assert calls(emu, "sso-oidc:") == ["sso-oidc:CreateToken"]  # the refresh grant, no new device flow


def test_token_revoked_at_the_portal_is_refreshed_transparently(emu, isolated_home) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    urlopen_post(emu, "/_emulator/sso/expire-tokens")
    emu.world.log.clear()
    again = run_atmos("auth", "login", "dev-admin", "--force", "--no-integrations")
    assert again.returncode == 0, again.stderr
    ops = calls(emu)
    assert "sso-oidc:CreateToken" in ops and "sso-oidc:StartDeviceAuthorization" not in ops


def urlopen_post(emu, path: str, payload: dict | None = None) -> dict:
    import urllib.request

    request = urllib.request.Request(emu.url + path, data=json.dumps(payload or {}).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request).read())


def _background_login(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, **login_env()}
    return subprocess.Popen([sys.executable, "-m", "atmos_auth", "auth", "login", *args, "--no-integrations"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _pending(emu, count: int = 1, timeout: float = 20) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        codes = [d.user_code for d in emu.world.devices.values() if d.status == "pending"]
        if len(codes) >= count:
            return codes
        time.sleep(0.05)
    raise AssertionError("no pending device code")


def test_denied_device_code_fails_with_a_clear_message(emu) -> None:
    use_config("quick-start")
    emu.world.auto_approve = False
    proc = _background_login("dev-admin")
    code = _pending(emu)[0]
    urlopen_post(emu, "/_emulator/device/deny", {"user_code": code})
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert "denied" in err and "press Approve" in err


def test_expired_device_code_fails_with_a_clear_message(emu) -> None:
    use_config("quick-start")
    emu.world.auto_approve = False
    proc = _background_login("dev-admin")
    _pending(emu)
    for device in emu.world.devices.values():
        device.expires_at = 0
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1 and "expired before it was approved" in err


def test_no_terminal_fails_fast_with_exit_2(emu) -> None:
    use_config("quick-start")
    started = time.monotonic()
    result = run_atmos("auth", "login", "dev-admin")
    assert result.returncode == 2
    assert "no terminal" in result.stderr and "--device-flow" in result.stderr
    assert time.monotonic() - started < 10
    assert calls(emu, "sso-oidc:StartDevice") == []


def test_concurrent_logins_share_one_device_flow(emu) -> None:
    use_config("quick-start")
    emu.world.auto_approve = False
    procs = [_background_login("dev-admin") for _ in range(3)]
    code = _pending(emu)[0]
    time.sleep(2.0)  # give the others time to (not) start their own flow
    assert len([d for d in emu.world.devices.values() if d.status == "pending"]) == 1
    urlopen_post(emu, "/_emulator/device/approve", {"user_code": code})
    errors = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        errors.append(err)
    assert calls(emu, "sso-oidc:StartDeviceAuthorization") == ["sso-oidc:StartDeviceAuthorization"]
    # a process slow to start (a loaded machine) may find the session already made: no wait, no message
    assert 1 <= sum("Another atmos process is signing in" in err for err in errors) <= 2


def test_three_step_chain_with_external_id(emu) -> None:
    use_config(CHAIN)
    result = run_atmos("auth", "login", "auditor", "--no-integrations", env=login_env())
    assert result.returncode == 0, result.stderr
    assert "company-sso → dev-admin → deployer → auditor" in result.stderr
    who = run_atmos("auth", "whoami", "auditor", "--format", "json")
    assert who.returncode == 0, who.stderr
    info = json.loads(who.stdout)
    assert info["arn"] == "arn:aws:sts::333333333333:assumed-role/auditor/audit-session-1"
    assert_no_secrets(emu, result.stdout, result.stderr, who.stdout, who.stderr)


def test_assume_role_denied_names_role_and_principal(emu) -> None:
    use_config(CHAIN.replace("via: {identity: dev-admin}", "via: {identity: auditor-src}").replace(
        "  integrations:", """\
    auditor-src:
      kind: aws/permission-set
      via: {provider: company-sso}
      principal: {name: PlatformAdmin, account: platform}
  integrations:"""))
    result = run_atmos("auth", "login", "deployer", "--no-integrations", env=login_env())
    assert result.returncode == 1
    assert "identity 'deployer'" in result.stderr and "AccessDenied" in result.stderr
    assert "arn:aws:iam::222222222222:role/deployer" in result.stderr
    assert "PlatformAdmin" in result.stderr


def test_github_oidc_chain(emu, isolated_home) -> None:
    use_config("ci")
    outside = run_atmos("auth", "login", "ci-deployer")
    assert outside.returncode == 1 and "only inside a GitHub Actions job" in outside.stderr
    no_permission = run_atmos("auth", "login", "ci-deployer", env={"GITHUB_ACTIONS": "true"})
    assert "permissions: id-token: write" in no_permission.stderr
    env = {"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": f"{emu.url}/_emulator/oidc/github/token",
           "ACTIONS_ID_TOKEN_REQUEST_TOKEN": GITHUB_REQUEST_TOKEN}
    result = run_atmos("auth", "login", "ci-deployer", env=env)
    assert result.returncode == 0, result.stderr
    assert "✓ ECR login: 123456789012.dkr.ecr.us-east-2.amazonaws.com (expires in 11h5" in result.stderr
    assert not (isolated_home / ".cache/atmos/sessions").exists()  # CI chains never cache to disk
    assert_no_secrets(emu, result.stdout, result.stderr)


def test_gitlab_oidc_chain(emu) -> None:
    use_config("ci")
    missing = run_atmos("auth", "login", "gitlab-deployer")
    assert missing.returncode == 1 and "id_tokens:" in missing.stderr
    token = urlopen_post(emu, "/_emulator/oidc/gitlab/mint", {"audience": "sts.amazonaws.com"})["token"]
    result = run_atmos("auth", "login", env={"ATMOS_IDENTITY": "gitlab-deployer", "ATMOS_OIDC_TOKEN": token})
    assert result.returncode == 0, result.stderr
    assert "assumed-role/ci-deployer/atmos-gitlab-deployer" in result.stderr
    assert token not in result.stdout + result.stderr


def test_aws_user_with_mfa(emu) -> None:
    use_config(USER)
    no_code = run_atmos("auth", "login", "alice", env=ALICE_ENV)
    assert no_code.returncode == 2 and "MFA code" in no_code.stderr
    wrong = run_atmos("auth", "login", "alice", env={**ALICE_ENV, "ATMOS_MFA_CODE": "000000"})
    assert wrong.returncode == 1 and "MultiFactorAuthentication" in wrong.stderr
    ok = run_atmos("auth", "login", "alice-deployer", env={**ALICE_ENV, "ATMOS_MFA_CODE": "123456"})
    assert ok.returncode == 0, ok.stderr
    assert "alice → alice-deployer" in ok.stderr
    files = aws_dir(Path(os.environ["HOME"])) / "aws-user/credentials"
    assert "[alice-deployer]" in files.read_text()
    assert_no_secrets(emu, no_code.stderr, wrong.stderr, ok.stdout, ok.stderr)


def test_env_exec_and_whoami(emu) -> None:
    use_config("quick-start")
    not_yet = run_atmos("auth", "whoami", "dev-admin")
    assert not_yet.returncode == 1 and "atmos auth login dev-admin" in not_yet.stderr
    env = run_atmos("auth", "env", "dev-admin", "--format", "json")
    values = json.loads(env.stdout)
    assert values["AWS_PROFILE"] == "dev-admin" and values["AWS_REGION"] == "us-east-1"
    assert values["DOCKER_CONFIG"] == os.environ["DOCKER_CONFIG"]
    dotenv = run_atmos("auth", "env", "dev-admin", "--format", "dotenv").stdout
    assert "AWS_PROFILE=dev-admin" in dotenv.splitlines()
    github_env = Path("github.env")
    run_atmos("auth", "env", "dev-admin", "--format", "github", env={"GITHUB_ENV": str(github_env)})
    assert "AWS_PROFILE=dev-admin" in github_env.read_text()
    script = ("import boto3,os,sys; print(os.environ.get('AWS_ACCESS_KEY_ID')); "
              "print(boto3.client('sts').get_caller_identity()['Arn']); sys.exit(7)")
    ran = run_atmos("auth", "exec", "dev-admin", "--", sys.executable, "-c", script,
                    env={**login_env(), "AWS_ACCESS_KEY_ID": "AKIAINHERITED"})
    assert ran.returncode == 7, ran.stderr
    assert ran.stdout.splitlines()[0] == "None"
    assert "assumed-role/AWSReservedSSO_AdministratorAccess_" in ran.stdout
    assert run_atmos("auth", "exec", "dev-admin", "--", "no-such-command-xyz").returncode == 127
    who = run_atmos("auth", "whoami", "dev-admin")
    assert who.returncode == 0 and "111111111111" in who.stderr


def test_logout_removes_exactly_what_was_written(emu, isolated_home) -> None:
    use_config("quick-start")
    folder = aws_dir(isolated_home) / "company-sso"
    folder.mkdir(parents=True)
    (folder / "credentials").write_text("# mine\n[other]\naws_access_key_id = AKIAOTHER\n")
    docker = isolated_home / ".docker"
    docker.mkdir()
    before = {"auths": {"ghcr.io": {"auth": "dXNlcjpwYXNz"}}, "proxies": {"default": {"httpProxy": "http://p:3128"}},
              "currentContext": "desktop-linux", "x-unknown": [1, 2]}
    (docker / "config.json").write_text(json.dumps(before))
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    dry = run_atmos("auth", "logout", "dev-admin", "--dry-run")
    assert "Would remove: Docker login 123456789012.dkr.ecr.us-east-2.amazonaws.com" in dry.stderr
    assert "123456789012.dkr.ecr.us-east-2.amazonaws.com" in json.loads((docker / "config.json").read_text())["auths"]
    out = run_atmos("auth", "logout", "dev-admin")
    assert out.returncode == 0, out.stderr
    assert json.loads((docker / "config.json").read_text()) == before
    assert (folder / "credentials").read_text() == "# mine\n[other]\naws_access_key_id = AKIAOTHER\n"
    assert not (folder / "config").exists()
    # the SSO session stays for an identity logout; a provider logout signs out at the portal
    assert list((isolated_home / ".cache/atmos/aws-sso/sessions").glob("*.json"))
    emu.world.log.clear()
    assert run_atmos("auth", "logout", "--provider", "company-sso").returncode == 0
    assert not list((isolated_home / ".cache/atmos/aws-sso/sessions").glob("*.json"))
    assert calls(emu) == ["sso:Logout"]


def test_logout_keeps_an_entry_the_user_replaced(emu, isolated_home) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    path = isolated_home / ".docker/config.json"
    data = json.loads(path.read_text())
    data["auths"]["123456789012.dkr.ecr.us-east-2.amazonaws.com"]["auth"] = "QVdTOm1pbmU="
    path.write_text(json.dumps(data))
    assert run_atmos("auth", "logout", "dev-admin").returncode == 0
    assert json.loads(path.read_text())["auths"]["123456789012.dkr.ecr.us-east-2.amazonaws.com"]["auth"] == \
        "QVdTOm1pbmU="


def test_permission_set_account_name_with_pagination_and_near_matches(emu) -> None:
    use_config((EXAMPLES / "quick-start.yaml").read_text().replace("account: dev", "account: platfrom"))
    result = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert result.returncode == 1
    assert "no account named 'platfrom'" in result.stderr and "'platform'" in result.stderr
    use_config((EXAMPLES / "quick-start.yaml").read_text().replace("AdministratorAccess", "PlatformAdmin").replace(
        "account: dev", "account: platform"))  # third account: on ListAccounts' second page
    emu.world.log.clear()
    result = run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env())
    assert result.returncode == 0 and "333333333333" in result.stderr
    assert calls(emu, "sso:ListAccounts") == ["sso:ListAccounts", "sso:ListAccounts"]


def test_positional_and_option_identity_must_agree(emu) -> None:
    use_config("multi-environment")
    result = run_atmos("auth", "login", "dev-admin", "--identity", "prod-deployer")
    assert result.returncode == 2 and "two identities" in result.stderr
    none = run_atmos("auth", "login")
    assert none.returncode == 2 and "dev-admin, prod-deployer" in none.stderr


@pytest.mark.parametrize("keyring_type", ["memory", "file"])
def test_keyring_type_from_config(emu, isolated_home, keyring_type, monkeypatch) -> None:
    monkeypatch.delenv("ATMOS_KEYRING_TYPE")
    use_config((EXAMPLES / "quick-start.yaml").read_text().replace(
        "auth:\n", f"auth:\n  keyring:\n    type: {keyring_type}\n", 1))
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    again = run_atmos("auth", "login", "dev-admin", "--no-integrations")
    assert again.returncode == 0 and "(cached)" in again.stderr, again.stderr
    # as in Atmos, session credentials never go to the keyring, whichever it is
    assert not (isolated_home / ".local/share/atmos/keyring").exists()
