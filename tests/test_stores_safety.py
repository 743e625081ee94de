"""Issue 8: no secret outlives a crash or a logout, locks that no one else can hold (and that say who
holds them), logs as Atmos configures them, and the keyring only when something is kept in it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import assert_no_secrets, login_env, run_atmos, use_config

ALICE = {"AWS_ACCESS_KEY_ID": "AKIAEMULATORALICE001",
         "AWS_SECRET_ACCESS_KEY": "emulator-only-secret-for-alice-0000000000"}
REGISTRY = "987654321098.dkr.ecr.us-west-2.amazonaws.com"


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def temp_files(*folders: Path) -> list[Path]:
    return [p for folder in folders if folder.exists() for p in folder.rglob(".*.tmp")]


def test_issue_8_temp_files_of_killed_writers_go_with_the_next_command(emu, isolated_home) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    docker = isolated_home / ".docker"
    folders = [docker, isolated_home / ".cache/atmos", isolated_home / ".cache/atmos/aws-sso",
               isolated_home / ".local/share/atmos/keyring", isolated_home / ".config/atmos/aws/company-sso"]
    pid = dead_pid()
    orphans = [folder / f".{name}.{pid}-abcd1234.tmp" for folder, name in zip(
        folders, ["config.json", "docker-logins.json", "x.json", "k.json", "credentials"], strict=True)]
    old = docker / ".config.json.zyxw9876.tmp"  # untagged, from an older version, long dead
    live = docker / f".config.json.{os.getpid()}-live1234.tmp"  # a writer that still runs
    for path in [*orphans, old, live]:
        path.write_text("secret copy")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert run_atmos("auth", "whoami", "dev-admin").returncode == 0  # any command that opens the stores
    assert [p for p in [*orphans, old] if p.exists()] == [] and live.exists()
    assert run_atmos("auth", "logout", "--all").returncode == 0
    assert temp_files(*folders) == []  # under a file's lock no writer of ours is mid-write: all go


def test_issue_8_logout_all_removes_registry_logins_too(emu) -> None:
    assert run_atmos("auth", "ecr-login", "--registry", REGISTRY, env=ALICE).returncode == 0
    use_config("quick-start")
    dry = run_atmos("auth", "logout", "--all", "--dry-run")
    assert f"Would remove: Docker login {REGISTRY}" in dry.stderr
    assert run_atmos("auth", "logout", "--all").returncode == 0
    config = json.loads((Path(os.environ["DOCKER_CONFIG"]) / "config.json").read_text())
    assert REGISTRY not in config.get("auths", {})
    state = Path(os.environ["XDG_CACHE_HOME"]) / "atmos" / "docker-logins.json"
    assert json.loads(state.read_text()) == {}


def modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}


def test_issue_8_every_folder_0700_every_file_and_lock_0600_even_under_umask_000(emu, isolated_home) -> None:
    use_config("quick-start")
    result = subprocess.run(["sh", "-c", f"umask 000; exec {sys.executable} -m atmos_auth auth login dev-admin"],
                            env={**os.environ, **login_env()}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for root in (isolated_home / ".cache", isolated_home / ".config", isolated_home / ".local", isolated_home / ".docker"):
        for name, mode in modes(root).items():
            path = root / name
            assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_issue_8_a_long_wait_for_a_lock_names_its_holder(emu, tmp_path) -> None:
    docker = Path(os.environ["DOCKER_CONFIG"])
    docker.mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", f"""
import fcntl, os, sys, time
fd = os.open({str(docker / "config.json.lock")!r}, os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(3.5)
"""], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    result = run_atmos("auth", "ecr-login", "--registry", REGISTRY, env=ALICE)
    holder.wait()
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 3
    assert f"warning: waiting for the Docker config {docker / 'config.json'}" in result.stderr
    assert f"held by pid {holder.pid} (python" in result.stderr


def test_issue_8_logs_go_where_atmos_yaml_says_without_secrets(emu, tmp_path) -> None:
    log_file = tmp_path / "atmos.log"
    use_config(f"logs:\n  level: debug\n  file: {log_file}\n" + Path(__file__).parent.parent.joinpath(
        "examples/spec/quick-start.yaml").read_text())
    result = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert result.returncode == 0, result.stderr
    text = log_file.read_text()
    assert "DEBUG atmos-auth: AWS client sso in us-east-1 (unsigned)" in text
    assert "identity dev-admin: chain company-sso -> dev-admin" in text
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert_no_secrets(emu, text, result.stderr)
    quiet = run_atmos("--logs-level", "Off", "auth", "login", "dev-admin", "--force")
    assert quiet.returncode == 0 and "warning:" not in quiet.stderr
    bad = run_atmos("auth", "validate", env={"ATMOS_LOGS_LEVEL": "Loud"})
    assert bad.returncode == 2 and "invalid log level 'Loud'" in bad.stderr and "Traceback" not in bad.stderr


def test_issue_8_ci_oidc_logins_never_warn_about_the_keyring(emu) -> None:
    from atmos_auth.emulator.control import GITHUB_REQUEST_TOKEN

    use_config("ci")
    env = {"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": f"{emu.url}/_emulator/oidc/github/token",
           "ACTIONS_ID_TOKEN_REQUEST_TOKEN": GITHUB_REQUEST_TOKEN, "CI": "true", "ATMOS_KEYRING_TYPE": ""}
    result = run_atmos("auth", "login", "ci-deployer", env=env)
    assert result.returncode == 0, result.stderr
    assert "keyring" not in result.stderr


def test_issue_8_whoami_after_a_login_with_the_memory_keyring(emu) -> None:
    use_config("quick-start")
    env = {**login_env(), "ATMOS_KEYRING_TYPE": "memory"}
    before = run_atmos("auth", "whoami", "dev-admin", env=env)
    assert before.returncode == 1 and "the credential store is `memory`" in before.stderr
    assert run_atmos("auth", "login", "dev-admin", env=env).returncode == 0
    after = run_atmos("auth", "whoami", "dev-admin", "--format", "json", env=env)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["account"] == "111111111111"


@pytest.mark.parametrize("fmt", ["bash", "dotenv"])
def test_env_values_are_quoted_for_the_shell(emu, fmt, tmp_path) -> None:
    weird = tmp_path / "it's $HOME; `x`"
    use_config("quick-start")
    out = run_atmos("auth", "env", "dev-admin", "--format", fmt, env={"DOCKER_CONFIG": str(weird)})
    assert out.returncode == 0
    shown = subprocess.run(["sh", "-c", ("set -a; " if fmt == "dotenv" else "") + out.stdout + "\nprintf %s \"$DOCKER_CONFIG\""],
                           capture_output=True, text=True, timeout=10)
    assert shown.stdout == str(weird)
