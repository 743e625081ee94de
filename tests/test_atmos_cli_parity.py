"""Issue 10: Atmos's command line: `atmos aws ecr login`, identity pickers, exit codes, `atmos version`."""

from __future__ import annotations

import json

import pytest
from tests.conftest import EXAMPLES, calls, login_env, run_atmos, use_config
from tests.test_interactive import exit_status, spawn

ALL = (EXAMPLES / "all.yaml").read_text()  # three identities, none default


def test_issue_10_aws_ecr_login_by_integration_identity_and_registry(emu) -> None:
    use_config("quick-start")
    by_integration = run_atmos("aws", "ecr", "login", "dev/ecr", env=login_env())
    assert by_integration.returncode == 0, by_integration.stderr
    assert "✓ ECR login: 123456789012.dkr.ecr.us-east-2.amazonaws.com (expires in" in by_integration.stderr
    by_identity = run_atmos("aws", "ecr", "login", "--identity", "dev-admin", "--force", "-f", "json")
    assert by_identity.returncode == 0, by_identity.stderr
    assert [r["host"] for r in json.loads(by_identity.stdout)["registries"]] == [
        "123456789012.dkr.ecr.us-east-2.amazonaws.com"]
    by_registry = run_atmos("aws", "ecr", "login", "-r", "123456789012.dkr.ecr.us-east-2.amazonaws.com",
                            "-i", "dev-admin")
    assert by_registry.returncode == 0, by_registry.stderr


