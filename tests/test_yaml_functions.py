"""Issue 9 items 3, 5 and 6: Atmos's YAML functions in atmos.yaml, the fields of its auth schema that act
(identity env, endpoints, files.base_path, session), the realm, and lower-cased AWS profiles."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from tests.conftest import DEV_ADMIN, EXAMPLES, login_env, run_atmos, use_config

from atmos_auth.config.load import check, load_auth_config
from atmos_auth.errors import ConfigInvalid

HEAD = DEV_ADMIN


def load(tmp_path: Path, text: str, **environ: str):
    path = tmp_path / "atmos.yaml"
    path.write_text(text)
    return load_auth_config(str(path), {**os.environ, **environ})


def test_issue_9_functions_are_evaluated_in_auth(tmp_path) -> None:
    (tmp_path / "principal.json").write_text('{"name": "FromJson", "account": {"id": "111111111111"}}')
    (tmp_path / "ids.yaml").write_text("accounts:\n  - {id: '222222222222'}\n")
    text = HEAD + """\
    from-functions:
      kind: aws/permission-set
      via: {provider: !exec "echo company-sso"}
      principal: !include principal.json
      tags: [!env TEAM_TAG, !env MISSING_TAG 'quoted default', !cwd, !repo-root /no/repo]
    from-query:
      kind: aws/permission-set
      via: {provider: company-sso}
      principal:
        name: !exec "printf 'Admin\\\\n\\\\n'"
        account:
          id: !include ids.yaml .accounts[0].id
"""
    config = load(tmp_path, text, TEAM_TAG="platform")
    entry = config.identities["from-functions"]
    assert entry.via.provider == "company-sso" and entry.principal.name == "FromJson"
    assert entry.tags[:4] == ["platform", "quoted default", str(Path.cwd()), "/no/repo"]
    from atmos_auth.config.functions import Context, evaluate

    context = Context(environ={}, cwd=tmp_path, include_dir=tmp_path)
    assert {evaluate("!random", "5 6", context) for _ in range(64)} == {5, 6}
    assert 0 <= evaluate("!random", "", context) <= 65535
    assert config.identities["from-query"].principal.account.id == "222222222222"
    assert config.identities["from-query"].principal.name == "Admin"


@pytest.mark.parametrize(("value", "message"), [
    ("!exec 'exit 3'", "!exec: the command exited with 3"),
    ("!include nowhere.yaml", "!include: no file nowhere.yaml"),
    ("!repo-root", "not in a git repository"),
    ("!random 9 1", "!random: min value (9) must be less than max value (1)"),
    ("!terraform.output vpc id", "!terraform.output is not evaluated in atmos.yaml: Atmos evaluates it only in "
                                 "stack manifests"),
    ("!nonsense x", "unknown YAML function !nonsense"),
    ("!include nowhere.yaml .a | .b", "!include: no file"),
])
def test_issue_9_a_function_that_fails_in_auth_is_a_located_error(tmp_path, monkeypatch, value, message) -> None:
    monkeypatch.chdir(tmp_path)
    config = load(tmp_path, HEAD + f"      alias: {value}\n")
    errors = [p.text for p in config.problems if p.error]
    assert errors == [f"atmos.yaml:13: auth.identities.dev-admin.alias: {message}"] or \
        (errors and errors[0].startswith(f"atmos.yaml:13: auth.identities.dev-admin.alias: {message}")), errors
    assert run_atmos("auth", "env", "--config", str(tmp_path / "atmos.yaml")).returncode == 1  # it is in the way
    assert "Traceback" not in run_atmos("auth", "validate", "--config", str(tmp_path / "atmos.yaml")).stderr


def test_issue_9_functions_outside_auth_are_kept_unevaluated(tmp_path) -> None:
    marker = tmp_path / "ran"
    text = HEAD + f"""\
components:
  terraform:
    vpc:
      vars:
        ran: !exec "touch {marker}"
        state: !terraform.state vpc .id
        store: !store prod/ssm vpc id
        anything: !whatever at all
        unset_env: !env NOT_SET_ANYWHERE
