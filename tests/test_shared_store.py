"""Issue 10 item 9: a credential store Atmos can share. The file keyring is Atmos's (99designs/keyring's
encrypted file backend), system-keyring entries and the SSO session file use Atmos's names, paths and
formats, and what this tool's earlier versions kept is moved on first use."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap
from tests.conftest import REPO, calls, login_env, run_atmos, use_config
from tests.test_interactive import exit_status, spawn
from tests.test_login import ALICE_ENV, USER

from atmos_auth.steps import Context
from atmos_auth.stores.credential_store import open_store

PASSWORD = "test-keyring-password"  # conftest's ATMOS_KEYRING_PASSWORD
NO_KEYS = USER.replace("        access_key_id: !env ALICE_KEY\n        secret_access_key: !env ALICE_SECRET\n", "")
ALICE_KEYS = {"access_key_id": ALICE_ENV["ALICE_KEY"], "secret_access_key": ALICE_ENV["ALICE_SECRET"]}
MFA = {"ATMOS_MFA_CODE": "123456"}


# jose2go's PBES2-HS256+A128KW / A256GCM written out with `cryptography` alone: an implementation
# independent of the one under test (checked against Atmos's Go library when this test was written).
def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _kek(password: str, salt: bytes, rounds: int) -> bytes:
    return PBKDF2HMAC(hashes.SHA256(), 16, b"PBES2-HS256+A128KW\0" + salt, rounds).derive(password.encode())


def atmos_reads(path: Path, password: str = PASSWORD) -> dict:
    head, wrapped, iv, text, tag = path.read_text().strip().split(".")
    header = json.loads(_b64d(head))
    cek = aes_key_unwrap(_kek(password, _b64d(header["p2s"]), header["p2c"]), _b64d(wrapped))
    item = json.loads(AESGCM(cek).decrypt(_b64d(iv), _b64d(text) + _b64d(tag), head.encode()))
    assert item["Key"] == path.name and header["alg"] == "PBES2-HS256+A128KW" and header["enc"] == "A256GCM"
    return json.loads(base64.b64decode(item["Data"]))


def atmos_writes(folder: Path, key: str, value: dict, password: str = PASSWORD) -> None:
    b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()  # noqa: E731
    salt, cek, iv = secrets.token_bytes(12), secrets.token_bytes(32), secrets.token_bytes(12)
    head = b64(json.dumps({"alg": "PBES2-HS256+A128KW", "created": "2026-11-29 00:00:00 +0000 UTC", "enc": "A256GCM",
                           "p2c": 8192, "p2s": b64(salt)}).encode())
    item = {"Key": key, "Data": base64.b64encode(json.dumps(value).encode()).decode(), "Label": "", "Description": "",
            "KeychainNotTrustApplication": False, "KeychainNotSynchronizable": False}
    sealed = AESGCM(cek).encrypt(iv, json.dumps(item).encode(), head.encode())
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    (folder / key).write_text(".".join([head, b64(aes_key_wrap(_kek(password, salt, 8192), cek)), b64(iv),
                                        b64(sealed[:-16]), b64(sealed[-16:])]))


def keyring_folder(home: Path) -> Path:
    return home / ".local/share/atmos/keyring"


def realm_here() -> str:
    """The realm Atmos derives for ./atmos.yaml when none is set (sha256 of its folder, 16 hex digits)."""
    from atmos_auth.config.realm import config_folder, realm

    return realm(None, config_folder(Path.cwd() / "atmos.yaml").as_posix(), {})


def test_issue_10_an_entry_atmos_wrote_with_its_go_library_is_read(monkeypatch) -> None:
    """tests/data/atmos-keyring/atmos_myrealm_my-user was written by 99designs/keyring v1.2.2 as Atmos
    configures it, holding Atmos's envelope for `atmos auth user configure my-user` in realm myrealm."""
    from atmos_auth.identities.user import stored_keys

    monkeypatch.setenv("ATMOS_KEYRING_PASSWORD", "test-password")
    ctx = Context(store=open_store("file", str(REPO / "tests/data/atmos-keyring")), realm="myrealm")
    keys = stored_keys(ctx, "my-user")
    assert keys == {"access_key_id": "AKIAEXAMPLE", "secret_access_key": "secretEXAMPLE",
                    "mfa_arn": "arn:aws:iam::123456789012:mfa/me", "session_duration": "12h"}


