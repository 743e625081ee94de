"""The interactive sign-in in a real pseudo-terminal (pexpect): device code, approval, Ctrl-C, MFA prompt."""

from __future__ import annotations

import os
import sys
import time

import pexpect
from tests.conftest import aws_dir, use_config
from tests.test_login import ALICE_ENV, USER, urlopen_post


def spawn(*args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
    full = {**os.environ, "TERM": "xterm", "BROWSER": "true"}
    full.pop("CI", None)
    full.update(env or {})
    return pexpect.spawn(sys.executable, ["-m", "atmos_auth", *args], env=full, encoding="utf-8", timeout=30,
                         dimensions=(40, 160))


def exit_status(child: pexpect.spawn) -> int:
    """Wait for the program to end and return its exit code (its last output stays in child.before)."""
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def test_device_flow_in_a_terminal_shows_code_and_completes_on_approval(emu) -> None:
    use_config("quick-start")
    emu.world.auto_approve = False
    child = spawn("auth", "login", "dev-admin", "--no-browser", "--no-integrations")
    child.expect(r"Code: \S*([B-Z]{4}-[B-Z]{4})")
    code = child.match.group(1)
    child.expect("/device\\?user_code=" + code)
    time.sleep(0.3)
    urlopen_post(emu, "/_emulator/device/approve", {"user_code": code})
    child.expect("Authenticated dev-admin")
    assert exit_status(child) == 0


def test_ctrl_c_aborts_cleanly_with_exit_130(emu, isolated_home) -> None:
    use_config("quick-start")
    emu.world.auto_approve = False
    child = spawn("auth", "login", "dev-admin", "--no-browser")
    child.expect("Code:")
    time.sleep(0.5)
    child.sendintr()
    child.expect("Interrupted")
    assert exit_status(child) == 130
    assert "Traceback" not in (child.before or "")
    # nothing half-written: no SSO session and no AWS files
    assert not list((isolated_home / ".cache/atmos/aws-sso/sessions").glob("*.json"))
    assert not aws_dir(isolated_home).exists()


def test_mfa_code_is_prompted_in_a_terminal(emu) -> None:
    use_config(USER)
    child = spawn("auth", "login", "alice", env=ALICE_ENV)
    child.expect("MFA code for arn:aws:iam::123456789012:mfa/alice")
    child.sendline("123456")
    child.expect("Authenticated alice")
    assert exit_status(child) == 0


def test_user_configure_stores_keys_from_hidden_prompts(emu) -> None:
    use_config(USER.replace("        access_key_id: !env ALICE_KEY\n        secret_access_key: !env ALICE_SECRET\n", ""))
    child = spawn("auth", "user", "configure", "alice")
    child.expect("access key ID")
    child.sendline(ALICE_ENV["ALICE_KEY"])
    child.expect("secret access key")
    child.sendline(ALICE_ENV["ALICE_SECRET"])
    child.expect("MFA device ARN")
    child.sendline("")
    child.expect("Saved credentials to keyring: alice")
    assert exit_status(child) == 0
    assert ALICE_ENV["ALICE_SECRET"] not in (child.before or "")
    from tests.conftest import run_atmos

    ok = run_atmos("auth", "login", "alice", env={"ATMOS_MFA_CODE": "123456"})
    assert ok.returncode == 0, ok.stderr




def _browser(tmp_path):
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    script.chmod(0o755)
    return f"{script} %s", opened


def test_browser_opens_on_a_terminal_but_not_in_ci_or_with_no_browser(emu, tmp_path) -> None:
    use_config("quick-start")
    browser, opened = _browser(tmp_path)
    for extra, env, expected in (([], {}, True), (["--no-browser"], {}, False), ([], {"CI": "true"}, False)):
        emu.world.auto_approve = True
        child = spawn("auth", "login", "dev-admin", "--force", "--no-integrations", *extra,
                      env={"BROWSER": browser, **env, "XDG_CACHE_HOME": str(tmp_path / f"c{len(extra)}{len(env)}")})
        child.expect("Authenticated dev-admin")
        assert exit_status(child) == 0
        seen = opened.read_text() if opened.exists() else ""
        assert ("/device?user_code=" in seen) == expected, (extra, env, seen)
        opened.unlink(missing_ok=True)