settings:
  list: !append [a]
"""
    config = load(tmp_path, text)
    assert not marker.exists()  # a command never runs a !exec it does not need
    assert check(config) == []
    result = run_atmos("auth", "validate", "--config", str(tmp_path / "atmos.yaml"))
    assert result.returncode == 0 and "warning" not in result.stderr


def test_issue_9_function_values_are_hidden_from_list(tmp_path) -> None:
    text = HEAD.replace("      default: true\n", "      default: true\n      env:\n"
                        "        - {key: TF_VAR_token, value: !exec 'echo s3cr3t-value'}\n"
                        "        - {key: PLAIN, value: visible}\n")
    (tmp_path / "atmos.yaml").write_text(text)
    result = run_atmos("auth", "list", "--config", str(tmp_path / "atmos.yaml"), "--format", "json")
    assert result.returncode == 0 and "s3cr3t-value" not in result.stdout
    assert json.loads(result.stdout)["identities"]["dev-admin"]["env"]["TF_VAR_token"] == "<hidden>"


def test_issue_9_identity_env_is_applied_by_env_and_exec(emu) -> None:
    text = HEAD.replace("    dev-admin:", "    Dev-Admin:").replace("      default: true\n", """\
      default: true
      env:
        - {key: TF_VAR_stage, value: dev}
        - {key: AWS_REGION, value: eu-west-1}