def test_issue_10_keys_atmos_stored_sign_in_here_and_keys_stored_here_open_as_atmos_opens_them(emu, isolated_home) -> None:
    use_config(NO_KEYS)
    atmos_writes(keyring_folder(isolated_home), f"atmos_{realm_here()}_alice", {"type": "aws", "data": ALICE_KEYS})
    login = run_atmos("auth", "login", "alice", env=MFA)
    assert login.returncode == 0, login.stderr
    assert calls(emu, "sts:GetSessionToken") == ["sts:GetSessionToken"]
    (keyring_folder(isolated_home) / f"atmos_{realm_here()}_alice").rename(keyring_folder(isolated_home) / "atmos_alice")
    legacy = run_atmos("auth", "login", "alice", "--force", env=MFA)  # Atmos's entry from before realms
    assert legacy.returncode == 0, legacy.stderr
    use_config(NO_KEYS.replace("auth:\n", "auth:\n  realm: acme\n", 1))
    child = spawn("auth", "user", "configure", "alice")
    for label, answer in (("access key ID", ALICE_KEYS["access_key_id"]),
                          ("secret access key", ALICE_KEYS["secret_access_key"]), ("MFA device ARN", "")):
        child.expect(label)
        child.sendline(answer)
    assert exit_status(child) == 0, child.before
    entry = keyring_folder(isolated_home) / "atmos_acme_alice"
    assert oct(entry.stat().st_mode & 0o777) == "0o600" and ALICE_KEYS["secret_access_key"] not in entry.read_text()
    assert atmos_reads(entry) == {"type": "aws", "data": ALICE_KEYS}
    assert not list(keyring_folder(isolated_home).glob("*.lock"))  # Atmos takes every file there for an entry


def test_issue_10_the_password_comes_from_atmos_variables_or_a_hidden_prompt(emu, isolated_home, monkeypatch) -> None:
    monkeypatch.delenv("ATMOS_KEYRING_PASSWORD")
    use_config(NO_KEYS)
    atmos_writes(keyring_folder(isolated_home), "atmos_alice", {"type": "aws", "data": ALICE_KEYS})
    none = run_atmos("auth", "login", "alice", env=MFA)
    assert none.returncode == 1 and ("keyring: password required: set ATMOS_KEYRING_PASSWORD environment variable "
                                     "or run in interactive mode") in none.stderr, none.stderr
    wrong = run_atmos("auth", "login", "alice", env={**MFA, "ATMOS_KEYRING_PASSWORD": "not-the-password"})
    assert wrong.returncode == 1 and "does not open with this password" in wrong.stderr, wrong.stderr
    entry = keyring_folder(isolated_home) / "atmos_alice"
    whole = entry.read_bytes()
    for damaged in (whole[:-12], whole.replace(b".", b"!", 1)):  # cut short; no longer a JWE at all
        entry.write_bytes(damaged)
        said = run_atmos("auth", "login", "alice", env={**MFA, "ATMOS_KEYRING_PASSWORD": PASSWORD})
        assert said.returncode == 1 and "is damaged" in said.stderr and f"delete {entry}" in said.stderr, said.stderr
    entry.write_bytes(whole)
    short = run_atmos("auth", "login", "alice", env={**MFA, "ATMOS_KEYRING_PASSWORD": "short"})
    assert short.returncode == 1 and "keyring: password too short" in short.stderr, short.stderr
    use_config(NO_KEYS.replace("auth:\n", "auth:\n  keyring: {type: file, spec: {password_env: MY_PASS}}\n", 1))
    named = run_atmos("auth", "login", "alice", env={**MFA, "MY_PASS": PASSWORD})
    assert named.returncode == 0, named.stderr
    assert "set MY_PASS environment variable" in run_atmos("auth", "login", "alice", "--force", env=MFA).stderr
    overridden = run_atmos("auth", "login", "alice", "--force", env={**MFA, "ATMOS_KEYRING_PASSWORD_ENV": "OTHER",
                                                                     "OTHER": PASSWORD})
    assert overridden.returncode == 0, overridden.stderr
    child = spawn("auth", "login", "alice", "--force", env=MFA)
    child.expect(f'Enter passphrase to unlock "{keyring_folder(isolated_home)}"')
    child.sendline(PASSWORD)
    assert exit_status(child) == 0 and PASSWORD not in child.before


