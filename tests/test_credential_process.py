"""Issue 11 item 6: credential_process both ways: `aws/credentials` identities whose credentials come
from an external command (the AWS SDK protocol), and `atmos auth credential-process IDENTITY`, which any
AWS SDK profile can use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import calls, login_env, run_atmos, use_config

HELPER = """\
import json, sys
mode = sys.argv[1]
if mode == "ok":
    print(json.dumps({"Version": 1, "AccessKeyId": "AKIAEMULATORALICE001",
                      "SecretAccessKey": "emulator-only-secret-for-alice-0000000000"}))
elif mode == "bad-json":
    print("{not json")
elif mode == "no-secret":
    print(json.dumps({"Version": 1, "AccessKeyId": "AKIA"}))
elif mode == "expired":
    print(json.dumps({"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "B", "Expiration": "2020-01-01T00:00:00Z"}))
elif mode == "fails":
    print("helper: no session", file=sys.stderr)
    sys.exit(3)
elif mode == "hangs":
    import time
    time.sleep(60)
"""


def config(tmp_path: Path, mode: str, extra: str = "") -> str:
    helper = tmp_path / "helper.py"
    helper.write_text(HELPER)
    return f"""\
auth:
  identities:
    external:
      kind: aws/credentials
      credentials:
        credential_process: '{sys.executable} "{helper}" {mode}'
        region: us-east-2
{extra}    deployer:
      kind: aws/assume-role
      via: {{identity: external}}
      principal: {{assume_role: "arn:aws:iam::123456789012:role/ci-deployer"}}
"""


def test_issue_11_an_identity_from_a_credential_process_signs_in_and_starts_chains(emu, tmp_path) -> None:
    use_config(config(tmp_path, "ok"))
    assert run_atmos("auth", "validate").returncode == 0
    login = run_atmos("auth", "login", "external")
    assert login.returncode == 0 and "Authenticated external" in login.stderr, login.stderr
    who = json.loads(run_atmos("auth", "whoami", "external", "-o", "json").stdout)
    assert who["principal"] == "arn:aws:iam::123456789012:user/alice" and who["region"] == "us-east-2"
    chained = run_atmos("auth", "login", "deployer")
    assert chained.returncode == 0 and "external → deployer" in chained.stderr, chained.stderr
    assert calls(emu, "sts:AssumeRole") == ["sts:AssumeRole"]


@pytest.mark.parametrize(("mode", "extra", "message"), [
    ("bad-json", "", "credential_process returned invalid JSON"),
    ("no-secret", "", "credential_process missing required field: SecretAccessKey"),
    ("expired", "", "credential_process returned expired credentials (expired at 2020-01-01T00:00:00Z)"),
    ("fails", "", "exited with 3"),
    ("hangs", "      spec: {timeout: 1}\n", "credential_process timeout after 1s"),
])
def test_issue_11_a_credential_process_that_fails_says_how(emu, tmp_path, mode, extra, message) -> None:
    use_config(config(tmp_path, mode, extra))
    result = run_atmos("auth", "login", "external")
    assert result.returncode == 1 and message in result.stderr, result.stderr
    if mode == "fails":
        assert "helper: no session" in result.stderr  # the helper's own words reach the person


def test_issue_11_credential_process_command_serves_an_aws_sdk_profile(emu, tmp_path) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    printed = run_atmos("auth", "credential-process", "dev-admin")
    assert printed.returncode == 0, printed.stderr
    document = json.loads(printed.stdout)
    assert document["Version"] == 1 and set(document) == {"Version", "AccessKeyId", "SecretAccessKey",
                                                          "SessionToken", "Expiration"}
    assert document["Expiration"].endswith("Z")
    aws_config = tmp_path / "aws-config"
    command = f"{sys.executable} -m atmos_auth auth credential-process dev-admin"
    aws_config.write_text(f"[profile from-atmos]\ncredential_process = {command}\n")
    script = "import boto3; print(boto3.Session(profile_name='from-atmos').client('sts').get_caller_identity()['Arn'])"
    import os

    env = {**os.environ, "AWS_CONFIG_FILE": str(aws_config), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
           "AWS_DEFAULT_REGION": "us-east-1"}
    sdk = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert sdk.returncode == 0, sdk.stderr
    assert "assumed-role/AWSReservedSSO_AdministratorAccess_" in sdk.stdout
    missing = run_atmos("auth", "credential-process", "nobody")
    assert missing.returncode == 1 and missing.stdout == ""
