"""Shared by the benchmarks: a private HOME, the emulator in this process, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def private_env(work: Path, url: str | None = None) -> dict[str, str]:
    home = work / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ATMOS_", "DOCKER_", "XDG_"))}
    env.update(HOME=str(home), DOCKER_CONFIG=str(home / ".docker"), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_DATA_HOME=str(home / ".local/share"),
               ATMOS_KEYRING_TYPE="file", ATMOS_DEVICE_FLOW="1", NO_PROXY="127.0.0.1,localhost")
    if url:
        env["AWS_ENDPOINT_URL"] = url
    return env


def atmos(env: dict[str, str], cwd: Path, *args: str) -> float:
    """Wall seconds of one CLI run (it must succeed)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "atmos_auth", *args], env=env, cwd=cwd, capture_output=True,
                          text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"atmos {' '.join(args)} failed:\n{done.stderr}")
    return elapsed


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, capture_output=True, check=True)
    return time.perf_counter() - started


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


class Workdir:
    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="atmos-bench-"))
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
