"""Defects a review of issues 10 and 11 found, each reproduced here first: damaged or foreign files
written by others never end in a traceback or cost the user a secret."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from tests.conftest import login_env, run_atmos, use_config
from tests.test_eks import EKS, kubeconfig
from tests.test_login import USER
from tests.test_provisioning import MINE, PROVISIONING, provisioned

NO_KEYS = USER.replace("        access_key_id: !env ALICE_KEY\n        secret_access_key: !env ALICE_SECRET\n", "")


def test_earlier_access_keys_are_kept_when_they_cannot_be_stored_again(emu, isolated_home, monkeypatch) -> None:
    monkeypatch.delenv("ATMOS_KEYRING_PASSWORD")
    use_config(NO_KEYS)
    folder = isolated_home / ".local/share/atmos/keyring"
    folder.mkdir(parents=True)
    key = "atmos:user-keys:alice"
    plaintext = folder / f"atmos_user-keys_alice-{hashlib.sha256(key.encode()).hexdigest()[:12]}.json"
    plaintext.write_text(json.dumps({"access_key_id": "AKIAEMULATORALICE001", "secret_access_key": "s"}))
    failed = run_atmos("auth", "login", "alice")
    assert failed.returncode == 1 and "keyring: password required" in failed.stderr
    assert plaintext.exists()  # not deleted before it was stored again


@pytest.mark.parametrize("content", ["auth: [1]\n", "auth: foo\n", "[1, 2]\n", "auth: {identities: 5}\n",
                                     "auth:\n  identities:\n    x: {kind: aws/permission-set, principal: !exec 'touch pwned'}\n"])
def test_a_damaged_or_foreign_provisioned_file_is_not_read(emu, isolated_home, content) -> None:
    use_config(PROVISIONING + MINE)
    path = provisioned(isolated_home)
    path.parent.mkdir(parents=True)
    path.write_text(content)
    listed = run_atmos("auth", "list", "-f", "json")
    assert listed.returncode == 0 and "internal error" not in listed.stderr, listed.stderr
    assert not Path("pwned").exists()
    assert run_atmos("auth", "logout", "--all").returncode == 0


def test_provisioned_identities_of_another_portal_or_a_plain_provider_are_not_taken(emu, isolated_home) -> None:
    use_config(PROVISIONING + MINE)
    assert run_atmos("auth", "login", "-p", "company-sso", env=login_env()).returncode == 0
    assert "production/ContainerDeploy" in json.loads(run_atmos("auth", "list", "-f", "json").stdout)["identities"]
    assert run_atmos("auth", "validate", "--strict").returncode == 0
    use_config((PROVISIONING + MINE).replace("      auto_provision_identities: true\n", ""))
    assert "production/ContainerDeploy" not in json.loads(run_atmos("auth", "list", "-f", "json").stdout)["identities"]
    use_config((PROVISIONING + MINE).replace("company.awsapps.com", "other.awsapps.com"))
    assert "production/ContainerDeploy" not in json.loads(run_atmos("auth", "list", "-f", "json").stdout)["identities"]


@pytest.mark.parametrize("session", [
    {"start_url": "https://company.awsapps.com/start/", "region": "us-east-1", "access_token": "x", "expires_at": 5},
    {"start_url": "https://company.awsapps.com/start/", "region": "us-east-1", "access_token": "x",
     "expires_at": "garbage", "refresh_token": {"a": 1}},
])
def test_a_damaged_earlier_sso_session_is_dropped_not_a_crash(emu, isolated_home, session) -> None:
    use_config("quick-start")
    earlier = isolated_home / ".cache/atmos/aws-sso" / (
        hashlib.sha1(b"https://company.awsapps.com/start|us-east-1").hexdigest() + ".json")  # noqa: S324
    earlier.parent.mkdir(parents=True)
    earlier.write_text(json.dumps(session))
    result = run_atmos("auth", "logout", "--all")
    assert result.returncode == 0 and "internal error" not in result.stderr, result.stderr


def test_an_atmos_session_without_a_time_zone_or_with_wrong_types_is_not_a_crash(emu, isolated_home) -> None:
    use_config("quick-start")
    key = hashlib.sha1(b"https://company.awsapps.com/start/|us-east-1").hexdigest()  # noqa: S324
    path = isolated_home / ".cache/atmos/aws-sso/sessions" / f"{key}.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"accessToken": 123, "expiresAt": "2099-01-01T00:00:00", "region": "us-east-1",
                                "startUrl": "https://company.awsapps.com/start/", "refreshToken": ["x"]}))
    result = run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env())
    assert result.returncode == 0 and "internal error" not in result.stderr, result.stderr


def test_kubectl_can_still_lock_the_kubeconfig_and_damaged_ones_cost_nothing_else(emu, isolated_home) -> None:
    use_config(EKS + """    dev/ecr:
      kind: aws/ecr
      via: {identity: dev-admin}
      spec: {registry: {account_id: "111111111111", region: us-east-2}}
