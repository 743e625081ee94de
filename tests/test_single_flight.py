"""Issue 12 item 2: concurrent ECR logins for the same identity and registries make one
GetAuthorizationToken per region, not one each: the others wait, then reuse what the first wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from tests.conftest import calls, login_env, run_atmos, use_config
from tests.test_docker_config import write_helper

MULTI = """\
auth:
  providers:
    company-sso: {kind: aws/iam-identity-center, region: us-east-1, start_url: "https://company.awsapps.com/start/"}
  identities:
    dev-admin:
      kind: aws/permission-set
      via: {provider: company-sso}
      principal: {name: AdministratorAccess, account: dev}
  integrations:
    dev/ecr: {kind: aws/ecr, via: {identity: dev-admin}, spec: {registry: {account_id: "123456789012", region: us-east-2}}}
    dev/ecr-west: {kind: aws/ecr, via: {identity: dev-admin}, spec: {registry: {account_id: "123456789012", region: us-west-2}}}
"""


def _many(count: int, *args: str) -> list[subprocess.CompletedProcess[str]]:
    started = [subprocess.Popen([sys.executable, "-m", "atmos_auth", *args], env=dict(os.environ),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(count)]
    done = []
    for process in started:
        out, err = process.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


@pytest.mark.parametrize("count", [64])
def test_issue_12_concurrent_ecr_logins_make_one_token_call_per_region(emu, isolated_home, count) -> None:
    use_config(MULTI)
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    emu.world.log.clear()
    emu.world.latency_ms = 100  # the first holder's call takes a while: everyone else is waiting by then
    results = _many(count, "auth", "ecr-login", "--identity", "dev-admin")
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results if r.returncode][:2]
    assert sorted(calls(emu, "ecr:GetAuthorizationToken")) == ["ecr:GetAuthorizationToken"] * 2  # 2 regions
    config = json.loads((isolated_home / ".docker/config.json").read_text())
    assert set(config["auths"]) == {"123456789012.dkr.ecr.us-east-2.amazonaws.com",
                                    "123456789012.dkr.ecr.us-west-2.amazonaws.com"}
    assert all("✓ ECR login:" in r.stderr for r in results)


def test_issue_12_force_still_fetches_and_a_helper_store_is_taken_over_too(emu, isolated_home, tmp_path,
                                                                          monkeypatch) -> None:
    """--force always asks AWS; with a credential helper (no inline token to compare), a login whose
    record changed while this one waited is taken over all the same."""
    use_config(MULTI)
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    emu.world.log.clear()
    forced = _many(3, "auth", "ecr-login", "--identity", "dev-admin", "--force")
    assert all(r.returncode == 0 for r in forced)
    assert len(calls(emu, "ecr:GetAuthorizationToken")) == 6
    write_helper(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    (isolated_home / ".docker/config.json").write_text(json.dumps({"credsStore": "testfile"}))
    emu.world.log.clear()
    emu.world.latency_ms = 100
    helped = _many(16, "auth", "ecr-login", "--identity", "dev-admin")
    assert all(r.returncode == 0 for r in helped), [r.stderr for r in helped if r.returncode][:2]
    assert len(calls(emu, "ecr:GetAuthorizationToken")) == 2
    assert all("stored with docker-credential-testfile" in r.stderr for r in helped)
