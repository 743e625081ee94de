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
    # a variable the load reads (here: which file `import:` names)
    Path("atmos.yaml").write_text(Path("atmos.yaml").read_text() + "import:\n  - !env EXTRA_FILE\n")
    Path("one.yaml").write_text("auth:\n  identities:\n    from-one:\n      kind: aws/permission-set\n"
                                "      via: {provider: company-sso}\n"
                                "      principal: {name: ReadOnly, account: {id: '123456789012'}}\n")
    Path("two.yaml").write_text(Path("one.yaml").read_text().replace("from-one", "from-two"))
    monkeypatch.setenv("EXTRA_FILE", "one.yaml")
    assert "from-one" in listed()["identities"] and "from-one" in listed()["identities"]
    monkeypatch.setenv("EXTRA_FILE", "two.yaml")
    assert "from-two" in listed()["identities"]
    # the folder's file disappearing, and a damaged snapshot: misses
    Path("atmos.d/more.yaml").unlink()
    assert set(listed()["identities"]) == {"dev-admix", "from-two"}
    for path in snapshots(isolated_home):
        path.write_bytes(b"\0garbage")
    assert set(listed()["identities"]) == {"dev-admix", "from-two"}


def test_issue_12_symlinks_that_move_are_seen(isolated_home, tmp_path, monkeypatch) -> None:
    """A `base_path` through a link, and $PWD through a link (current -> releases/v1), retargeted."""
    identity = "auth:\n  providers:\n    p: {{kind: mock}}\n  identities:\n    {name}: {{kind: mock/aws, via: {{provider: p}}}}\n"
    for name in ("conf-a", "conf-b"):
        Path(name).mkdir()
        Path(name, "auth.yaml").write_text(identity.format(name=f"in-{name}"))
    Path("atmos.yaml").write_text("base_path: ./conf\nimport:\n  - auth.yaml\n")
    Path("conf").symlink_to("conf-a")
    listed = lambda **env: set(json.loads(run_atmos("auth", "list", "-f", "json", env=env).stdout)["identities"])  # noqa: E731
    assert listed() == listed() == {"in-conf-a"}
    Path("conf").unlink()
    Path("conf").symlink_to("conf-b")
    assert listed() == {"in-conf-b"}
    releases = tmp_path / "releases"
    for version in ("v1", "v2"):
        (releases / version).mkdir(parents=True)
    (tmp_path / "atmos.yaml").write_text(identity.format(name="top-level"))
    (releases / "atmos.yaml").write_text(identity.format(name="release-level"))
    current = tmp_path / "current"
    current.symlink_to(releases / "v1")
    monkeypatch.chdir(current)
    here = {"PWD": str(current)}
    assert listed(**here) == listed(**here) == {"top-level"}  # found from $PWD's parent, as Atmos does
    current.unlink()
    current.symlink_to(releases / "v2")  # the shell stays in v1: its $PWD no longer names where it is
    assert listed(**here) == {"release-level"} == set(json.loads(run_atmos("auth", "list", "-f", "json", env={
        **here, "ATMOS_AUTH_NO_SNAPSHOT": "1"}).stdout)["identities"])


def test_issue_12_values_read_back_dump_as_pydantic_dumps_them(isolated_home) -> None:
    """inf/nan, sets and number keys under a free-form `spec`: the same listing and the same credential
    cache key (a login from one mode is cached for the other)."""
    use_config("auth:\n  providers:\n    p: {kind: mock, spec: {ratio: .inf, odd: .nan, 7: seven, tags: !!set {a, b}}}\n"
               "  identities:\n    m: {kind: mock/aws, via: {provider: p}}\n")
    slow = run_atmos("auth", "list", "-f", "json", env={"ATMOS_AUTH_NO_SNAPSHOT": "1"}).stdout
    run_atmos("auth", "list", "-f", "json")
    assert run_atmos("auth", "list", "-f", "json").stdout == slow
    assert run_atmos("auth", "login", "m").returncode == 0
    refs = {run_atmos("auth", "whoami", "m", "-o", "json", env=env).stdout.split('"credentials_ref": ')[1].split(",")[0]
            for env in ({}, {"ATMOS_AUTH_NO_SNAPSHOT": "1"})}
    assert len(refs) == 1, refs


def test_issue_12_volatile_or_secret_configurations_are_never_kept(isolated_home, monkeypatch) -> None:
    use_config("auth:\n  identities:\n    one:\n      kind: aws/ambient\n      env: {WHEN: !exec date +%N}\n")
    assert run_atmos("auth", "validate").returncode == 0
    assert snapshots(isolated_home) == []
    monkeypatch.setenv("SAML_PASSWORD", "a-secret-password")
    use_config("auth:\n  providers:\n    idp:\n      kind: aws/saml\n      url: https://idp.example.com/login\n"
               "      region: us-east-1\n      username: me\n      password: !env SAML_PASSWORD\n")
    assert run_atmos("auth", "validate").returncode == 0
    assert snapshots(isolated_home) == []
    monkeypatch.setenv("GH_TOKEN", "ghp_a-secret-token")
    use_config("env: {GITHUB_TOKEN: !env GH_TOKEN}\nauth:\n  identities:\n    one: {kind: aws/ambient}\n")
    assert run_atmos("auth", "validate").returncode == 0 and run_atmos("auth", "validate").returncode == 0
    assert snapshots(isolated_home) == []
    monkeypatch.setenv("ATMOS_PROFILE_DIR_SECRET", "never-written-value")  # a variable read, kept as a digest
    use_config("quick-start")
    assert run_atmos("auth", "validate", env={"ATMOS_PROFILE": ""}).returncode == 0
    assert snapshots(isolated_home)
    leaked = [p for p in (isolated_home / ".cache").rglob("*") if p.is_file() and any(
        secret in p.read_bytes() for secret in (b"a-secret-password", b"ghp_a-secret-token"))]
    assert leaked == []


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
    seen, encoded = marshal.loads(path.read_bytes())
    path.write_bytes(marshal.dumps((seen, ("M", "atmos_auth.config.model", "NoSuchModel", ()))))
    Path("sub").mkdir()
    Path("sub/atmos.yaml").write_text(Path("atmos.yaml").read_text())
    from_sub = run_atmos("-C", "sub", "auth", "list", "-f", "json")  # relative --chdir: starts over from here
    assert from_sub.returncode == 0, from_sub.stderr
    [path, *_] = snapshots(isolated_home)
    path.chmod(0o666)
    _, names = imported("auth", "list", "-f", "json")
    assert "pydantic" in names  # not trusted: validated again