def test_issue_10_system_keyring_entries_have_atmos_names(emu, isolated_home, tmp_path) -> None:
    """go-keyring's Set(service, user, value): service = atmos_<realm>_<identity>, user = atmos-auth."""
    stored = tmp_path / "system-keyring.json"
    system = {"ATMOS_KEYRING_TYPE": "system", "PYTHON_KEYRING_BACKEND": "tests.keyring_backend.JsonKeyring",
              "TEST_KEYRING_FILE": str(stored), "PYTHONPATH": str(REPO), **MFA}
    stored.write_text(json.dumps({"atmos_acme_alice\0atmos-auth": json.dumps({"type": "aws", "data": ALICE_KEYS})}))
    use_config(NO_KEYS.replace("auth:\n", "auth:\n  realm: acme\n", 1))
    login = run_atmos("auth", "login", "alice", env=system)
    assert login.returncode == 0, login.stderr
    assert list(json.loads(stored.read_text())) == ["atmos_acme_alice\0atmos-auth"]  # no session in the keyring
    gone = run_atmos("auth", "logout", "alice", "--keychain", "--force", env=system)
    assert gone.returncode == 0 and json.loads(stored.read_text()) == {}, gone.stderr


def test_issue_10_the_sso_session_is_atmos_file_so_switching_tools_needs_no_new_sign_in(emu, isolated_home) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    key = hashlib.sha1(b"https://company.awsapps.com/start/|us-east-1").hexdigest()  # noqa: S324
    path = isolated_home / ".cache/atmos/aws-sso/sessions" / f"{key}.json"
    session = json.loads(path.read_text())
    assert list(session) == ["accessToken", "expiresAt", "region", "startUrl", "refreshToken", "clientId",
                             "clientSecret", "registrationExpiresAt"]
    assert session["expiresAt"].endswith("Z") and session["startUrl"] == "https://company.awsapps.com/start/"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    # As Atmos writes it in another time zone (RFC 3339 with nanoseconds and an offset): still used.
    from datetime import datetime, timedelta, timezone

    expires = datetime.fromisoformat(session["expiresAt"]).astimezone(timezone(timedelta(hours=1)))
    session["expiresAt"] = expires.strftime("%Y-%m-%dT%H:%M:%S.123456789+01:00")
    path.write_text(json.dumps(session, indent=2))
    emu.world.log.clear()
    again = run_atmos("auth", "login", "dev-admin", "--force", "--no-integrations")
    assert again.returncode == 0, again.stderr
    assert calls(emu, "sso-oidc:") == [] and calls(emu, "sso:GetRoleCredentials") == ["sso:GetRoleCredentials"]


