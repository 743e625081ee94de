"""Issue 10 item 3: `auto_provision_identities` and provider login. After the provider signs in, every
account and permission set the person may use becomes an identity `<account>/<role>`, written where and
as Atmos writes it, read back by every command below atmos.yaml, and removed by a provider logout."""

from __future__ import annotations

import json
import stat

import yaml
from tests.conftest import SSO_PROVIDER, calls, login_env, run_atmos, use_config

from atmos_auth.emulator.state import Fault

PROVISIONING = SSO_PROVIDER.replace("      region: us-east-1\n", "      region: us-east-1\n      auto_provision_identities: true\n", 1)
MINE = """  identities:
    dev-admin:
      kind: aws/permission-set
      default: true
      via: {provider: company-sso}
      principal: {name: AdministratorAccess, account: {name: dev}}
    dev/AdministratorAccess:
      kind: aws/permission-set
      tags: [mine]
      via: {provider: company-sso}
      principal: {name: AdministratorAccess, account: {id: "111111111111"}}
"""
PROVISIONED = {"dev/AdministratorAccess", "production/ContainerDeploy", "platform/PlatformAdmin"}


def provisioned(home):
    return home / ".cache/atmos/auth/company-sso/provisioned-identities.yaml"


def test_issue_10_provider_login_provisions_identities_every_command_can_use(emu, isolated_home) -> None:
    assert "auto_provision_identities: true" in PROVISIONING
    use_config(PROVISIONING + MINE)
    login = run_atmos("auth", "login", "-p", "company-sso", env=login_env())
    assert login.returncode == 0 and "Authenticated provider company-sso" in login.stderr, login.stderr
    assert "Provisioned 3 identities" in login.stderr
    assert calls(emu, "sso:ListAccounts") and calls(emu, "sso:ListAccountRoles")
    path = provisioned(isolated_home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    written = yaml.safe_load(path.read_text())["auth"]
    assert set(written["identities"]) == PROVISIONED
    assert written["_metadata"]["provider"] == "company-sso" and written["_metadata"]["counts"]["identities"] == 3
    assert written["identities"]["production/ContainerDeploy"] == {
        "kind": "aws/permission-set", "provider": "company-sso", "via": {"provider": "company-sso"},
        "principal": {"account": {"id": "222222222222", "name": "production"}, "name": "ContainerDeploy"}}
    listed = json.loads(run_atmos("auth", "list", "-f", "json").stdout)["identities"]
    assert PROVISIONED | {"dev-admin"} <= set(listed)
    assert listed["dev/AdministratorAccess"]["tags"] == ["mine"]  # atmos.yaml wins a name both define
    emu.world.log.clear()
    used = run_atmos("auth", "login", "production/ContainerDeploy", "--no-integrations")
    assert used.returncode == 0, used.stderr
    assert "Account  222222222222" in used.stderr  # and, as in Atmos, the provider's list is refreshed
    assert calls(emu, "sso:ListAccounts") == ["sso:ListAccounts"] * 2  # two pages of 2 accounts
    env = run_atmos("auth", "env", "production/ContainerDeploy")
    assert "AWS_PROFILE=production/containerdeploy" in env.stdout, env.stdout
    assert run_atmos("auth", "validate").returncode == 0


def test_issue_10_provisioning_is_refreshed_when_the_provider_is_needed_and_kept_when_listing_fails(emu, isolated_home) -> None:
    use_config(PROVISIONING + MINE)
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env()).returncode == 0
    path = provisioned(isolated_home)
    assert set(yaml.safe_load(path.read_text())["auth"]["identities"]) == PROVISIONED  # the chain needed it
    before = path.read_bytes()
    emu.world.log.clear()
    assert run_atmos("auth", "login", "dev-admin", "--no-integrations").returncode == 0
    assert calls(emu, "sso:ListAccounts") == [] and path.read_bytes() == before  # served from the cache
    emu.world.faults.append(Fault("sso:ListAccounts", "error500", count=20))
    failed = run_atmos("auth", "login", "-p", "company-sso")
    assert failed.returncode == 0, failed.stderr  # as in Atmos, provisioning never fails the login
    assert "Failed to provision identities" in failed.stderr and path.read_bytes() == before
    emu.world.faults.clear()


def test_issue_10_without_identities_login_signs_in_to_the_provider_and_provisions(emu, isolated_home) -> None:
    use_config(PROVISIONING)
    first = run_atmos("auth", "login", env=login_env())
    assert first.returncode == 0 and "Authenticated provider company-sso" in first.stderr, first.stderr
    assert provisioned(isolated_home).exists()
    listed = run_atmos("auth", "list", "-f", "json")
    assert set(json.loads(listed.stdout)["identities"]) == PROVISIONED, listed.stderr


def test_issue_10_a_provider_logout_removes_what_it_provisioned(emu, isolated_home) -> None:
    use_config(PROVISIONING + MINE)
    assert run_atmos("auth", "login", "-p", "company-sso", env=login_env()).returncode == 0
    assert run_atmos("auth", "logout", "dev-admin").returncode == 0 and provisioned(isolated_home).exists()
    dry = run_atmos("auth", "logout", "--provider", "company-sso", "--dry-run")
    assert "identities provisioned by company-sso" in dry.stderr and provisioned(isolated_home).exists()
    assert run_atmos("auth", "logout", "--provider", "company-sso").returncode == 0
    assert not provisioned(isolated_home).exists()
    listed = json.loads(run_atmos("auth", "list", "-f", "json").stdout)["identities"]
    assert "production/ContainerDeploy" not in listed


def test_issue_10_without_auto_provision_nothing_is_listed_or_written(emu, isolated_home) -> None:
    use_config(SSO_PROVIDER + MINE)
    assert run_atmos("auth", "login", "-p", "company-sso", env=login_env()).returncode == 0
    assert calls(emu, "sso:ListAccountRoles") == [] and not provisioned(isolated_home).exists()