@pytest.mark.parametrize(("args", "message"), [
    ((), "give what to log in to"),
    (("dev/ecr", "--identity", "dev-admin"), "mutually exclusive"),
    (("--public", "dev/ecr"), "--public cannot be combined with an integration argument"),
    (("--public", "-r", "123456789012.dkr.ecr.us-east-2.amazonaws.com"), "--public cannot be combined with --registry"),
    (("--identity",), "--identity was given without a name; choosing one needs a terminal"),
])
def test_issue_10_aws_ecr_login_modes_are_checked_as_atmos_does(isolated_home, args, message) -> None:
    use_config("quick-start")
    result = run_atmos("aws", "ecr", "login", *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_issue_10_a_bare_identity_flag_opens_a_picker_on_a_terminal(isolated_home) -> None:
    use_config(ALL)
    child = spawn("auth", "env", "-i", "--format", "json")
    child.expect("--identity was given without a name. Choose an identity")
    child.expect("identity> ")
    child.sendline("platform")  # typing part of a name narrows the list; one match is taken
    assert exit_status(child) == 0
    assert '"AWS_PROFILE": "platform-admin"' in child.before
    child = spawn("auth", "env", "-i", "--format", "json")
    child.expect("identity> ")
    child.sendline("1")
    assert exit_status(child) == 0 and '"AWS_PROFILE": "dev-admin"' in child.before


def test_issue_10_no_default_identity_on_a_terminal_is_a_choice_and_without_one_an_error(isolated_home) -> None:
    use_config(ALL.replace("      default: true\n", ""))
    child = spawn("auth", "env", "--format", "json")
    child.expect("no identity given and none is default")
    child.expect("identity> ")
    child.sendline("prod")
    assert exit_status(child) == 0 and '"AWS_PROFILE": "prod-deployer"' in child.before
    headless = run_atmos("auth", "env")
    assert headless.returncode == 2 and "none is marked `default: true`" in headless.stderr


@pytest.mark.parametrize("args", [("auth", "nope"), ("auth", "list", "--nope"), ("auth", "list", "-f", "nope"),
                                  ("nope",), ("aws", "ecr", "login", "--nope")])
def test_issue_10_unknown_commands_options_and_values_exit_1_as_in_atmos(isolated_home, args) -> None:
    use_config("quick-start")
    result = run_atmos(*args)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr


def test_issue_10_version(isolated_home) -> None:
    result = run_atmos("version")
    assert result.returncode == 0 and result.stdout.startswith("atmos-auth ")


def test_issue_10_env_formats_files_and_variables(tmp_path, isolated_home) -> None:
    use_config((EXAMPLES / "quick-start.yaml").read_text().replace(
        "        provider: company-sso\n", "        provider: company-sso\n      env: [{key: TF_VAR_note, value: \"it's a b\"}]\n", 1))
    plain = run_atmos("auth", "env", "dev-admin", "--format", "env")
    assert plain.returncode == 0 and "TF_VAR_note=it's a b\n" in plain.stdout + "\n" and "export" not in plain.stdout
    lines = plain.stdout.splitlines()
    assert lines == sorted(lines)
    dotenv = run_atmos("auth", "env", "dev-admin", env={"ATMOS_AUTH_ENV_FORMAT": "dotenv"})
    assert "TF_VAR_note='it'\"'\"'s a b'" in dotenv.stdout
    target = tmp_path / "out" / "vars.env"
    target.parent.mkdir()
    for args, env in ((("-o", str(target)), {}), ((), {"ATMOS_AUTH_ENV_OUTPUT_FILE": str(target)})):
        written = run_atmos("auth", "env", "dev-admin", "-f", "dotenv", *args, env=env)
        assert written.returncode == 0 and written.stdout == "", written.stderr
    assert (target.stat().st_mode & 0o777) == 0o600
    assert target.read_text().count("AWS_PROFILE=dev-admin") == 2  # appended, as Atmos does
    github = tmp_path / "github_env"
    assert run_atmos("auth", "env", "dev-admin", "-f", "github", env={"GITHUB_ENV": str(github)}).returncode == 0
    assert "AWS_PROFILE=dev-admin\n" in github.read_text()
    assert json.loads(run_atmos("auth", "env", "dev-admin", "-f", "json").stdout)["TF_VAR_note"] == "it's a b"


def test_issue_10_env_login_signs_in_when_nothing_is_cached(emu) -> None:
    use_config("quick-start")
    result = run_atmos("auth", "env", "dev-admin", "--login", env=login_env())
    assert result.returncode == 0 and "export AWS_PROFILE=dev-admin" in result.stdout, result.stderr
    assert "sso-oidc:CreateToken" in calls(emu, "sso-oidc:")
    again = run_atmos("auth", "whoami", "dev-admin")
    assert again.returncode == 0, again.stderr


def test_issue_10_exec_and_shell_environment_as_atmos_sets_it(emu) -> None:
    use_config((EXAMPLES / "quick-start.yaml").read_text() + "env:\n  TEAM: platform\n  AWS_PROFILE: not-this\n")
    ran = run_atmos("auth", "exec", "dev-admin", "--", "sh", "-c",
                    "echo $AWS_SDK_LOAD_CONFIG $AWS_EC2_METADATA_DISABLED $TEAM $AWS_PROFILE", env=login_env())
    assert ran.returncode == 0 and ran.stdout.strip() == "1 true platform dev-admin", ran.stderr
    shell = run_atmos("auth", "shell", "dev-admin", "--shell", "/bin/sh", "--", "-c", "echo $TEAM; exit 7")
    assert shell.returncode == 7 and shell.stdout.strip() == "platform", shell.stderr


def test_issue_10_tags_choose_the_identity_and_the_providers(emu) -> None:
    text = ALL.replace("    prod-deployer:\n", "    prod-deployer:\n      tags: [prod, deploy]\n", 1).replace(
        "    platform-admin:\n", "    platform-admin:\n      tags: [platform]\n", 1).replace(
        "      kind: aws/iam-identity-center\n", "      kind: aws/iam-identity-center\n      tags: [sso]\n", 1)
    use_config(text)
    one = run_atmos("auth", "login", "--tags", "nope,prod", "--no-integrations", env=login_env())
    assert one.returncode == 0 and "prod-deployer" in one.stderr, one.stderr
    none = run_atmos("auth", "login", "--tags", "qa")
    assert none.returncode == 2 and "no identities match tags qa" in none.stderr and "deploy, platform, prod" in \
        none.stderr
    several = run_atmos("auth", "login", "--tags", "prod,platform")
    assert several.returncode == 2 and "several identities match tags prod, platform" in several.stderr
    assert "prod-deployer, platform-admin" in several.stderr
    out = run_atmos("auth", "logout", "--tags", "sso", "--dry-run")
    assert out.returncode == 0 and "SSO session of company-sso" in out.stderr, out.stderr
    assert run_atmos("auth", "logout", "--tags", "nothing").returncode == 2


def test_issue_10_atmos_global_flags_are_accepted_anywhere(isolated_home) -> None:
    use_config("quick-start")
    result = run_atmos("--mask=false", "--pager", "--heatmap-mode", "bar", "--identity", "dev-admin", "auth", "env",
                       "--interactive", "--edition=2026")
    assert result.returncode == 0 and "AWS_PROFILE=dev-admin" in result.stdout, result.stderr


def test_issue_10_global_verbose_anywhere_and_validates_own_verbose(isolated_home) -> None:
    use_config("quick-start")
    for args in (("-v", "auth", "list"), ("auth", "--verbose", "list"), ("auth", "list", "--verbose=true")):
        assert run_atmos(*args).returncode == 0, args
    quiet, loud = run_atmos("auth", "validate"), run_atmos("-v", "auth", "validate")
    assert loud.returncode == 0 and len(loud.stderr + loud.stdout) > len(quiet.stderr + quiet.stdout), loud.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("--provider", "company-sso"), "--webflow requires an aws/user identity: cannot be used with --provider"),
    (("dev-admin",), "--webflow requires an aws/user identity: identity 'dev-admin' has kind 'aws/permission-set'"),
    (("ghost",), "ghost"),
])
def test_issue_10_login_webflow_is_checked_as_atmos_does(isolated_home, args, message) -> None:
    use_config("quick-start")
    result = run_atmos("auth", "login", "--webflow", *args)
    assert result.returncode == 1 and message in result.stderr, result.stderr


