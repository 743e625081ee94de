"""Shared fixtures: every test runs with a private HOME, XDG dirs, DOCKER_CONFIG and keyring."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "spec"
ISOLATED_VARS = ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "ATMOS_IDENTITY",
                 "ATMOS_CLI_CONFIG_PATH", "GITHUB_ACTIONS", "ACTIONS_ID_TOKEN_REQUEST_URL",
                 "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ATMOS_OIDC_TOKEN", "GITHUB_ENV", "DOCKER_AUTH_CONFIG")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("DOCKER_CONFIG", str(home / ".docker"))
    monkeypatch.setenv("ATMOS_KEYRING_TYPE", "file")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ISOLATED_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return home


def run_atmos(*args: str, env: dict[str, str] | None = None, input: str | None = None,
              timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess with the test's environment (plus `env`)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "atmos_auth", *args], env=full_env, input=input,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def emulator():
    """One emulator for the session (tests that change its state reset what they touch)."""
    from atmos_auth.emulator import Emulator

    emu = Emulator(auto_approve=False)
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture
def emu(emulator, monkeypatch):
    """The shared emulator, with AWS clients pointed at it and its log, faults and latency cleared."""
    emulator.world.log.clear()
    emulator.world.faults.clear()
    emulator.world.latency_ms = 0
    emulator.world.auto_approve = True
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    return emulator


def calls(emu, prefix: str = "") -> list[str]:
    return [entry["operation"] for entry in emu.world.log if entry["operation"].startswith(prefix)]
