"""Issue 12 item 1: a configuration validated once is read back from its snapshot, without pydantic or
YAML, while everything its load looked at still holds; the answers are the same either way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, REPO, login_env, run_atmos, use_config

KINDS = sorted((REPO / "examples/kinds").glob("*.yaml"))


def snapshots(home: Path) -> list[Path]:
    folder = home / ".cache/atmos/config-snapshots"
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def imported(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run the CLI and say which modules it imported."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "atmos_auth", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=60)
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return done, names


@pytest.mark.parametrize("example", [*sorted((EXAMPLES).glob("*.yaml")), *KINDS], ids=lambda p: p.stem)
def test_issue_12_a_snapshot_answers_as_the_validation_did(example, isolated_home) -> None:
    use_config(example.read_text())
    first = [run_atmos(*args) for args in (("auth", "validate"), ("auth", "list", "-f", "json"))]
    assert snapshots(isolated_home), "the first run keeps a snapshot"
    again, names = imported("auth", "list", "-f", "json")
    assert again.stdout == first[1].stdout and again.returncode == first[1].returncode
    assert not {"pydantic", "yaml", "boto3"} & names, "read back without pydantic, PyYAML or boto3"
    validate = run_atmos("auth", "validate")
    assert (validate.returncode, validate.stdout, validate.stderr) == (first[0].returncode, first[0].stdout,
                                                                       first[0].stderr)
    identities = json.loads(first[1].stdout)["identities"]
    for name in list(identities)[:3]:
        slow_env = run_atmos("auth", "env", name, "-f", "json", env={"ATMOS_PROFILE_UNUSED": "x"})
        assert run_atmos("auth", "env", name, "-f", "json").stdout == slow_env.stdout


def test_issue_12_cached_credentials_are_found_from_a_snapshot_too(emu, isolated_home) -> None:
    """The cache key is computed from the models: read back, they give the same key (no new sign-in)."""
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    again, names = imported("auth", "login", "dev-admin", "-f", "json")
    assert again.returncode == 0 and json.loads(again.stdout)["from_cache"] is True, again.stderr
    assert "pydantic" not in names and "boto3" not in names


def test_issue_12_any_change_the_load_would_see_is_seen(isolated_home, tmp_path, monkeypatch) -> None:
    use_config("quick-start")
    listed = lambda: json.loads(run_atmos("auth", "list", "-f", "json").stdout)  # noqa: E731
    assert set(listed()["identities"]) == {"dev-admin"}
    # an edit of the same length
    Path("atmos.yaml").write_text(Path("atmos.yaml").read_text().replace("dev-admin", "dev-admix"))
    assert set(listed()["identities"]) == {"dev-admix"}
    # a file appearing in atmos.d/
    Path("atmos.d").mkdir()
    Path("atmos.d/more.yaml").write_text("auth:\n  identities:\n    extra:\n      kind: aws/permission-set\n"
                                         "      via: {provider: company-sso}\n"
                                         "      principal: {name: ReadOnly, account: {id: '123456789012'}}\n")
    assert set(listed()["identities"]) == {"dev-admix", "extra"}
    # a variable `!env` reads
    Path("atmos.d/more.yaml").write_text("auth:\n  identities:\n    extra:\n      kind: aws/permission-set\n"
                                         "      via: {provider: company-sso}\n"
                                         "      principal: {name: ReadOnly, account: {id: !env ACCOUNT}}\n")
    monkeypatch.setenv("ACCOUNT", "123456789012")
    assert run_atmos("auth", "validate").returncode == 0 and run_atmos("auth", "validate").returncode == 0
    monkeypatch.setenv("ACCOUNT", "12")
    assert run_atmos("auth", "validate").returncode == 1  # the new value was read
    # the folder's file disappearing, and a damaged snapshot: misses
    Path("atmos.d/more.yaml").unlink()
    assert set(listed()["identities"]) == {"dev-admix"}
    for path in snapshots(isolated_home):
        path.write_bytes(b"\0garbage")
    assert set(listed()["identities"]) == {"dev-admix"}


def test_issue_12_volatile_or_secret_configurations_are_never_kept(isolated_home, monkeypatch) -> None:
    use_config("auth:\n  identities:\n    one:\n      kind: aws/ambient\n      env: {WHEN: !exec date +%N}\n")
    assert run_atmos("auth", "validate").returncode == 0
    assert snapshots(isolated_home) == []
    monkeypatch.setenv("SAML_PASSWORD", "a-secret-password")
    use_config("auth:\n  providers:\n    idp:\n      kind: aws/saml\n      url: https://idp.example.com/login\n"
               "      region: us-east-1\n      username: me\n      password: !env SAML_PASSWORD\n")
    assert run_atmos("auth", "validate").returncode == 0
    assert snapshots(isolated_home) == []
    assert not any(b"a-secret-password" in p.read_bytes() for p in (isolated_home / ".cache").rglob("*")
                   if p.is_file())


def test_issue_12_a_snapshot_that_cannot_be_read_back_is_dropped_and_the_command_validates(isolated_home) -> None:
    """Damage past the checks (a class gone) is found only once the models are built without pydantic:
    the command starts over, validating, and the snapshot is gone. A snapshot others may write is ignored."""
    import marshal

    use_config("quick-start")
    expected = run_atmos("auth", "list", "-f", "json").stdout
    [path] = snapshots(isolated_home)
    seen, encoded = marshal.loads(path.read_bytes())
    path.write_bytes(marshal.dumps((seen, ("M", "atmos_auth.config.model", "NoSuchModel", ()))))
    again = run_atmos("auth", "list", "-f", "json")
    assert again.returncode == 0 and again.stdout == expected, again.stderr
    assert run_atmos("auth", "list", "-f", "json").stdout == expected
    [path] = snapshots(isolated_home)
    path.chmod(0o666)
    _, names = imported("auth", "list", "-f", "json")
    assert "pydantic" in names  # not trusted: validated again