def test_issue_10_login_webflow_for_a_user_says_what_to_do_instead(isolated_home) -> None:
    use_config("auth:\n  identities:\n    alice:\n      kind: aws/user\n      credentials: {region: us-east-2}\n")
    result = run_atmos("auth", "login", "--webflow", "alice")
    assert result.returncode == 1 and "atmos auth user configure alice" in result.stderr, result.stderr


def test_issue_10_list_filters_and_graph_formats(isolated_home) -> None:
    use_config(ALL.replace("    prod-deployer:\n", "    prod-deployer:\n      tags: [prod]\n", 1))
    only = json.loads(run_atmos("auth", "list", "--identities=dev-admin,prod-deployer", "-f", "json").stdout)
    assert list(only["identities"]) == ["dev-admin", "prod-deployer"] and not only["providers"]
    providers = json.loads(run_atmos("auth", "list", "--providers", "-f", "json").stdout)
    assert list(providers["providers"]) == ["company-sso"] and not providers["identities"]
    tagged = json.loads(run_atmos("auth", "list", "--tags", "prod", "-f", "json").stdout)
    assert list(tagged["identities"]) == ["prod-deployer"] and list(tagged["integrations"]) == ["prod/ecr"]
    assert run_atmos("auth", "list", "--providers", "--identities").returncode == 2
    assert "not found: nope" in run_atmos("auth", "list", "--identities=nope").stderr
    dot = run_atmos("auth", "list", "-f", "dot").stdout
    assert dot.startswith("digraph auth {") and '"company-sso" -> "dev-admin";' in dot and '"dev-admin" -> "dev/ecr";' in dot
    assert run_atmos("auth", "list", "-f", "graphviz").stdout == dot
    mermaid = run_atmos("auth", "list", "-f", "mermaid").stdout
    assert mermaid.startswith("graph LR") and " --> " in mermaid
    markdown = run_atmos("auth", "list", "-f", "md").stdout
    assert "| dev-admin | aws/permission-set | company-sso → dev-admin |" in markdown


