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
                 "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ATMOS_OIDC_TOKEN", "GITHUB_ENV", "DOCKER_AUTH_CONFIG",
                 "ATMOS_KEYRING_PASSWORD_ENV", "ATMOS_KEYRING_FILE_PATH", "ATMOS_AUTH_REALM")


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
    monkeypatch.setenv("ATMOS_KEYRING_PASSWORD", "test-keyring-password")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ISOLATED_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return home


#: The spec's IAM Identity Center provider: the start of many test configurations.
SSO_PROVIDER = """\
auth:
  providers:
    company-sso:
      kind: aws/iam-identity-center
      region: us-east-1
      start_url: https://company.awsapps.com/start/
"""
#: ... and the spec's default identity on it: the start of the rest.
DEV_ADMIN = SSO_PROVIDER + """\
  identities:
    dev-admin:
      kind: aws/permission-set
      default: true
      via: {provider: company-sso}
      principal: {name: AdministratorAccess, account: dev}
"""


def aws_dir(home: Path, config_dir: Path | None = None) -> Path:
    """Where login writes the AWS files of the atmos.yaml in `config_dir` (default: the current folder):
    its realm is derived from that folder."""
    from atmos_auth.config.realm import config_folder, realm

    return home / ".config/atmos" / realm(None, config_folder((config_dir or Path.cwd()) / "atmos.yaml").as_posix(),
                                          {}) / "aws"


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


def use_emulator(emulator, monkeypatch):
    """Point AWS clients at `emulator`, with its log, device codes, faults, latency and clock cleared."""
    emulator.world.log.clear()
    emulator.world.devices.clear()
    emulator.world.faults.clear()
    emulator.world.latency_ms = 0
    emulator.world.clock_offset = 0.0
    emulator.world.auto_approve = True
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    return emulator


@pytest.fixture
def emu(emulator, monkeypatch):
    """The shared emulator, with AWS clients pointed at it and its state of the last test cleared."""
    return use_emulator(emulator, monkeypatch)


def calls(emu, prefix: str = "") -> list[str]:
    return [entry["operation"] for entry in emu.world.log if entry["operation"].startswith(prefix)]


def use_config(example_or_text: str) -> Path:
    """Write ./atmos.yaml from an example name (e.g. "quick-start") or from literal YAML."""
    text = (EXAMPLES / f"{example_or_text}.yaml").read_text() if "\n" not in example_or_text else example_or_text
    path = Path("atmos.yaml")
    path.write_text(text)
    return path


def secrets_of(emu) -> list[str]:
    """Every secret the emulator has handed out: none may ever appear in our output."""
    world = emu.world
    found = [c.secret_access_key for c in world.credentials.values()]
    found += [c.session_token for c in world.credentials.values() if c.session_token]
    found += list(world.sessions) + list(world.refresh_tokens)
    found += [r.client_secret for r in world.registrations.values()]
    found += [world.ecr_password(a["id"]) for a in world.fixture.accounts]
    return [s for s in found if s]


def assert_no_secrets(emu, *texts: str) -> None:
    joined = "\n".join(texts)
    leaked = [s[:6] + "…" for s in secrets_of(emu) if s in joined]
    assert not leaked, f"secret values in output: {leaked}"


def login_env(**extra: str) -> dict[str, str]:
    return {"ATMOS_DEVICE_FLOW": "1", **extra}
