"""Issue 11 item 3: `aws/ambient`: the credentials already present (here: environment keys of the
emulator's user alice), optionally narrowing the region; chains start from it; never cached or copied
into files; `exec` passes the environment through."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.conftest import calls, run_atmos, use_config

AMBIENT = """\
auth:
  identities:
    workload:
      kind: aws/ambient
      principal: {region: eu-west-1}
    deployer:
      kind: aws/assume-role
      via: {identity: workload}
      principal: {assume_role: "arn:aws:iam::123456789012:role/ci-deployer"}
"""
KEYS = {"AWS_ACCESS_KEY_ID": "AKIAEMULATORALICE001", "AWS_SECRET_ACCESS_KEY": "emulator-only-secret-for-alice-0000000000"}


def test_issue_11_ambient_credentials_are_the_identity_and_chains_start_from_them(emu, isolated_home) -> None:
    use_config(AMBIENT)
    assert run_atmos("auth", "validate").returncode == 0
    login = run_atmos("auth", "login", "workload", env=KEYS)
    assert login.returncode == 0 and "Authenticated workload" in login.stderr, login.stderr
    assert not (isolated_home / ".cache/atmos/sessions").exists()  # never cached
    assert not list((isolated_home / ".config").rglob("credentials"))  # nor copied into AWS files
    who = json.loads(run_atmos("auth", "whoami", "workload", "-o", "json", env=KEYS).stdout)
    assert who["principal"] == "arn:aws:iam::123456789012:user/alice"
    env = json.loads(run_atmos("auth", "env", "workload", "-f", "json", env=KEYS).stdout)
    assert env == {"AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "eu-west-1"}
    script = "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])"
    ran = run_atmos("auth", "exec", "workload", "--", sys.executable, "-c", script, env=KEYS)
    assert ran.returncode == 0 and ran.stdout.strip() == "arn:aws:iam::123456789012:user/alice", ran.stderr
    chained = run_atmos("auth", "login", "deployer", env=KEYS)
    assert chained.returncode == 0 and "workload → deployer" in chained.stderr, chained.stderr
    assert calls(emu, "sts:AssumeRole") == ["sts:AssumeRole"]
    files = json.loads(run_atmos("auth", "env", "deployer", "-f", "json").stdout)
    assert "[deployer]" in Path(files["AWS_SHARED_CREDENTIALS_FILE"]).read_text()


def test_issue_11_ambient_without_credentials_or_with_via_says_so(emu, isolated_home) -> None:
    use_config(AMBIENT)
    none = run_atmos("auth", "login", "workload")
    assert none.returncode == 1 and "no AWS credentials found" in none.stderr, none.stderr
    use_config(AMBIENT.replace("      kind: aws/ambient\n", "      kind: aws/ambient\n      via: {identity: deployer}\n"))
    result = run_atmos("auth", "validate")
    assert result.returncode == 1 and "aws/ambient identities stand alone and take no `via`" in result.stderr


GENERIC = """\
auth:
  identities:
    passthrough:
      kind: ambient
      env: {TEAM: platform}
    chained:
      kind: aws/assume-role
      via: {identity: passthrough}
      principal: {assume_role: "arn:aws:iam::123456789012:role/ci-deployer"}
"""


def test_atmos_generic_ambient_passes_the_environment_through_untouched(isolated_home) -> None:
    """Atmos's cloud-agnostic `ambient`: login succeeds with nothing minted, env/exec hand the environment on
    as it is (plus the identity's env:), nothing is written; chaining from it says why it cannot."""
    use_config(GENERIC)
    assert run_atmos("auth", "validate").returncode == 0
    login = run_atmos("auth", "login", "passthrough")
    assert login.returncode == 0 and "Authenticated passthrough" in login.stderr, login.stderr
    assert json.loads(run_atmos("auth", "login", "passthrough", "-f", "json").stdout)["principal"] is None
    assert json.loads(run_atmos("auth", "env", "passthrough", "-f", "json", "--login").stdout) == {"TEAM": "platform"}
    ran = run_atmos("auth", "exec", "passthrough", "--", sys.executable, "-c",
                    "import os; print(os.environ['AWS_ACCESS_KEY_ID'], os.environ['TEAM'], os.environ['AWS_PROFILE'])",
                    env={**KEYS, "AWS_PROFILE": "mine"})
    assert ran.returncode == 0 and ran.stdout.split() == ["AKIAEMULATORALICE001", "platform", "mine"], ran.stderr
    who = json.loads(run_atmos("auth", "whoami", "passthrough", "-o", "json").stdout)
    assert who["provider"] == "ambient" and who["principal"] is None
    assert not [p for p in isolated_home.rglob("*") if p.is_file() and "atmos" in str(p) and "config-snapshots" not in str(p)]
    chained = run_atmos("auth", "login", "chained")
    assert chained.returncode == 1 and "it has no credentials of its own" in chained.stderr, chained.stderr
    assert run_atmos("auth", "logout", "passthrough").returncode == 0