def test_issue_10_whoami_signs_in_quietly_when_nobody_is_needed_as_atmos_does(emu, isolated_home) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "-p", "company-sso", env=login_env()).returncode == 0  # an SSO session only
    docker = isolated_home / ".docker" / "config.json"
    emu.world.log.clear()
    who = run_atmos("auth", "whoami", "dev-admin")
    assert who.returncode == 0 and "111111111111" in who.stderr, who.stderr
    assert calls(emu, "sso-oidc:") == [] and calls(emu, "ecr:") == [] and not docker.exists()  # no integration


def test_issue_10_whoami_json_carries_atmos_fields(emu, isolated_home) -> None:
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    for result in (run_atmos("auth", "whoami", "dev-admin", "-o", "json"),
                   run_atmos("auth", "whoami", "dev-admin", env={"ATMOS_AUTH_WHOAMI_OUTPUT": "json"}),
                   run_atmos("auth", "whoami", "-i", "dev-admin", "-o", "json", env={"ATMOS_KEYRING_TYPE": "memory"})):
        assert result.returncode == 0, result.stderr
        me = json.loads(result.stdout)
        for key in ("realm", "realm_source", "provider", "identity", "principal", "account", "region", "expiration",
                    "environment", "paths", "credentials_ref", "last_updated", "ecr_logins"):
            assert key in me, key
        assert me["provider"] == "company-sso" and me["identity"] == "dev-admin" and me["realm_source"] == "config"
        assert me["environment"]["AWS_SHARED_CREDENTIALS_FILE"].startswith("~/.config/atmos/")
        assert [p["purpose"] for p in me["paths"]] == ["AWS credentials file", "AWS config file"]
        assert "SecretAccessKey" not in result.stdout and "secret" not in result.stdout.lower()
    text = run_atmos("auth", "whoami", "dev-admin")
    assert "Realm" in text.stderr and "Provider  company-sso" in text.stderr


def test_issue_10_logout_keychain_needs_confirmation_and_all_realms_reaches_every_project(isolated_home) -> None:
    from tests.test_login import USER

    from atmos_auth.stores.credential_store import atmos_key

    keyring_key = atmos_key
    from atmos_auth.stores.credential_store import open_store

    use_config(USER)
    open_store("file").set(keyring_key("alice"), {"type": "aws", "data": {"access_key_id": "AKIAKEEP",
                                                                          "secret_access_key": "s3cret"}})
    kept = run_atmos("auth", "logout", "alice")
    assert kept.returncode == 0 and open_store("file").get(keyring_key("alice")) is not None
    refused = run_atmos("auth", "logout", "alice", "--keychain")
    assert refused.returncode == 1 and "add --force" in refused.stderr
    assert open_store("file").get(keyring_key("alice")) is not None
    preview = run_atmos("auth", "logout", "alice", "--keychain", "--dry-run")
    assert "access keys of alice" in preview.stderr and open_store("file").get(keyring_key("alice")) is not None
    gone = run_atmos("auth", "logout", "alice", "--keychain", "--force")
    assert gone.returncode == 0 and open_store("file").get(keyring_key("alice")) is None, gone.stderr
    others = [isolated_home / ".config/atmos/0123456789abcdef/aws/sso/credentials",
              isolated_home / ".config/atmos/team-a/aws/sso/config", isolated_home / ".config/atmos/aws/old/credentials"]
    for path in others:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("[x]\naws_access_key_id = AKIA\n")
    dry = run_atmos("auth", "logout", "--all-realms", "--dry-run")
    assert dry.returncode == 0 and all(str(p) in dry.stderr for p in others), dry.stderr
    assert all(p.exists() for p in others)
    assert run_atmos("auth", "logout", "--all-realms").returncode == 0
    assert not any(p.exists() for p in others)