def test_issue_10_what_earlier_versions_kept_is_moved_on_first_use(emu, isolated_home) -> None:
    use_config(NO_KEYS)
    folder = keyring_folder(isolated_home)
    folder.mkdir(parents=True, mode=0o700)
    key = "atmos:user-keys:alice"
    plaintext = folder / f"atmos_user-keys_alice-{hashlib.sha256(key.encode()).hexdigest()[:12]}.json"
    plaintext.write_text(json.dumps(ALICE_KEYS))
    old_session = folder / "atmos_v1__alice_0123456789abcdef-0123456789ab.json"
    old_session.write_text(json.dumps({"type": "aws", "access_key_id": "ASIAOLD", "secret_access_key": "old"}))
    login = run_atmos("auth", "login", "alice", env=MFA)
    assert login.returncode == 0, login.stderr
    assert not plaintext.exists() and not old_session.exists()
    assert atmos_reads(folder / f"atmos_{realm_here()}_alice") == {"type": "aws", "data": ALICE_KEYS}
    # the SSO session of earlier versions (another path, snake_case) is used and moved
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    sessions = isolated_home / ".cache/atmos/aws-sso/sessions"
    (current,) = sessions.glob("*.json")
    atmos = json.loads(current.read_text())
    earlier = isolated_home / ".cache/atmos/aws-sso" / (
        hashlib.sha1(b"https://company.awsapps.com/start|us-east-1").hexdigest() + ".json")  # noqa: S324
    earlier.write_text(json.dumps({"start_url": "https://company.awsapps.com/start/", "region": "us-east-1",
                                   "access_token": atmos["accessToken"], "expires_at": atmos["expiresAt"],
                                   "refresh_token": atmos["refreshToken"], "client_id": atmos["clientId"],
                                   "client_secret": atmos["clientSecret"]}))
    current.unlink()
    emu.world.log.clear()
    again = run_atmos("auth", "login", "dev-admin", "--force", "--no-integrations")
    assert again.returncode == 0 and calls(emu, "sso-oidc:") == [], again.stderr
    assert not earlier.exists() and os.path.exists(current)


def test_issue_10_a_provider_logout_also_drops_the_sso_token_atmos_keeps_in_the_keyring(emu, isolated_home) -> None:
    """Atmos keeps its SSO token as atmos_<realm>_<provider> and reuses it before the session file: after
    we sign out at the portal, that entry would be a revoked token."""
    use_config("quick-start")
    assert run_atmos("auth", "login", "-p", "company-sso", env=login_env()).returncode == 0
    entry = keyring_folder(isolated_home) / f"atmos_{realm_here()}_company-sso"
    atmos_writes(entry.parent, entry.name, {"type": "aws", "data": {"access_key_id": "token", "region": "us-east-1"}})
    dry = run_atmos("auth", "logout", "--provider", "company-sso", "--dry-run")
    assert f"the SSO token Atmos keeps for company-sso in the credential store ({entry.name})" in dry.stderr
    assert entry.exists()
    assert run_atmos("auth", "logout", "--provider", "company-sso").returncode == 0 and not entry.exists()


def test_issue_10_cached_credentials_yield_to_the_aws_files_another_tool_changed(emu, isolated_home) -> None:
    """As Atmos, the AWS files are the truth: when Atmos's logout removes them (its provider folder and
    SSO session), nothing here says "logged in" or "(cached)" from a private copy."""
    import shutil

    from tests.conftest import aws_dir

    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    shutil.rmtree(aws_dir(isolated_home) / "company-sso")  # what `atmos auth logout --provider` removes
    emu.world.log.clear()
    again = run_atmos("auth", "login", "dev-admin", "--no-integrations")
    assert again.returncode == 0 and "(cached)" not in again.stderr, again.stderr
    assert calls(emu, "sso:GetRoleCredentials") == ["sso:GetRoleCredentials"]
    shutil.rmtree(aws_dir(isolated_home) / "company-sso")
    shutil.rmtree(isolated_home / ".cache/atmos/aws-sso")
    who = run_atmos("auth", "whoami", "dev-admin")
    assert who.returncode == 1 and "not logged in as 'dev-admin'" in who.stderr, who.stderr
