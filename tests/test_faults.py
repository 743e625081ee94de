"""Issue 8: what each AWS fault must give (exit code and message), and sign-ins that heal themselves:
transient errors keep the SSO session, a forgotten registration registers again, clock skew is named."""

from __future__ import annotations

import json

import pytest
from tests.conftest import calls, login_env, run_atmos, use_config
from tests.test_login import urlopen_post

from atmos_auth.emulator.state import Fault


def sso_cache(home) -> dict:
    return json.loads(next((home / ".cache/atmos/aws-sso/sessions").glob("*.json")).read_text())


def expire_sso_token_locally(home) -> None:
    path = next((home / ".cache/atmos/aws-sso/sessions").glob("*.json"))
    data = json.loads(path.read_text())
    data["expiresAt"] = "2020-01-01T00:00:00Z"
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("device_flow", [True, False])
def test_issue_8_transient_refresh_errors_keep_the_session(emu, isolated_home, device_flow) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    expire_sso_token_locally(isolated_home)
    refresh_token = sso_cache(isolated_home)["refreshToken"]
    emu.world.faults.append(Fault("sso-oidc:CreateToken", "error500", count=4))
    emu.world.log.clear()
    result = run_atmos("auth", "login", "dev-admin", "--force", "--no-integrations",
                       env=login_env() if device_flow else {})
    assert result.returncode == 1, result.stderr
    assert "AWS answered with an internal error (InternalFailure, HTTP 500, 4 attempts)" in result.stderr
    assert "missing or expired" not in result.stderr and "atmos auth login" not in result.stderr
    assert calls(emu, "sso-oidc:StartDeviceAuthorization") == []  # nobody is asked to approve again
    assert sso_cache(isolated_home)["refreshToken"] == refresh_token
    again = run_atmos("auth", "login", "dev-admin", "--force", "--no-integrations")  # the fault has passed
    assert again.returncode == 0, again.stderr


def test_issue_8_a_forgotten_client_registration_registers_again(emu, isolated_home) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    urlopen_post(emu, "/_emulator/sso/forget-registrations")  # the portal was reset
    expire_sso_token_locally(isolated_home)
    headless = run_atmos("auth", "login", "dev-admin", "--force", "--no-integrations")
    assert headless.returncode == 2
    assert "no longer knows this client registration" in headless.stderr
    emu.world.log.clear()
    healed = run_atmos("auth", "login", "dev-admin", "--force", "--no-integrations", env=login_env())
    assert healed.returncode == 0, healed.stderr
    assert calls(emu, "sso-oidc:RegisterClient") == ["sso-oidc:RegisterClient"]


def test_issue_8_a_registration_refused_at_device_authorization_registers_again(emu, isolated_home) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    path = next((isolated_home / ".cache/atmos/aws-sso/sessions").glob("*.json"))
    data = json.loads(path.read_text())
    data.update(accessToken="", expiresAt="0001-01-01T00:00:00Z", refreshToken="")  # only the registration is left,
    path.write_text(json.dumps(data))
    urlopen_post(emu, "/_emulator/sso/forget-registrations")  # and the portal has forgotten it
    emu.world.log.clear()
    result = run_atmos("auth", "login", "dev-admin", "--force", "--no-integrations", env=login_env())
    assert result.returncode == 0, result.stderr
    assert calls(emu, "sso-oidc:")[:3] == ["sso-oidc:StartDeviceAuthorization", "sso-oidc:RegisterClient",
                                           "sso-oidc:StartDeviceAuthorization"]


def test_issue_8_throttling_is_named_and_never_blames_the_session(emu) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    emu.world.faults.append(Fault("sso:GetRoleCredentials", "throttle", count=12))
    result = run_atmos("auth", "login", "dev-admin", "--force", "--no-integrations")
    assert result.returncode == 1
    assert "AWS is throttling the requests (ThrottlingException, 4 attempts)" in result.stderr
    assert "wait a minute" in result.stderr and "atmos auth login" not in result.stderr


def test_issue_8_a_read_timeout_is_not_called_unreachable() -> None:
    from botocore.exceptions import ReadTimeoutError

    from atmos_auth.aws import translate

    error = translate(ReadTimeoutError(endpoint_url="http://127.0.0.1:1/token"), identity="dev-admin",
                      step="company-sso", action="sso-oidc:CreateToken")
    assert "did not answer in time (read timeout, 4 attempts)" in error.message
    assert "cannot reach" not in error.message


@pytest.mark.parametrize(("offset", "words"), [(3600, "behind"), (-7200, "ahead of")])
def test_issue_8_clock_skew_is_named_and_expiry_corrected(emu, offset, words) -> None:
    use_config("quick-start")
    urlopen_post(emu, "/_emulator/clock", {"offset_seconds": offset})
    first = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert first.returncode == 0, first.stderr
    assert f"the system clock is {abs(offset) // 3600}h00m {words} AWS's" in first.stderr
    assert "in expired" not in first.stderr and "already expired" not in first.stderr
    assert "(expires in 11h5" in first.stderr  # the ECR token's 12 hours, on our clock
    emu.world.log.clear()
    second = run_atmos("auth", "login", "dev-admin")
    assert second.returncode == 0 and emu.world.log == []  # cached: corrected expiry leaves time


def test_issue_8_clock_skew_is_named_when_aws_rejects_credentials(emu) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    for issued in emu.world.credentials.values():
        if issued.session_token:
            issued.expires_at = 0
    urlopen_post(emu, "/_emulator/clock", {"offset_seconds": 5400})
    result = run_atmos("auth", "whoami", "dev-admin")
    assert result.returncode == 3 or result.returncode == 1
    assert "the system clock is 1h30m behind AWS's" in result.stderr and "they were dropped" in result.stderr
    assert run_atmos("auth", "whoami", "dev-admin").returncode != 0  # dropped: not reused again


def test_transient_failures_of_every_operation_are_retried(emu) -> None:
    use_config("quick-start")
    for operation in ("sso-oidc:CreateToken", "sso:ListAccounts", "sso:GetRoleCredentials",
                      "ecr:GetAuthorizationToken"):
        emu.world.faults.append(Fault(operation, "error500", count=1))
        emu.world.faults.append(Fault(operation, "reset", count=1))
    result = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert result.returncode == 0, result.stderr
