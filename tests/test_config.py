"""The auth: model: every spec example loads; broken files give file:line: path: message, all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, SSO_PROVIDER, run_atmos

from atmos_auth.chain import chain_names, choose_identity
from atmos_auth.config.load import check, load_auth_config
from atmos_auth.errors import ConfigError, ConfigInvalid, UsageError

BASE = SSO_PROVIDER + """\
  identities:
    dev-admin:
      kind: aws/permission-set
      via:
        provider: company-sso
      principal:
        name: AdministratorAccess
        account: dev
  integrations:
    dev/ecr:
      kind: aws/ecr
      via:
        identity: dev-admin
      spec:
        registry:
          account_id: "123456789012"
          region: us-east-2
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "atmos.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_spec_example_validates(example: Path) -> None:
    config = load_auth_config(str(example))
    assert config.identities


# (replacement in BASE, expected line, expected path, expected message fragment)
BROKEN = [
    ('account_id: "123456789012"', 'account_id: "12345"', 22, "auth.integrations.dev/ecr.spec.registry.account_id",
     'must be 12 digits, got "12345"'),
    ("kind: aws/ecr", "kind: aws/ecrr", 17, "auth.integrations.dev/ecr.kind", 'unknown integration kind "aws/ecrr" (did you mean "aws/ecr"?)'),
    ("kind: aws/permission-set", "kind: aws/nope", 9, "auth.identities.dev-admin.kind", "known: ambient, aws/ambient, aws/assume-role, aws/assume-root, aws/credentials, aws/permission-set, aws/user"),
    ("      start_url: https://company.awsapps.com/start/\n", "", 3, "auth.providers.company-sso.start_url", "required field is missing"),
    ("start_url:", "start_ulr:", 6, "auth.providers.company-sso.start_ulr", 'unknown field, ignored (did you mean "start_url"?)'),
    ("region: us-east-2", "region: us-east", 23, "auth.integrations.dev/ecr.spec.registry.region", "must be an AWS region"),
    ("provider: company-sso", "provider: company-ss0", 11, "auth.identities.dev-admin.via.provider", 'provider "company-ss0" is not defined (did you mean "company-sso"?)'),
    ("identity: dev-admin", "identity: dev-admn", 19, "auth.integrations.dev/ecr.via.identity", 'identity "dev-admn" is not defined'),
    ("        provider: company-sso\n", "        provider: company-sso\n        identity: other\n", 10, "auth.identities.dev-admin.via", "give exactly one of `via.provider` or `via.identity` (found both)"),
    ("      via:\n        provider: company-sso\n", "", 8, "auth.identities.dev-admin.via", "no `via`: give `via.provider`"),
    ("        name: AdministratorAccess\n", "        name: [a, b]\n", 13, "auth.identities.dev-admin.principal.name", "valid string"),
    ("region: us-east-1", "region: 42", 5, "auth.providers.company-sso.region", 'must be an AWS region such as us-east-2, got "42"'),
    ("start_url: https://company.awsapps.com/start/", "start_url: http://x", 6, "auth.providers.company-sso.start_url", "must be an https:// URL"),
    ("        account: dev\n", "        account: {id: \"1234\"}\n", 14, "auth.identities.dev-admin.principal.account.id", "must be 12 digits"),
]


@pytest.mark.parametrize(("old", "new", "line", "path", "fragment"), BROKEN, ids=[b[3] + ":" + b[1][:12] for b in BROKEN])
def test_broken_configuration_names_file_line_and_path(tmp_path, old, new, line, path, fragment) -> None:
    assert old in BASE
    file = write(tmp_path, BASE.replace(old, new, 1))
    with pytest.raises(ConfigInvalid) as caught:
        check(load_auth_config(str(file)), strict=True)
    expected = f"atmos.yaml:{line}: {path}: "
    matching = [p for p in caught.value.problems if p.startswith(expected)]
    assert matching, caught.value.problems
    assert fragment in matching[0]


def test_cycle_is_printed(tmp_path) -> None:
    text = BASE.replace("  integrations:", """\
    a:
      kind: aws/assume-role
      via: {identity: b}
      principal: {assume_role: "arn:aws:iam::123456789012:role/a"}
    b:
      kind: aws/assume-role
      via: {identity: a}
      principal: {assume_role: "arn:aws:iam::123456789012:role/b"}
  integrations:""")
    file = write(tmp_path, text)
    with pytest.raises(ConfigInvalid) as caught:
        check(load_auth_config(str(file)), strict=True)
    assert any("identity cycle: a -> b -> a" in p or "identity cycle: b -> a -> b" in p for p in caught.value.problems)


def test_several_defaults_and_all_errors_in_one_run(tmp_path) -> None:
    text = BASE.replace("      kind: aws/permission-set\n", "      kind: aws/permission-set\n      default: true\n").replace(
        "  integrations:", """\
    other:
      kind: aws/permission-set
      default: true
      via: {provider: company-sso}
      principal: {name: X, account: "111111111111"}
  integrations:""").replace('account_id: "123456789012"', 'account_id: "1"')
    file = write(tmp_path, text)
    with pytest.raises(ConfigInvalid) as caught:
        check(load_auth_config(str(file)), strict=True)
    problems = caught.value.problems
    assert sum("several identities are marked `default: true` (dev-admin, other)" in p for p in problems) == 2
    assert any("account_id: must be 12 digits" in p for p in problems)


def test_yaml_syntax_error_names_line(tmp_path) -> None:
    file = write(tmp_path, "auth:\n  providers:\n    x: [unclosed\n  identities: {}\n")
    with pytest.raises(ConfigError, match=r"atmos.yaml:\d+: YAML syntax error"):
        load_auth_config(str(file))


