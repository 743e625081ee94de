"""SIGKILL at random moments, and the moment a temp file appears: no file is ever torn or invalid, no
lock outlives its process, and the next command leaves no temp copy (of a secret) anywhere."""

from __future__ import annotations

import configparser
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import EXAMPLES, aws_dir, login_env
from tests.reliability.conftest import FOREIGN, FOREIGN_MEMBERS, REL_KEY, host, report, strict, trials

FOREIGN_PROFILE = "; mine, keep me\n[my-own]\naws_access_key_id = AKIAMINE\n"


def atmos(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "atmos_auth", "auth", *args], env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def folders(home: Path) -> list[Path]:
    return [home / ".docker", home / ".cache/atmos", home / ".cache/atmos/aws-sso/sessions",
            home / ".cache/atmos/sessions", aws_dir(home) / "company-sso"]


def temp_files(home: Path) -> list[Path]:
    return [p for folder in folders(home) if folder.exists() for p in folder.iterdir() if p.name.endswith(".tmp")]


def expire_sso_token(home: Path) -> None:
    for path in (home / ".cache/atmos/aws-sso/sessions").glob("*.json"):
        data = json.loads(path.read_text())
        data["expiresAt"] = "2020-01-01T00:00:00Z"
        path.write_text(json.dumps(data))


def check_files(home: Path) -> list[str]:
    """Every file we write parses, foreign content is intact, nothing is wider than 0600."""
    problems = []
    docker = (home / ".docker" / "config.json").read_bytes()
    strict(docker)
    problems += [f"foreign member changed: {m[:30]!r}" for m in FOREIGN_MEMBERS if m not in docker]
    for path in (home / ".cache/atmos").rglob("*.json"):
        if not path.name.endswith(".tmp"):
            json.loads(path.read_text())
    credentials = aws_dir(home) / "company-sso/credentials"
    parser = configparser.ConfigParser()
    parser.read_string(credentials.read_text())
    if "; mine, keep me\n[my-own]\naws_access_key_id = AKIAMINE\n" not in credentials.read_text():
        problems.append("foreign profile changed")
    for folder in folders(home):
        for path in folder.iterdir() if folder.exists() else ():
            if path.is_file() and path.stat().st_mode & 0o077:
                problems.append(f"{path} is {oct(path.stat().st_mode)}")
    return problems


def kill_when(proc: subprocess.Popen[str], mode: str, home: Path, rng: random.Random) -> bool:
    """SIGKILL `proc` after a random delay, or the moment a temp file shows up; True if it was alive."""
    deadline = time.monotonic() + (rng.uniform(0, 1.2) if mode == "uniform" else 4.0)
    while time.monotonic() < deadline and proc.poll() is None:
        if mode == "tmpfile" and temp_files(home):
            break
        time.sleep(0 if mode == "tmpfile" else 0.01)
    alive = proc.poll() is None
    if alive:
        proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    return alive


def test_sigkill_never_tears_a_file_and_the_next_run_leaves_no_temp_copy(rel, isolated_home) -> None:
    home = isolated_home
    (Path("atmos.yaml")).write_text((EXAMPLES / "quick-start.yaml").read_text())
    (home / ".docker").mkdir(mode=0o700)
    (home / ".docker" / "config.json").write_bytes(FOREIGN)
    assert subprocess.run([sys.executable, "-m", "atmos_auth", "auth", "login", "dev-admin"],
                          env={**os.environ, **login_env()}, capture_output=True, timeout=60).returncode == 0
    credentials = aws_dir(home) / "company-sso/credentials"
    credentials.write_text(FOREIGN_PROFILE + credentials.read_text())
    commands = [("ecr-login", "--force", "dev/ecr"), ("login", "dev-admin", "--force"),
                ("ecr-login", "--force", "--registry", host(1)), ("login", "dev-admin", "--force", "refresh")]
    rng = random.Random(int(os.environ.get("RELIABILITY_SEED", "8")))
    kills = orphans_seen = health_failures = 0
    count = trials(16)
    for index in range(count):
        command = rng.choice(commands)
        if command[-1] == "refresh":
            expire_sso_token(home)
            command = command[:-1]
        mode = "tmpfile" if index % 2 else "uniform"
        kills += kill_when(atmos(*command, env={**REL_KEY, **login_env()}), mode, home, rng)
        assert check_files(home) == []
        orphans_seen += len(temp_files(home))
        if index % 6 == 5:  # no lock is left stale: a normal run still succeeds at once
            done = subprocess.run([sys.executable, "-m", "atmos_auth", "auth", "ecr-login", "dev/ecr"],
                                  capture_output=True, text=True, timeout=60)
            health_failures += done.returncode != 0
    before_next = len(temp_files(home))
    done = subprocess.run([sys.executable, "-m", "atmos_auth", "auth", "whoami", "dev-admin"],
                          capture_output=True, text=True, timeout=60)
    after_next = [str(p) for p in temp_files(home)]
    report("SIGKILL at random moments", iterations=count, kills=kills, corrupt_files=0,
           temp_files_seen_after_kills=orphans_seen, left_before_next_run=before_next,
           left_after_next_run=len(after_next), health_runs_failed=health_failures)
    assert done.returncode == 0, done.stderr
    assert after_next == [] and health_failures == 0
