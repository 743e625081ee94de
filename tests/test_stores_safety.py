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
from tests.conftest import assert_no_secrets, aws_dir, login_env, run_atmos, use_config

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
    from atmos_auth.stores.files import _pid_namespace

    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    docker = isolated_home / ".docker"
    folders = [docker, isolated_home / ".cache/atmos", isolated_home / ".cache/atmos/aws-sso/sessions",
               isolated_home / ".cache/atmos/sessions", isolated_home / ".local/share/atmos/keyring",
               aws_dir(isolated_home) / "company-sso"]
    for folder in folders:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    ns, pid = _pid_namespace(), dead_pid()
    orphans = [folder / f".{name}.atmos-{ns}-{pid}-abcd1234.tmp" for folder, name in zip(
        folders, ["config.json", "docker-logins.json", "x.json", "s.json", "atmos_k", "credentials"], strict=True)]
    live = docker / f".config.json.atmos-{ns}-{os.getpid()}-live1234.tmp"  # a writer that still runs
    young_elsewhere = docker / ".config.json.atmos-1-4242-young123.tmp"  # a container writing right now
    not_ours = [docker / ".notes.txt.abcdefgh.tmp", isolated_home / ".local/share/atmos/keyring/.x.4242-zzzzzzzz.tmp"]
    for path in [*orphans, live, young_elsewhere, *not_ours]:
        path.write_text("secret copy")
    for path in not_ours:
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    assert run_atmos("auth", "whoami", "dev-admin").returncode == 0  # any command that opens the stores
    assert [p for p in orphans if p.exists()] == []
    assert live.exists() and young_elsewhere.exists() and all(p.exists() for p in not_ours)
    assert run_atmos("auth", "logout", "--all").returncode == 0
    # Under a file's lock no writer of ours is mid-write: every temp copy of ours goes; others' files stay.
    assert sorted(temp_files(*folders)) == sorted(not_ours)


def test_issue_8_a_temp_file_of_another_pid_namespace_goes_once_old(tmp_path, monkeypatch) -> None:
    import atmos_auth.stores.files as files

    other = tmp_path / ".config.json.atmos-1-4242-zyxw9876.tmp"  # a container's writer: its pid means nothing here
    other.write_text("x")
    assert files.sweep_dead(tmp_path) == 0 and other.exists()  # it may be writing right now
    monkeypatch.setattr(files, "_FOREIGN_AGE_SECONDS", -1)  # ten minutes later (by ctime: renames count too)
    assert files.sweep_dead(tmp_path) == 1 and not other.exists()


def test_issue_8_a_configured_keyring_folder_is_not_changed(tmp_path) -> None:
    from atmos_auth.stores.credential_store import open_store

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    open_store("file", str(shared)).set("atmos_alice", {"type": "aws", "data": {"access_key_id": "AKIAX"}})
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755 and (shared / "atmos_alice").is_file()
    assert stat.S_IMODE((shared / "atmos_alice").stat().st_mode) == 0o600


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
        for name, mode in modes(root).items() if root.exists() else ():
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
    assert before.returncode == 1 and "not logged in as 'dev-admin'" in before.stderr
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


def test_issue_8_a_token_a_helper_got_just_before_a_kill_is_still_removed_by_logout(emu, tmp_path) -> None:
    """Killed after the credential helper stored the token, before anything else was written."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    store = tmp_path / "slow-store.json"
    (bin_dir / "docker-credential-slowfile").write_text(f"""#!/usr/bin/env python3
import json, sys, time
path, action, raw = {str(store)!r}, sys.argv[1], sys.stdin.read()
try:
    data = json.load(open(path))
except Exception:
    data = {{}}
if action == "store":
    item = json.loads(raw)
    data[item["ServerURL"]] = {{"Username": item["Username"], "Secret": item["Secret"]}}
    json.dump(data, open(path, "w"))
    time.sleep(5)  # the window in which atmos is killed
elif action == "get":
    if raw.strip() not in data:
        print("credentials not found in native keychain"); sys.exit(1)
    print(json.dumps({{"ServerURL": raw.strip(), **data[raw.strip()]}}))
elif action == "erase":
    data.pop(raw.strip(), None)
    json.dump(data, open(path, "w"))