@pytest.mark.parametrize("text", ["", "base_path: .\n", "auth:\n", "auth: {}\n"])
def test_issue_9_an_empty_or_missing_auth_section_is_a_valid_empty_configuration(tmp_path, text) -> None:
    config = load_auth_config(str(write(tmp_path, text)))
    assert (config.providers, config.identities, config.integrations) == ({}, {}, {}) and check(config) == []


def test_issue_9_a_file_that_is_not_a_mapping_is_refused(tmp_path) -> None:
    with pytest.raises(ConfigInvalid, match="atmos.yaml:1: \\(top level\\): the file must be a mapping"):
        load_auth_config(str(write(tmp_path, "- a list\n")))


def test_issue_9_assume_role_from_sso_provider_is_accepted_and_explained_when_used(tmp_path) -> None:
    """Atmos's `auth validate` accepts it (its fixture atmos-auth has one); it cannot work when used."""
    from atmos_auth.chain import known_identity

    text = BASE.replace("kind: aws/permission-set", "kind: aws/assume-role").replace(
        "        name: AdministratorAccess\n        account: dev\n", '        assume_role: "arn:aws:iam::123456789012:role/x"\n')
    config = load_auth_config(str(write(tmp_path, text)))
    assert any("Put an aws/permission-set between them" in w for w in check(config))
    with pytest.raises(ConfigInvalid, match="atmos.yaml:[0-9]+: auth.identities.dev-admin.via.provider: "
                                            "aws/assume-role cannot start from"):
        known_identity(config, "dev-admin")


def test_env_tag_resolves_and_is_hidden_from_list(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MY_SECRET_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET")
    monkeypatch.setenv("MY_KEY_ID", "AKIAEXAMPLEKEY00001")
    write(tmp_path, """\
    auth:
      identities:
        me:
          kind: aws/user
          credentials:
            access_key_id: !env MY_KEY_ID
            secret_access_key: !env MY_SECRET_KEY
            region: us-east-2
    """)
    config = load_auth_config()
    assert config.identities["me"].credentials.secret_access_key.get_secret_value().endswith("SECRET")
    for fmt in ("json", "yaml", "tree", "table"):
        result = run_atmos("auth", "list", "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert "SECRET" not in result.stdout + result.stderr
        assert "AKIAEXAMPLEKEY00001" not in result.stdout + result.stderr


def test_issue_9_an_unset_env_tag_is_empty_as_in_atmos_and_a_warning(tmp_path, monkeypatch) -> None:
    write(tmp_path, "auth:\n  identities:\n    me:\n      kind: aws/user\n      credentials:\n"
                    "        secret_access_key: !env NOPE_NOT_SET\n        region: !env NOPE_REGION \"us-west-2\"\n")
    config = load_auth_config()
    assert config.identities["me"].credentials.secret_access_key.get_secret_value() == ""
    assert config.identities["me"].credentials.region == "us-west-2"  # a quoted default loses its quotes
    warnings = check(config)
    assert warnings == ['atmos.yaml:6: auth.identities.me.credentials.secret_access_key: environment variable '
                        'NOPE_NOT_SET (from !env) is not set; it is read as ""']
    with pytest.raises(ConfigInvalid, match="NOPE_NOT_SET"):
        check(config, strict=True)


def test_discovery_order_and_message(tmp_path, monkeypatch, isolated_home) -> None:
    with pytest.raises(ConfigError, match="no atmos.yaml found; looked in") as caught:
        load_auth_config()
    assert ".atmos/atmos.yaml" in str(caught.value)
    home_config = isolated_home / ".atmos" / "atmos.yaml"
    home_config.parent.mkdir()
    home_config.write_text(BASE)
    assert load_auth_config().source == home_config
    (tmp_path / "atmos.yaml").write_text(BASE.replace("dev-admin", "local-admin"))
    assert "local-admin" in load_auth_config().identities
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "atmos.yaml").write_text(BASE.replace("dev-admin", "env-admin"))
    monkeypatch.setenv("ATMOS_CLI_CONFIG_PATH", str(folder))
    assert "env-admin" in load_auth_config().identities


def test_chain_and_default_identity() -> None:
    config = load_auth_config(str(EXAMPLES / "ci.yaml"))
    assert chain_names(config, "ci-deployer") == ["github-actions", "ci-deployer"]
    assert choose_identity(config, None, {}) == "ci-deployer"
    assert choose_identity(config, None, {"ATMOS_IDENTITY": "gitlab-deployer"}) == "gitlab-deployer"
    config = load_auth_config(str(EXAMPLES / "multi-environment.yaml"))
    with pytest.raises(UsageError, match="none is marked `default: true` \\(identities: dev-admin, prod-deployer\\)"):
        choose_identity(config, None, {})
    with pytest.raises(ConfigError, match='Did you mean "dev-admin"'):
        choose_identity(config, "dev-admn", {})


def test_validate_cli_exit_codes(tmp_path) -> None:
    ok = run_atmos("--config", str(EXAMPLES / "quick-start.yaml"), "auth", "validate")
    assert ok.returncode == 0 and "valid" in ok.stderr
    bad = write(tmp_path, BASE.replace('"123456789012"', '"12345"').replace("aws/ecr", "aws/ecrr"))
    result = run_atmos("--config", str(bad), "auth", "validate")
    assert result.returncode == 1
    assert "atmos.yaml:17: auth.integrations.dev/ecr.kind" in result.stderr