def test_issue_10_login_to_a_provider(emu) -> None:
    use_config("quick-start")
    result = run_atmos("auth", "login", "--provider", "company-sso", env=login_env())
    assert result.returncode == 0 and "Authenticated provider company-sso (expires in" in result.stderr, result.stderr
    assert calls(emu, "sso-oidc:StartDeviceAuthorization") == ["sso-oidc:StartDeviceAuthorization"]
    identity = run_atmos("auth", "login", "dev-admin", "--no-integrations")  # the SSO session is reused
    assert identity.returncode == 0, identity.stderr
    assert calls(emu, "sso-oidc:StartDeviceAuthorization") == ["sso-oidc:StartDeviceAuthorization"]
    assert run_atmos("auth", "login", "-p", "nope").returncode == 1  # as Atmos: provider not found
    assert run_atmos("auth", "login", "-p", "Company-SSO").returncode == 0  # any case, as Atmos
    providers_only = (EXAMPLES / "quick-start.yaml").read_text().split("  identities:")[0]
    use_config(providers_only)
    fallback = run_atmos("auth", "login", "-f", "json")
    assert fallback.returncode == 0 and json.loads(fallback.stdout)["provider"] == "company-sso", fallback.stderr


def test_issue_10_console_signs_in_through_the_federation_endpoint(emu) -> None:
    from urllib.request import urlopen

    use_config("quick-start")
    result = run_atmos("auth", "console", "dev-admin", "--destination", "s3", "--duration", "2h", "--print-only",
                       env=login_env())
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert url.startswith(f"{emu.url}/federation?Action=login") and "Destination=https%3A%2F%2Fconsole.aws." in url
    assert "SigninToken=" in url and "Issuer=atmos" in url
    assert "SigninToken" not in result.stderr  # the URL is a secret: only where asked for
    with urlopen(url) as page:  # the emulator checks the token it issued for the session given
        assert "Signed in as arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin" in page.read().decode()
    quiet = run_atmos("auth", "console", "dev-admin", "--no-open")
    assert quiet.returncode == 0 and "not opened" in quiet.stderr and quiet.stdout == "", quiet.stderr
    assert "SigninToken" not in quiet.stderr
    bad = run_atmos("auth", "console", "dev-admin", "--destination", "nope", "--print-only")
    assert bad.returncode == 2 and "unknown console destination" in bad.stderr
    assert calls(emu, "signin:") == ["signin:GetSigninToken", "signin:Login", "signin:GetSigninToken"]


def test_issue_10_a_commands_own_flags_are_left_to_it(emu) -> None:
    from atmos_auth.cli.global_flags import normalize

    assert normalize(["auth", "exec", "-i", "dev-admin", "sh", "-c", "x", "--profile", "p", "--mask"]) == \
        ["auth", "exec", "-i", "dev-admin", "sh", "-c", "x", "--profile", "p", "--mask"]
    assert normalize(["auth", "env", "-i=dev-admin"]) == ["auth", "env", "--identity=dev-admin"]
    assert normalize(["--identity", "x", "aws", "ecr", "login"]) == ["aws", "ecr", "login", "--identity", "x"]
    use_config("quick-start")
    ran = run_atmos("auth", "exec", "-i", "dev-admin", "echo", "--mask", "--profile", "other", env=login_env())
    assert ran.returncode == 0 and ran.stdout.strip() == "--mask --profile other", ran.stderr


def test_issue_10_a_bare_identity_before_the_subcommand_and_an_empty_one_choose(isolated_home) -> None:
    from atmos_auth.cli.commands import LAZY
    from atmos_auth.cli.global_flags import AUTH_COMMANDS

    assert set(LAZY["auth"]) == AUTH_COMMANDS
    use_config(ALL)
    for args in (("auth", "-i", "env"), ("auth", "env", "--identity=")):
        result = run_atmos(*args)
        assert result.returncode == 2 and "--identity was given without a name" in result.stderr, (args, result.stderr)


def test_issue_12_lazy_commands_list_their_own_help_and_load_on_use() -> None:
    """--help lists the commands from a table (nothing imported); the table matches each command."""
    import click

    from atmos_auth.cli.commands import LAZY, load

    for group, commands in LAZY.items():
        for name, (_, _, short) in commands.items():
            command = load(group, name)
            assert isinstance(command, click.Command) and command.name == name
            assert command.get_short_help_str(limit=500) == short, (group, name)