""")
    (bin_dir / "docker-credential-slowfile").chmod(0o755)
    env = {**os.environ, **login_env(), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    docker = Path(os.environ["DOCKER_CONFIG"])
    docker.mkdir()
    (docker / "config.json").write_text(json.dumps({"credsStore": "slowfile"}))
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=env).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "atmos_auth", "auth", "ecr-login", "dev/ecr"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (store.exists() and store.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    assert "123456789012.dkr.ecr.us-east-2.amazonaws.com" in json.loads(store.read_text())
    assert run_atmos("auth", "logout", "--all", env=env).returncode == 0
    assert json.loads(store.read_text()) == {}


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root (the sudo case)")
def test_issue_8_a_root_run_leaves_the_docker_folder_usable_by_its_owner() -> None:
    import shutil
    import tempfile

    tmp_path = Path(tempfile.mkdtemp(prefix="atmos-sudo-"))  # outside pytest's 0700 folders: uid 65534 gets in
    tmp_path.chmod(0o755)
    try:
        _root_then_owner(tmp_path)
    finally:
        shutil.rmtree(tmp_path)


def _root_then_owner(tmp_path: Path) -> None:
    folder = tmp_path / "user-docker"
    folder.mkdir()
    os.chown(folder, 65534, 65534)
    code = ("from atmos_auth.docker_config import DockerConfig, DockerLogin\n"
            "from atmos_auth.errors import AtmosAuthError\n"
            "try: print(DockerConfig().store([DockerLogin('123456789012.dkr.ecr.us-east-2.amazonaws.com', 'AWS', "
            "'p')])[0].error)\nexcept AtmosAuthError as e: print(e.message)")
    env = {**os.environ, "DOCKER_CONFIG": str(folder)}
    as_root = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert as_root.stdout.strip() == "None", as_root.stderr
    assert {(p.name, p.stat().st_uid) for p in folder.iterdir()} == {("config.json", 65534), ("config.json.lock", 65534)}
    home = tmp_path / "nobody"
    home.mkdir()
    os.chown(home, 65534, 65534)
    as_user = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", code],
                             env={**env, "HOME": str(home), "XDG_CACHE_HOME": str(home / "c")},
                             capture_output=True, text=True, timeout=60)
    assert as_user.stdout.strip() == "None", as_user.stdout + as_user.stderr


def test_issue_8_names_cannot_write_lines_of_their_own_into_a_log(emu, tmp_path) -> None:
    log_file = tmp_path / "atmos.log"
    text = (Path(__file__).parent.parent / "examples/spec/quick-start.yaml").read_text()
    use_config(f"logs: {{level: Debug, file: {log_file}}}\n" + text.replace(
        "company-sso", '"company-sso\\ntouch /tmp/PWNED #"'))
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    lines = log_file.read_text().splitlines()
    assert lines and all(" atmos-auth: " in line for line in lines)
    assert any("company-sso\\ntouch" in line for line in lines)


def test_issue_8_logout_keeps_what_it_could_not_remove_and_says_so(emu, tmp_path) -> None:
    from tests.test_docker_config import write_helper

    store = write_helper(tmp_path / "bin", "dockfile")
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    docker = Path(os.environ["DOCKER_CONFIG"])
    docker.mkdir()
    (docker / "config.json").write_text(json.dumps({"credsStore": "dockfile"}))
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", env={**login_env(), **env}).returncode == 0
    helper = tmp_path / "bin" / "docker-credential-dockfile"
    working = helper.read_text()
    helper.write_text("#!/bin/sh\necho 'The keychain is locked'\nexit 1\n")
    failed = run_atmos("auth", "logout", "dev-admin", env=env)
    assert failed.returncode == 1 and "Not removed: Docker login 123456789012" in failed.stderr
    assert "The keychain is locked" in failed.stderr and "kept on record" in failed.stderr
    helper.write_text(working)
    again = run_atmos("auth", "logout", "--all", env=env)
    assert again.returncode == 0 and json.loads(store.read_text()) == {}


def test_issue_8_a_kill_right_after_the_file_write_still_leaves_a_record(emu) -> None:
    """The record is made before the token is written: killed between the two, logout still finds it."""
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    state = Path(os.environ["XDG_CACHE_HOME"]) / "atmos" / "docker-logins.json"
    config = Path(os.environ["DOCKER_CONFIG"]) / "config.json"
    holder = subprocess.Popen([sys.executable, "-c", f"""
import fcntl, os, time
fd = os.open({str(state) + ".lock"!r}, os.O_RDWR | os.O_CREAT, 0o600)
while "123456789012" not in (open({str(state)!r}).read() if os.path.exists({str(state)!r}) else ""):
    time.sleep(0.002)  # atmos has recorded its intent: now hold the lock it needs to record the result
fcntl.flock(fd, fcntl.LOCK_EX)
time.sleep(30)
"""])
    proc = subprocess.Popen([sys.executable, "-m", "atmos_auth", "auth", "ecr-login", "dev/ecr"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (config.exists() and "123456789012" in config.read_text()) and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    holder.kill()
    holder.wait()
    assert "123456789012.dkr.ecr.us-east-2.amazonaws.com" in json.loads(state.read_text()).__repr__()
    assert run_atmos("auth", "logout", "--all").returncode == 0
    assert "123456789012" not in config.read_text()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root (sudo with the user's HOME)")
def test_issue_8_sudo_with_the_users_home_leaves_it_theirs(emu) -> None:
    import shutil
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="atmos-home-"))
    home.chmod(0o755)
    os.chown(home, 65534, 65534)
    try:
        env = {**login_env(), "HOME": str(home)}
        for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "DOCKER_CONFIG"):
            env[name] = ""
        (home / "atmos.yaml").write_text((Path(__file__).parent.parent / "examples/spec/quick-start.yaml").read_text())
        done = subprocess.run([sys.executable, "-m", "atmos_auth", "--config", str(home / "atmos.yaml"), "auth", "login",
                               "dev-admin"], env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        owned_by_root = [str(p) for p in home.rglob("*") if p.lstat().st_uid == 0 and p.name != "atmos.yaml"]
        assert owned_by_root == []
    finally:
        shutil.rmtree(home)