""")
    use_config(text + "    map-env:\n      kind: aws/permission-set\n      via: {provider: company-sso}\n"
               "      principal: {name: AdministratorAccess, account: dev}\n      env: {EXTRA: 'yes', N: 3}\n")
    env = run_atmos("auth", "env", "dev-admin")
    assert env.returncode == 0, env.stderr
    assert "AWS_PROFILE=dev-admin" in env.stdout and "TF_VAR_stage=dev" in env.stdout
    assert "AWS_REGION=eu-west-1" in env.stdout  # the identity's env comes last, as in Atmos
    mapped = run_atmos("auth", "env", "map-env", "--format", "json")
    assert json.loads(mapped.stdout)["EXTRA"] == "yes" and json.loads(mapped.stdout)["N"] == "3"
    ran = run_atmos("auth", "exec", "Dev-Admin", "--", "sh", "-c", "echo $TF_VAR_stage $AWS_PROFILE",
                    env=login_env())
    assert ran.returncode == 0 and ran.stdout.strip() == "dev dev-admin", ran.stderr


def test_issue_9_realm_scopes_the_aws_files(tmp_path, isolated_home, monkeypatch) -> None:
    use_config("quick-start")
    folder = os.path.abspath(os.getcwd())
    expected = hashlib.sha256(folder.lower().encode()).hexdigest()[:16]
    env = run_atmos("auth", "env", "dev-admin", "--format", "json")
    files = json.loads(env.stdout)["AWS_SHARED_CREDENTIALS_FILE"]
    assert files == str(isolated_home / ".config/atmos" / expected / "aws/company-sso/credentials")
    named = run_atmos("auth", "env", "dev-admin", "--format", "json", env={"ATMOS_AUTH_REALM": "acme"})
    assert json.loads(named.stdout)["AWS_SHARED_CREDENTIALS_FILE"].endswith("/atmos/acme/aws/company-sso/credentials")
    bad = run_atmos("auth", "env", "dev-admin", env={"ATMOS_AUTH_REALM": "Acme/../x"})
    assert bad.returncode == 2 and "invalid realm value: ATMOS_AUTH_REALM" in bad.stderr
    text = (EXAMPLES / "quick-start.yaml").read_text().replace("auth:\n", "auth:\n  realm: Bad_Realm\n", 1)
    use_config(text)
    invalid = run_atmos("auth", "env", "dev-admin")
    assert invalid.returncode == 1 and "atmos.yaml:3: auth.realm: realm contains invalid characters: [B R]" in invalid.stderr
    use_config(text.replace("Bad_Realm", "team-a"))
    assert "/atmos/team-a/aws/" in run_atmos("auth", "env", "dev-admin").stdout


def test_issue_9_files_base_path_and_endpoint_url_act(tmp_path, isolated_home, emu, monkeypatch) -> None:
    """spec.endpoint_url is the AWS endpoint of that entry's calls, whatever AWS_ENDPOINT_URL says."""
    text = (EXAMPLES / "quick-start.yaml").read_text().replace(
        "      start_url:", f"      spec:\n        endpoint_url: {emu.url}\n        files: {{base_path: "
        f"{tmp_path / 'aws-files'}}}\n      start_url:", 1).replace(
        "      principal:", f"      spec: {{endpoint_url: {emu.url}}}\n      principal:", 1)
    use_config(text)
    env = {**login_env(), "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}  # nothing listens there
    result = run_atmos("auth", "login", "dev-admin", "--no-integrations", env=env)
    assert result.returncode == 0, result.stderr
    written = list((tmp_path / "aws-files").rglob("credentials"))
    assert len(written) == 1 and "[dev-admin]" in written[0].read_text()


def test_issue_9_every_field_of_atmos_schema_is_accepted(tmp_path) -> None:
    text = HEAD.replace("      default: true\n", """\
      default: true
      required: true
      provider: company-sso
      alias: admin
      session: {duration: 1h}
      credentials: {aws: {resolver: {url: "https://sts.example.com"}}}
      emulator: none
""").replace("      start_url:", """\
      provider_type: browser
      driver: playwright
      console: {session_duration: 12h}
      auto_provision_identities: true
      session: {duration: 8h}
      spec: {files: {base_path: ~/.aws/atmos}}
      start_url:""") + """\
  console: {isolated: true}
  keyring: {type: file, spec: {password_env: MY_KEYRING_PASSWORD}}
  integrations:
    dev/ecr:
      kind: aws/ecr
      via: {identity: dev-admin}
      spec: {registry: {account_id: "123456789012", region: us-east-2}, auto_provision: false}
"""
    config = load(tmp_path, text)
    warnings = check(config)
    assert not [p for p in config.problems if p.error]
    assert all("accepted as Atmos does" in w for w in warnings), warnings
    assert config.identities["dev-admin"].endpoint == "https://sts.example.com"


def test_issue_9_the_function_and_key_errors_never_raise(tmp_path) -> None:
    for text in ("auth: !include\n", "auth:\n  identities: !exec\n", "? !env X\n: 1\n", "auth: {!env A: b}\n",
                 "auth:\n  identities: !append [1]\n", "auth:\n  identities:\n    x: !unset\n", "import: !exec\n",
                 "import: {a: 1}\n", "profiles: [1]\n", "base_path: !cwd\nimport: [x]\n"):
        (tmp_path / "atmos.yaml").write_text(text)
        try:
            load_auth_config(str(tmp_path / "atmos.yaml"))
        except ConfigInvalid:
            pass


def test_issue_9_env_keys_must_be_variable_names(tmp_path) -> None:
    text = HEAD + '      env:\n        - {key: "A B;touch /tmp/pwned", value: v}\n        - {key: X, value: {a: 1}}\n'
    config = load(tmp_path, text)
    errors = [p.text for p in config.problems if p.error]
    assert errors and "is not a variable name" in errors[0] and errors[0].startswith(
        "atmos.yaml:13: auth.identities.dev-admin.env:")


def test_issue_9_an_aliased_function_runs_once(tmp_path) -> None:
    counter = tmp_path / "count"
    text = HEAD + f"      alias: &a !exec 'echo x >> {counter}; echo admin'\n      tags: [*a, *a, *a, *a]\n"
    config = load(tmp_path, text)
    assert config.identities["dev-admin"].tags == ["admin"] * 4
    assert counter.read_text() == "x\n"


def test_issue_9_exec_does_not_wait_for_background_children(tmp_path) -> None:
    import time

    started = time.monotonic()
    config = load(tmp_path, HEAD + "      alias: !exec 'sleep 30 & echo quick'\n")
    assert config.identities["dev-admin"].alias == "quick" and time.monotonic() - started < 10


def test_issue_9_yq_beyond_paths_is_refused(tmp_path) -> None:
    (tmp_path / "data.yaml").write_text("acct: {name: Admin}\n")
    config = load(tmp_path, HEAD + "      alias: !include data.yaml .acct.name | upcase\n")
    errors = [p.text for p in config.problems if p.error]
    assert errors == ["atmos.yaml:13: auth.identities.dev-admin.alias: !include: the yq expression "
                      "'.acct.name | upcase' is not evaluated here (paths such as .a.b[0] are)"]


def test_issue_9_function_results_stay_hidden_however_they_are_merged(tmp_path) -> None:
    (tmp_path / "provs.yaml").write_text("company-sso:\n  kind: aws/iam-identity-center\n  region: us-east-1\n"
                                         "  start_url: https://secret-portal.awsapps.com/start/\n"
                                         "  spec: {token: INCSECRET}\n")
    (tmp_path / "spec.yaml").write_text("token: MERGEDSECRET\n")
    (tmp_path / "base.yaml").write_text(HEAD)
    (tmp_path / "atmos.yaml").write_text("auth:\n  providers: !include provs.yaml\n  identities:\n    dev-admin:\n"
                                         "      kind: aws/permission-set\n      via: {provider: company-sso}\n"
                                         "      principal: {name: AdministratorAccess, account: dev}\n"
                                         "      tags: [!env LIST_SECRET]\n      spec: !include spec.yaml\n"
                                         "      env: {KIND: !env LIST_SECRET}\n")
    for fmt in ("json", "yaml", "tree"):
        result = run_atmos("auth", "list", "--config", str(tmp_path / "base.yaml"), "--config",
                           str(tmp_path / "atmos.yaml"), "--format", fmt, env={"LIST_SECRET": "ENVSECRET"})
        assert result.returncode == 0, result.stderr
        for secret in ("secret-portal", "INCSECRET", "MERGEDSECRET", "ENVSECRET"):
            assert secret not in result.stdout + result.stderr, (fmt, secret)
    bad_kind = HEAD.replace("kind: aws/permission-set", "kind: !env LIST_SECRET")
    (tmp_path / "kind.yaml").write_text(bad_kind)
    validate = run_atmos("auth", "validate", "--config", str(tmp_path / "kind.yaml"), env={"LIST_SECRET": "ENVSECRET"})
    assert validate.returncode == 1 and "ENVSECRET" not in validate.stderr and "<hidden>" in validate.stderr


def test_issue_9_env_values_with_control_characters_are_refused(tmp_path) -> None:
    config = load(tmp_path, HEAD + '      env: {NUL: "a\\0b", TAB: "a\\tb"}\n')
    errors = [p.text for p in config.problems if p.error]
    assert len(errors) == 1 and "the value of NUL has a control character" in errors[0]


def test_issue_9_plain_scalars_are_read_as_yaml_1_2(tmp_path) -> None:
    config = load(tmp_path, HEAD + "      env: {A: yes, B: off, C: '1:30', D: 1:30, E: true}\n")
    assert dict(config.identities["dev-admin"].env) == {"A": "yes", "B": "off", "C": "1:30", "D": "1:30", "E": "true"}


def test_issue_9_include_takes_quoted_names(tmp_path) -> None:
    (tmp_path / "a b.yaml").write_text("acct: {name: Admin}\n")
    config = load(tmp_path, HEAD + "      alias: !include '\"a b.yaml\" .acct.name'\n")
    assert config.identities["dev-admin"].alias == "Admin"


def test_issue_9_the_cache_key_ignores_what_does_not_make_credentials(tmp_path) -> None:
    from atmos_auth.steps import cache_key

    one = load(tmp_path, HEAD + "      env:\n        RUN: !random\n      tags: [a]\n")
    two = load(tmp_path, HEAD + "      env:\n        RUN: !random\n      tags: [b]\n")
    assert cache_key(one, ["company-sso", "dev-admin"]) == cache_key(two, ["company-sso", "dev-admin"])