""")
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    path = kubeconfig(isolated_home)
    assert not path.with_name("config.lock").exists()  # client-go creates that one itself, exclusively
    path.write_text(yaml.safe_dump({"current-context": ["a"], "contexts": [{"name": {"x": 1}}, "text"],
                                    "users": [{"name": "atmos-eks-dev-us-east-2", "user": "text"}]}))
    again = run_atmos("auth", "login", "dev-admin", "--force")
    assert again.returncode == 0 and "internal error" not in again.stderr, again.stderr
    assert "✓ ECR login: 111111111111.dkr.ecr.us-east-2.amazonaws.com" in again.stderr
    path.write_text("[1, 2]\n")
    out = run_atmos("auth", "logout", "dev-admin")
    assert "internal error" not in out.stderr, out.stderr
    creds = Path(json.loads(run_atmos("auth", "env", "dev-admin", "-f", "json").stdout)["AWS_SHARED_CREDENTIALS_FILE"])
    assert "aws_secret_access_key" not in (creds.read_text() if creds.exists() else "")


def test_logout_removes_our_cluster_not_another_accounts_of_the_same_name(emu, isolated_home) -> None:
    use_config(EKS)
    path = kubeconfig(isolated_home)
    path.parent.mkdir(parents=True)
    theirs = "arn:aws:eks:us-east-2:999999999999:cluster/dev"
    path.write_text(yaml.safe_dump({"clusters": [{"name": theirs, "cluster": {"server": "https://x"}}],
                                    "contexts": [], "users": []}))
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    assert run_atmos("auth", "logout", "dev-admin").returncode == 0
    names = [c["name"] for c in yaml.safe_load(path.read_text())["clusters"]]
    assert names == [theirs]


def test_a_cached_eks_token_does_not_outlive_logout(emu, isolated_home) -> None:
    use_config(EKS)
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    args = ("aws", "eks", "token", "--cluster-name", "dev", "--region", "us-east-2", "-i", "dev-admin")
    assert run_atmos(*args).returncode == 0
    assert run_atmos("auth", "logout", "--all").returncode == 0
    after = run_atmos(*args)
    assert after.returncode != 0 and "k8s-aws-v1" not in after.stdout


def test_credential_process_values_and_times_are_checked(emu, tmp_path) -> None:
    from tests.test_credential_process import config

    helper = tmp_path / "evil.py"
    helper.write_text("import json; print(json.dumps({'Version': 1, 'AccessKeyId': 'AKIAX\\n[evil]\\nx=1', "
                      "'SecretAccessKey': 'b'}))")
    use_config(config(tmp_path, "ok").replace(f'"{tmp_path / "helper.py"}" ok', f'"{helper}"'))
    result = run_atmos("auth", "login", "external")
    assert result.returncode == 1 and "is not a credential" in result.stderr, result.stderr
    deep = tmp_path / "deep.py"
    deep.write_text("print('[' * 200000)")
    use_config(config(tmp_path, "ok").replace(f'"{tmp_path / "helper.py"}" ok', f'"{deep}"'))
    result = run_atmos("auth", "login", "external")
    assert result.returncode == 1 and "invalid JSON" in result.stderr, result.stderr
    use_config(config(tmp_path, "ok", "      spec: {timeout: abc}\n"))
    assert run_atmos("auth", "validate").returncode == 1
    offset = tmp_path / "offset.py"
    offset.write_text("import json; print(json.dumps({'Version': 1, 'AccessKeyId': 'AKIAEMULATORALICE001', "
                      "'SecretAccessKey': 'emulator-only-secret-for-alice-0000000000', "
                      "'Expiration': '2099-01-01T10:00:00+02:00'}))")
    use_config(config(tmp_path, "ok").replace(f'"{tmp_path / "helper.py"}" ok', f'"{offset}"'))
    printed = run_atmos("auth", "credential-process", "external")
    assert json.loads(printed.stdout)["Expiration"] == "2099-01-01T08:00:00Z", printed.stderr


def test_aws_files_are_written_as_atmos_writes_them_and_never_take_a_line_break(tmp_path, isolated_home) -> None:
    import re
    from datetime import UTC, datetime

    from atmos_auth.credentials import Credentials
    from atmos_auth.errors import StorageError
    from atmos_auth.stores.aws_files import AwsFiles

    files = AwsFiles(tmp_path / "aws")
    expires = datetime(2026, 11, 29, 12, 30, 15, 987654, tzinfo=UTC)
    files.write("dev-admin", Credentials("ASIAX", "secret", "token", expires_at=expires), "us-east-1")
    assert re.search(r"^; atmos: expiration=2026-11-29T12:30:15Z$", files.credentials.read_text(), re.M)
    assert files.read("dev-admin").expires_at == expires.replace(microsecond=0)
    with pytest.raises(StorageError):
        files.write("evil", Credentials("AKIA\n[evil]", "s"), "us-east-1")
    assert "[evil]" not in files.credentials.read_text()


def test_a_logout_without_docker_logins_writes_no_docker_state(emu, isolated_home) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "logout", "--all").returncode == 0
    assert not (isolated_home / ".cache/atmos/docker-logins.json").exists()
