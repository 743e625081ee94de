"""The emulator's world: SSO instances, accounts, permission sets, roles, users, clusters.

The built-in fixture below makes every configuration of the spec work unchanged. A fixture file has
the same shape; any top-level key it omits keeps the built-in value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_FIXTURE = """\
sso_instances:
  - start_url: https://company.awsapps.com/start/
    region: us-east-1
accounts:
  - {id: "111111111111", name: dev}
  - {id: "222222222222", name: production}
  - {id: "333333333333", name: platform}
  - {id: "999999999999", name: shared-services}
  - {id: "123456789012", name: ci}
# Who may fetch ECR tokens, and for which registry accounts (the spec's cross-account pattern).
permission_sets:
  - {account: dev, name: AdministratorAccess, ecr: ["111111111111", "123456789012", "999999999999"], ecr_public: true}
  - {account: production, name: ContainerDeploy, ecr: ["222222222222"]}
  - {account: platform, name: PlatformAdmin, ecr: ["333333333333"]}
roles:
  - arn: arn:aws:iam::123456789012:role/ci-deployer
    trusted_web_identity: [github, gitlab]
    trusted_principals: ["arn:aws:iam::123456789012:user/alice"]
    ecr: ["123456789012"]
  - arn: arn:aws:iam::222222222222:role/deployer
    trusted_principals: ["arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_*/*"]
    ecr: ["222222222222"]
  - arn: arn:aws:iam::123456789012:role/saml-admin
    ecr: ["123456789012"]
  - arn: arn:aws:iam::333333333333:role/auditor
    trusted_principals: ["arn:aws:sts::222222222222:assumed-role/deployer/*"]
    external_id: audit-2026
users:
  - name: alice
    account: "123456789012"
    access_key_id: AKIAEMULATORALICE001
    secret_access_key: emulator-only-secret-for-alice-0000000000
    mfa_serial: arn:aws:iam::123456789012:mfa/alice
    mfa_code: "123456"
    ecr: ["123456789012", "987654321098"]   # the spec's two --registry examples
# The emulator's SAML identity provider (/_emulator/saml/login) and who may sign in there.
saml:
  provider_arn: arn:aws:iam::123456789012:saml-provider/emulator-idp
  users:
    - {username: alice@example.com, password: emulator-saml-password, roles: ["arn:aws:iam::123456789012:role/saml-admin"]}
# Who may take root sessions (sts:AssumeRoot) in which member accounts: the management account's admins.
root_access:
  trusted_principals: ["arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_*/*"]
  member_accounts: ["222222222222", "333333333333"]
eks_clusters:
  - {name: dev, account: "111111111111", region: us-east-2}
ecr_regions: [us-east-1, us-east-2, us-west-2, eu-west-1]
ttl:                      # seconds
  device_code: 600
  sso_token: 28800
  registration: 7776000
  role_credentials: 3600
  ecr_token: 43200
poll_interval: 1          # device-flow polling interval the emulator asks for
page_size: 2              # ListAccounts / ListAccountRoles page size (small, so pagination is exercised)
"""


@dataclass(frozen=True)
class Grant:
    """What a principal may do beyond calling STS: ECR registries (accounts) and ECR Public."""

    ecr: frozenset[str] = frozenset()
    ecr_public: bool = False


@dataclass(frozen=True)
class Role:
    arn: str
    trusted_principals: tuple[str, ...] = ()
    trusted_web_identity: tuple[str, ...] = ()
    external_id: str | None = None
    grant: Grant = Grant()

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]

    @property
    def name(self) -> str:
        return self.arn.split("/")[-1]


@dataclass(frozen=True)
class User:
    name: str
    account: str
    access_key_id: str
    secret_access_key: str
    mfa_serial: str | None = None
    mfa_code: str | None = None
    grant: Grant = Grant()


@dataclass
class Fixture:
    sso_instances: list[dict[str, str]]
    accounts: list[dict[str, str]]
    permission_sets: dict[tuple[str, str], Grant]  # (account id, name) -> grant
    roles: dict[str, Role]
    users: list[User]
    eks_clusters: list[dict[str, str]]
    ecr_regions: list[str]
    ttl: dict[str, int]
    poll_interval: int
    page_size: int
    raw: dict[str, Any] = field(default_factory=dict)

    def account_id(self, id_or_name: str) -> str | None:
        return next((a["id"] for a in self.accounts if id_or_name in (a["id"], a["name"])), None)


def _grant(entry: dict[str, Any]) -> Grant:
    return Grant(ecr=frozenset(str(a) for a in entry.get("ecr", [])), ecr_public=bool(entry.get("ecr_public")))


def load_fixture(path: str | Path | None = None) -> Fixture:
    raw = yaml.safe_load(DEFAULT_FIXTURE)
    if path is not None:
        raw.update(yaml.safe_load(Path(path).read_text()) or {})
    accounts = [{"id": str(a["id"]), "name": a["name"], "email": a.get("email", f"{a['name']}@example.com")}
                for a in raw["accounts"]]
    fixture = Fixture(
        sso_instances=raw["sso_instances"], accounts=accounts, permission_sets={}, roles={}, users=[],
        eks_clusters=raw.get("eks_clusters", []), ecr_regions=raw.get("ecr_regions", []),
        ttl={**yaml.safe_load(DEFAULT_FIXTURE)["ttl"], **raw.get("ttl", {})},
        poll_interval=int(raw.get("poll_interval", 1)), page_size=int(raw.get("page_size", 2)), raw=raw,
    )
    for entry in raw.get("permission_sets", []):
        account = fixture.account_id(str(entry["account"]))
        if account is None:
            raise ValueError(f"permission set {entry['name']}: unknown account {entry['account']}")
        fixture.permission_sets[(account, entry["name"])] = _grant(entry)
    for entry in raw.get("roles", []):
        fixture.roles[entry["arn"]] = Role(
            arn=entry["arn"], trusted_principals=tuple(entry.get("trusted_principals", [])),
            trusted_web_identity=tuple(entry.get("trusted_web_identity", [])),
            external_id=entry.get("external_id"), grant=_grant(entry))
    for entry in raw.get("users", []):
        fixture.users.append(User(
            name=entry["name"], account=str(entry["account"]), access_key_id=entry["access_key_id"],
            secret_access_key=entry["secret_access_key"], mfa_serial=entry.get("mfa_serial"),
            mfa_code=str(entry["mfa_code"]) if entry.get("mfa_code") else None, grant=_grant(entry)))
    return fixture
