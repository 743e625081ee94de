"""Issue 9 item 2: atmos.yaml is found and merged as Atmos does (discovery, atmos.d/, import:, profiles,
several --config), and every message points into the file that holds the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import SSO_PROVIDER, run_atmos

from atmos_auth.config import discover
from atmos_auth.config.load import check, load_auth_config
from atmos_auth.errors import ConfigInvalid, UsageError

SSO = SSO_PROVIDER


def identity(name: str, account: str = "123456789012", **extra: str) -> str:
    more = "".join(f"      {k}: {v}\n" for k, v in extra.items())
    return (f"    {name}:\n      kind: aws/permission-set\n      via: {{provider: company-sso}}\n"
            f"      principal: {{name: Admin, account: {{id: \"{account}\"}}}}\n{more}")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def identities_file(*names: str) -> str:
    return "auth:\n  identities:\n" + "".join(identity(n) for n in names)


@pytest.fixture
def repo(tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree with no configuration yet; the system folder is an empty scratch folder."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.setattr(discover, "SYSTEM_DIR", tmp_path / "system")
    return root


def test_issue_9_a_sub_folder_finds_the_configuration_of_its_project(repo, monkeypatch) -> None:
    write(repo / "atmos.yaml", SSO + "  identities:\n" + identity("dev-admin"))
    deep = repo / "components" / "terraform" / "vpc"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert list(load_auth_config().identities) == ["dev-admin"]
    result = run_atmos("auth", "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert list(json.loads(result.stdout)["identities"]) == ["dev-admin"]


def test_issue_9_every_discovered_file_is_merged_in_atmos_order(repo, isolated_home, tmp_path, monkeypatch) -> None:
    write(tmp_path / "system" / "atmos.yaml", identities_file("from-system"))
    write(isolated_home / ".atmos" / "atmos.yaml", SSO + "  identities:\n" + identity("from-home"))
    write(repo / "atmos.yaml", identities_file("from-root"))
    write(repo / "stacks" / "atmos.yaml", identities_file("from-parent"))
    here = repo / "stacks" / "deep"
    here.mkdir()
    monkeypatch.chdir(here)
    config = load_auth_config()
    assert list(config.identities) == ["from-system", "from-home", "from-parent", "from-root"]
    assert [f.name for f in config.files] == ["atmos.yaml"] * 4
    # a current folder with its own configuration skips the parent and git-root searches
    write(here / ".atmos.yaml", identities_file("from-here"))
    assert list(load_auth_config().identities) == ["from-system", "from-home", "from-here"]
    # ATMOS_CLI_CONFIG_PATH comes last, and also skips them
    write(tmp_path / "ci" / "atmos.yaml", identities_file("from-ci"))
    monkeypatch.delenv("ATMOS_CLI_CONFIG_PATH", raising=False)
    config = load_auth_config(environ={"HOME": str(isolated_home), "ATMOS_CLI_CONFIG_PATH": str(tmp_path / "ci")})
    assert list(config.identities) == ["from-system", "from-home", "from-here", "from-ci"]


def test_issue_9_atmos_d_and_imports_merge_under_the_file(repo, monkeypatch) -> None:
    write(repo / "atmos.yaml", SSO + "  identities:\n" + identity("shared", "111111111111")
          + "import:\n  - config/auth.yaml\n  - 'config/teams/*.yaml'\n")
    write(repo / "config" / "auth.yaml", "auth:\n  identities:\n" + identity("shared", "222222222222")
          + identity("imported") + "import: [config/nested]\n")
    write(repo / "config" / "nested" / "more.yaml", identities_file("nested"))
    write(repo / "config" / "teams" / "a.yaml", identities_file("team-a"))
    write(repo / "atmos.d" / "10-base.yaml", identities_file("from-atmos-d"))
    write(repo / "atmos.d" / "sub" / "x.yml", identities_file("deeper"))
    write(repo / ".atmos.d" / "auth.yaml", identities_file("from-dot-atmos-d"))
    monkeypatch.chdir(repo)
    config = load_auth_config()
    assert set(config.identities) == {"shared", "imported", "nested", "team-a", "from-atmos-d", "deeper",
                                      "from-dot-atmos-d"}
    # the file itself wins over what it imports; an identity is replaced whole
    assert config.identities["shared"].principal.account.id == "111111111111"
    assert [str(f.relative_to(repo)) for f in config.files] == [
        "atmos.d/10-base.yaml", "atmos.d/sub/x.yml", ".atmos.d/auth.yaml", "config/auth.yaml",
        "config/nested/more.yaml", "config/teams/a.yaml", "atmos.yaml"]


def test_issue_9_messages_point_into_the_file_that_holds_the_line(repo, monkeypatch) -> None:
    write(repo / "atmos.yaml", SSO + "import: [team.yaml]\n")
    write(repo / "team.yaml", "# team file\nauth:\n  identities:\n    broken:\n      kind: aws/permission-set\n"
          "      via: {provider: nowhere}\n      principal: {name: Admin, account: {id: \"123456789012\"}}\n")
    monkeypatch.chdir(repo)
    with pytest.raises(ConfigInvalid) as error:
        check(load_auth_config())
    assert 'team.yaml:6: auth.identities.broken.via.provider: provider "nowhere" is not defined' in str(error.value)
    result = run_atmos("auth", "validate")
    assert result.returncode == 1 and "team.yaml:6: auth.identities.broken.via.provider" in result.stderr


def test_issue_9_import_problems_are_located_and_never_stop_the_rest(repo, monkeypatch) -> None:
    write(repo / "atmos.yaml", SSO + "  identities:\n" + identity("dev-admin") + "import:\n  - missing.yaml\n"
          "  - https://example.com/auth.yaml\n  - bad.yaml\n  - loop-a.yaml\n")
    write(repo / "bad.yaml", "auth: [unclosed\n")
    write(repo / "loop-a.yaml", "import: [loop-b.yaml]\n" + identities_file("a"))
    write(repo / "loop-b.yaml", "import: [loop-a.yaml]\n" + identities_file("b"))
    monkeypatch.chdir(repo)
    config = load_auth_config()
    assert set(config.identities) == {"dev-admin", "a", "b"}
    texts = [p.text for p in config.problems]
    assert any(t.startswith("atmos.yaml:13: import.0: import \"missing.yaml\": no file matches") for t in texts)
    assert any(t.startswith("atmos.yaml:14: import.1: remote import \"https://example.com/auth.yaml\" is not "
                            "fetched") for t in texts)
    assert any(t.startswith("atmos.yaml:15: import.2: import \"bad.yaml\": bad.yaml:2: YAML syntax error")
               for t in texts)
    assert any("is already being imported (a cycle)" in t for t in texts)
    login = run_atmos("auth", "env", "dev-admin")  # the rest of the file keeps working
    assert login.returncode == 0 and "AWS_PROFILE=dev-admin" in login.stdout, login.stderr


def test_issue_9_profiles_merge_last(repo, isolated_home, monkeypatch) -> None:
    write(repo / "atmos.yaml", SSO + "  identities:\n" + identity("dev-admin") + "profiles:\n  default: base\n")
    write(repo / "profiles" / "base" / "auth.yaml", identities_file("from-base"))
    write(repo / "profiles" / "ci" / "auth.yaml", "auth:\n  identities:\n" + identity("dev-admin", "999999999999"))
    write(repo / ".atmos" / "profiles" / "dev" / "x.yaml", identities_file("from-dev"))
    monkeypatch.chdir(repo)
    assert "from-base" in load_auth_config().identities
    config = load_auth_config(profiles=["ci,dev"])
    assert "from-base" not in config.identities and "from-dev" in config.identities
    assert config.identities["dev-admin"].principal.account.id == "999999999999"
    assert "from-dev" in load_auth_config(environ={"HOME": str(isolated_home), "ATMOS_PROFILE": "dev"}).identities
    with pytest.raises(UsageError, match='profile "nope" not found') as error:
        load_auth_config(profiles=["nope"])
    assert "base, ci, dev" in (error.value.remedy or "")
    result = run_atmos("auth", "list", "--profile", "ci", "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout)["identities"]["dev-admin"]["principal"][
        "account"]["id"] == "999999999999"
    assert run_atmos("--profile", "nope", "auth", "list").returncode == 2


def test_issue_9_several_config_files_merge_in_order(tmp_path) -> None:
    one = write(tmp_path / "a" / "atmos.yaml", SSO + "  identities:\n" + identity("dev-admin"))
    two = write(tmp_path / "b" / "atmos.yaml", "auth:\n  identities:\n" + identity("dev-admin", "999999999999")
                + identity("extra"))
    config = load_auth_config([str(one), str(two)])
    assert config.identities["dev-admin"].principal.account.id == "999999999999"
    result = run_atmos("auth", "list", "--config", f"{one},{two}", "--format", "json")
    assert result.returncode == 0 and set(json.loads(result.stdout)["identities"]) == {"dev-admin", "extra"}
    assert json.loads(result.stdout)["files"] == ["a/atmos.yaml", "b/atmos.yaml"]  # relative to the current folder
    both = run_atmos("auth", "validate", "--config-path", str(one.parent), "--config", str(two))
    assert both.returncode == 0 and "a/atmos.yaml" in both.stderr and "b/atmos.yaml" in both.stderr


def test_issue_9_identity_names_match_in_any_case_and_merge_as_one(tmp_path) -> None:
    one = write(tmp_path / "a.yaml", SSO + "  identities:\n" + identity("Dev-Admin"))
    two = write(tmp_path / "b.yaml", "auth:\n  identities:\n" + identity("dev-admin", "999999999999"))
    config = load_auth_config([str(one), str(two)])
    assert list(config.identities) == ["dev-admin"]
    env = run_atmos("auth", "env", "DEV-ADMIN", "--config", str(one))
    assert env.returncode == 0 and "AWS_PROFILE=dev-admin" in env.stdout, env.stderr


def test_issue_9_lists_are_replaced_and_unset_removes(tmp_path) -> None:
    one = write(tmp_path / "a.yaml", SSO + "  identities:\n" + identity("gone") + identity("kept", tags="[a, b]"))
    two = write(tmp_path / "b.yaml", "auth:\n  identities:\n    gone: !unset\n" + identity("kept", tags="[c]"))
    config = load_auth_config([str(one), str(two)])
    assert list(config.identities) == ["kept"] and config.identities["kept"].tags == ["c"]
    three = write(tmp_path / "c.yaml", "auth:\n  identities:\n" + identity("kept", tags="!append [d]"))
    assert load_auth_config([str(one), str(two), str(three)]).identities["kept"].tags == ["d"]  # whole identity


def test_issue_9_nothing_found_says_where_it_looked(repo, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    result = run_atmos("auth", "list")
    assert result.returncode == 1 and "no atmos.yaml found" in result.stderr and "git root" in result.stderr


def test_issue_9_git_root_atmos_d_alone_is_a_configuration(repo, monkeypatch) -> None:
    write(repo / "atmos.d" / "auth.yaml", SSO + "  identities:\n" + identity("dev-admin"))
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    assert list(load_auth_config().identities) == ["dev-admin"]
    # and the repository's atmos.d/ joins a configuration found elsewhere (~/.atmos here)
    write(Path.home() / ".atmos" / "atmos.yaml", identities_file("from-home"))
    assert set(load_auth_config().identities) == {"dev-admin", "from-home"}


def test_issue_9_same_identity_in_two_cases_in_one_file_is_one(tmp_path) -> None:
    path = write(tmp_path / "atmos.yaml", SSO + "  identities:\n" + identity("Dev-Admin", "111111111111")
                 + identity("dev-admin", "222222222222"))
    config = load_auth_config(str(path))
    assert list(config.identities) == ["dev-admin"]
    assert config.identities["dev-admin"].principal.account.id == "222222222222"
    assert any('Dev-Admin: the same identity as "dev-admin"' in w for w in check(config))


def test_issue_9_hostile_imports_are_located_and_read_once(repo, monkeypatch) -> None:
    (repo / "loop").mkdir()
    (repo / "loop" / "up").symlink_to("..")
    write(repo / "atmos.yaml", SSO + "  identities:\n" + identity("dev-admin")
          + f"import:\n  - {'a' * 300}.yaml\n  - 'loop/**/*.yaml'\n  - {repo / 'imported.yaml'}\n")
    write(repo / "imported.yaml", identities_file("imported"))
    monkeypatch.chdir(repo)
    config = load_auth_config()
    assert set(config.identities) == {"dev-admin", "imported"}
    texts = [p.text for p in config.problems]
    assert any(t.startswith("atmos.yaml:13: import.0: import \"aaaa") and "File name too long" in t for t in texts)
    assert config.files.count(repo / "imported.yaml") == 1 and len(config.files) == len(set(config.files))
    assert run_atmos("auth", "validate", "--config", "").returncode == 2


def test_issue_9_the_realm_is_hashed_from_the_folder_as_the_shell_spells_it(tmp_path, isolated_home) -> None:
    import hashlib
    import os

    real = tmp_path / "Real"
    write(real / "atmos.yaml", SSO + "  identities:\n" + identity("dev-admin"))
    (tmp_path / "Link").symlink_to(real)
    link = str(tmp_path / "Link")
    env = run_atmos("-C", link, "auth", "env", "dev-admin", env={"PWD": link})
    expected = hashlib.sha256(link.lower().encode()).hexdigest()[:16]
    assert f"/atmos/{expected}/aws/" in env.stdout, env.stdout  # Go's os.Getwd keeps $PWD's spelling
    empty = write(tmp_path / "empty" / "atmos.yaml", "auth:\n  realm: ''\n  identities: {}\n")
    folder = os.path.normpath(empty.parent)
    assert load_auth_config(str(empty)).realm == hashlib.sha256(folder.lower().encode()).hexdigest()[:16]
    number = write(tmp_path / "n" / "atmos.yaml", "auth:\n  realm: 12345\n")
    assert load_auth_config(str(number)).realm == "12345"


def test_issue_10_with_config_flags_the_realm_hashes_the_folders_as_typed_as_atmos_does(tmp_path, isolated_home) -> None:
    """Atmos's CliConfigPath is filepath.Dir of each --config as typed, and each --config-path as typed
    (pkg/config/load_config_args.go): `--config atmos.yaml` hashes ".", checked against the Atmos binary."""
    import hashlib

    write(tmp_path / "atmos.yaml", SSO + "  identities:\n" + identity("dev-admin"))
    dot = hashlib.sha256(b".").hexdigest()[:16]
    for args in (("--config", "atmos.yaml"), ("--config-path", ".")):
        env = run_atmos(*args, "auth", "env", "dev-admin")
        assert f"/atmos/{dot}/aws/" in env.stdout, (args, env.stdout)
    both = run_atmos("--config-path", ".", "--config-path", str(tmp_path), "auth", "env", "dev-admin")
    joined = hashlib.sha256(f".;{str(tmp_path).lower()};".encode()).hexdigest()[:16]
    assert f"/atmos/{joined}/aws/" in both.stdout, both.stdout


def test_issue_9_the_example_project_works_from_a_component_folder(isolated_home) -> None:
    """examples/project: atmos.yaml + import: + .atmos.d/ (an Azure identity) + profiles/ci, with the
    sections Atmos itself uses; every command from components/terraform/vpc, as its users stand there."""
    project = Path(__file__).resolve().parent.parent / "examples" / "project"
    here = str(project / "components" / "terraform" / "vpc")
    listed = run_atmos("-C", here, "auth", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    summary = json.loads(listed.stdout)
    assert set(summary["identities"]) == {"dev-admin", "prod-readonly", "azure-dev"}
    assert summary["identities"]["azure-dev"]["available"] is False
    assert [Path(f).name for f in summary["files"]] == ["azure.yaml", "identities.yaml", "atmos.yaml"]
    valid = run_atmos("-C", here, "auth", "validate")
    assert valid.returncode == 0 and "with 2 warnings" in valid.stderr, valid.stderr
    assert run_atmos("-C", here, "auth", "validate", "--strict").returncode == 1
    env = run_atmos("-C", here, "auth", "env")
    assert env.returncode == 0 and "TF_VAR_stage=dev" in env.stdout and "AWS_PROFILE=dev-admin" in env.stdout
    ci = run_atmos("-C", here, "--profile", "ci", "auth", "list", "--format", "json")
    assert json.loads(ci.stdout)["identities"]["dev-admin"]["kind"] == "aws/assume-role"


def test_issue_9_merge_marks_survive_between_files(repo, isolated_home, monkeypatch) -> None:
    write(isolated_home / ".atmos" / "atmos.yaml", SSO + "  identities:\n" + identity("Dev-Admin", tags="[home]")
          + identity("keep", tags="[home]"))
    write(repo / "atmos.yaml", "auth:\n  identities:\n    dev-admin: !unset\n"
          + identity("keep", tags="!append [cwd]").replace("    keep:", "    keep:", 1))
    monkeypatch.chdir(repo)
    config = load_auth_config()
    assert "Dev-Admin" not in config.identities and "dev-admin" not in config.identities  # !unset in any case
    assert config.identities["keep"].tags == ["cwd"]  # identities are replaced whole, so !append has nothing


def test_issue_9_append_and_via_in_any_case_across_files(repo, isolated_home, monkeypatch) -> None:
    write(isolated_home / ".atmos" / "atmos.yaml", SSO + "  identities:\n" + identity("base-admin")
          + "  keyring: {type: memory}\nsettings:\n  list: [home]\n")
    write(repo / "atmos.yaml", "auth:\n  identities:\n    chained:\n      kind: aws/assume-role\n"
          "      via: {identity: BASE-ADMIN}\n      principal: {assume_role: 'arn:aws:iam::123456789012:role/x'}\n"
          "settings:\n  list: !append [cwd]\n")
    monkeypatch.chdir(repo)
    config = load_auth_config()
    assert config.identities["chained"].via.identity == "base-admin"
    assert not [p for p in config.problems if p.error]


def test_issue_9_imports_are_bounded(repo, monkeypatch) -> None:
    import time

    write(repo / "atmos.yaml", SSO + f"base_path: .\nimport: ['/usr/**/*.yaml', '{'b' * 300}/x.yaml']\n")
    monkeypatch.chdir(repo)
    started = time.monotonic()
    config = load_auth_config()
    assert time.monotonic() - started < 20
    assert any("import.0" in p.text and ("more than" in p.text or "no file matches" in p.text)
               for p in config.problems)
    long_base = write(repo / "long" / "atmos.yaml", f"base_path: {'c' * 300}\nimport: [x.yaml]\n" + SSO)
    assert "company-sso" in load_auth_config(str(long_base)).providers


def test_issue_9_atmos_config_variables_split_on_commas_only(tmp_path) -> None:
    spaced = write(tmp_path / "sp ace" / "atmos.yaml", SSO + "  identities:\n" + identity("dev-admin"))
    result = run_atmos("auth", "list", "--format", "json", env={"ATMOS_CONFIG": str(spaced)})
    assert result.returncode == 0 and "dev-admin" in json.loads(result.stdout)["identities"], result.stderr


def test_issue_9_logout_removes_profiles_written_before_realms(tmp_path, isolated_home, monkeypatch) -> None:
    write(tmp_path / "atmos.yaml", SSO + "  identities:\n" + identity("Dev-Admin"))
    monkeypatch.chdir(tmp_path)
    legacy = write(isolated_home / ".config/atmos/aws/company-sso/credentials",
                   "[other]\naws_access_key_id = AKIAOTHER\n\n[Dev-Admin]\naws_access_key_id = AKIAOLD\n"
                   "aws_secret_access_key = old\n")
    result = run_atmos("auth", "logout", "dev-admin")
    assert result.returncode == 0, result.stderr
    assert "AKIAOLD" not in legacy.read_text() and "[other]" in legacy.read_text()
