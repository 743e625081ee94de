"""Docker's real `pass` credential store (docker-credential-pass over gpg): a login stores the token in
pass and pins it for skopeo; a helper that fails costs only its own host; logout takes out of pass
exactly what was put in, and a `docker logout` done meanwhile leaves no pin behind."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import login_env, run_atmos, use_config
from tests.test_docker_safety import write_failing_helper

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(
    not (shutil.which("pass") and shutil.which("docker-credential-pass") and shutil.which("gpg")),
    reason="e2e: needs pass, gpg and docker-credential-pass (make test installs them as root)")]

MINE = "111111111111.dkr.ecr.us-east-2.amazonaws.com"
SHARED = "999999999999.dkr.ecr.us-east-1.amazonaws.com"


@pytest.fixture
def pass_store(tmp_path: Path, monkeypatch) -> Iterator[dict[str, str]]:
    env = {"GNUPGHOME": str(tmp_path / "gnupg"), "PASSWORD_STORE_DIR": str(tmp_path / "pass")}
    Path(env["GNUPGHOME"]).mkdir(mode=0o700)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    run = {"env": {**os.environ, **env}, "capture_output": True, "text": True, "timeout": 120}
    made = subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", "atmos-test@example.com",
                           "default", "default", "never"], **run)
    assert made.returncode == 0, made.stderr
    assert subprocess.run(["pass", "init", "atmos-test@example.com"], **run).returncode == 0
    yield env
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], **run)  # the agent gpg started for this home


def helper(action: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker-credential-pass", action], input=stdin, capture_output=True, text=True, timeout=60)


def test_pass_holds_the_token_and_logout_takes_it_out(emu, pass_store, tmp_path) -> None:
    write_failing_helper(tmp_path / "bin")
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    docker = Path(os.environ["DOCKER_CONFIG"])
    docker.mkdir()
    (docker / "config.json").write_text(json.dumps({"credsStore": "pass", "credHelpers": {SHARED: "failstore"}}))
    use_config("cross-account")
    result = run_atmos("auth", "login", "dev-admin", env={**login_env(), **env})
    assert result.returncode == 3, result.stderr  # the shared registry's helper fails: only that one
    assert f"✓ ECR login: {MINE}" in result.stderr and "stored with docker-credential-pass" in result.stderr
    assert f"✗ ECR login: {SHARED}: docker-credential-failstore store failed" in result.stderr
    held = json.loads(helper("get", MINE).stdout)
    assert held["Username"] == "AWS" and held["Secret"] == emu.world.ecr_password("111111111111")
    config = json.loads((docker / "config.json").read_text())
    assert config["credHelpers"] == {SHARED: "failstore", MINE: "pass"} and config["auths"][MINE] == {}
    assert run_atmos("auth", "logout", "dev-admin", env=env).returncode == 0
    gone = helper("get", MINE)  # pass 0.6.4 answers a missing host with exit 0 and an empty secret
    assert gone.returncode != 0 or json.loads(gone.stdout)["Secret"] == ""
    assert json.loads((docker / "config.json").read_text())["credHelpers"] == {SHARED: "failstore"}


def test_a_docker_logout_meanwhile_leaves_no_pin(emu, pass_store) -> None:
    docker = Path(os.environ["DOCKER_CONFIG"])
    docker.mkdir()
    (docker / "config.json").write_text(json.dumps({"credsStore": "pass"}))
    use_config("quick-start")
    host = "123456789012.dkr.ecr.us-east-2.amazonaws.com"
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    assert helper("erase", host).returncode == 0  # what `docker logout HOST` does with a creds store
    dry = run_atmos("auth", "logout", "dev-admin", "--dry-run")
    assert "Docker login" not in dry.stderr  # the secret is not ours to remove any more ...
    pin = f'credHelpers["{host}"]'
    assert f"Would remove: {pin}" in dry.stderr and "the secret was already gone" in dry.stderr  # ... our pin is
    done = run_atmos("auth", "logout", "dev-admin")
    assert done.returncode == 0 and f"Removed: {pin}" in done.stderr
    assert json.loads((docker / "config.json").read_text()) == {"credsStore": "pass", "auths": {}, "credHelpers": {}}
