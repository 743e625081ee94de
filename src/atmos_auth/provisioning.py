"""`auto_provision_identities: true` on an IAM Identity Center provider: once it signs in, every account
and permission set the person may use becomes an identity named `<account name>/<role name>`, kept in
`$XDG_CACHE_HOME/atmos/auth/<provider>/provisioned-identities.yaml` in Atmos's format
(cloudposse/atmos pkg/auth/providers/aws/sso_provisioning.go, pkg/auth/provisioning/writer.go) and read
back by every command below atmos.yaml (config.assemble), which wins a name both define.

Rewritten whenever the provider itself is needed (`login -p`, a login whose chain starts at the
provider); a listing that fails or finds nothing keeps the previous file. Failures are warnings.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from atmos_auth.logs import log
from atmos_auth.stores import paths
from atmos_auth.stores.files import atomic_write, locked, private_dir, remove_file

FILE_NAME = "provisioned-identities.yaml"


def provisioned_file(provider: str) -> Path:
    """Atmos's sanitizeProviderName (trimmed, `/` and `\\` as `_`, empty as `_`) of the name in lower case,
    as viper hands it to Atmos."""
    name = provider.lower().strip().replace("/", "_").replace("\\", "_") or "_"
    return paths.cache_dir() / "auth" / name / FILE_NAME


def provisioned_identities(provider: str, entry: Any) -> tuple[Path, dict[str, Any]] | None:
    """What `provision` wrote for this provider, if it still is this provider's: it provisions, and the
    portal and region recorded are its own (another project's provider of the same name is not). Only
    plain data is read (a tag such as `!exec` makes the file unread), only aws/permission-set identities
    on this provider are taken, and Atmos's `provider:` line, which nothing here uses, is left out."""
    import yaml

    from atmos_auth.config.model import dig

    if not isinstance(entry, dict) or entry.get("auto_provision_identities") is not True:
        return None
    from atmos_auth.config.observe import is_file, read

    path = provisioned_file(provider)
    try:
        data = yaml.safe_load(read(path, 16 << 20).decode()) if is_file(path) else None
    except (OSError, ValueError, yaml.YAMLError):
        return None
    auth = data.get("auth") if isinstance(data, dict) else None
    extra = dig(auth, "_metadata", "extra")
    if not isinstance(auth, dict) or not isinstance(auth.get("identities"), dict) or not isinstance(extra, dict):
        return None
    if (extra.get("start_url"), extra.get("region")) != (entry.get("start_url"), entry.get("region")):
        return None
    kept = {}
    for name, identity in auth["identities"].items():
        if isinstance(name, str) and isinstance(identity, dict) and identity.get("kind") == "aws/permission-set" \
                and dig(identity, "via", "provider") == provider:
            kept[name] = {k: v for k, v in identity.items() if k != "provider"}
    return path, kept


def provision(provider: str, entry: Any, token: str) -> int | None:
    """List the accounts and roles `token` may use and write them as identities; how many were written
    (None when the provider does not provision, or nothing could be listed)."""
    from atmos_auth.aws import client
    from atmos_auth.stores.aws_files import profile_name_problem

    if not getattr(entry, "auto_provision_identities", False):
        return None
    try:
        portal = client("sso", entry.region, unsigned=True, endpoint=entry.endpoint)
        accounts = [a for page in portal.get_paginator("list_accounts").paginate(accessToken=token)
                    for a in page["accountList"]]
    except Exception as exc:
        log.warning("Failed to provision identities, skipping: provider %s: sso:ListAccounts: %s", provider, _why(exc))
        return None
    identities: dict[str, Any] = {}
    roles = 0
    for account in accounts:
        try:
            found = [r for page in portal.get_paginator("list_account_roles").paginate(
                accessToken=token, accountId=account["accountId"]) for r in page["roleList"]]
        except Exception as exc:
            log.warning("Failed to list roles for account, skipping: account %s: %s", account.get("accountId"), _why(exc))
            continue
        roles += len(found)
        for role in found:
            name = f"{account.get('accountName') or account['accountId']}/{role['roleName']}"
            if (why := profile_name_problem(name)) is not None:
                log.warning("Skipping provisioned identity %r: %s", name, why)
                continue
            identities[name] = {"kind": "aws/permission-set", "provider": provider, "via": {"provider": provider},
                                "principal": {"account": {"id": account["accountId"],
                                                          "name": account.get("accountName") or account["accountId"]},
                                              "name": role["roleName"]}}
    if not identities:
        return None
    try:
        _write(provider, entry, identities, len(accounts), roles)
    except Exception as exc:  # a full disk, a read-only cache: the sign-in itself succeeded
        log.warning("Failed to write provisioned identities, skipping: provider %s: %s", provider, exc)
        return None
    return len(identities)


def after_sign_in(config: Any, chain: list[str], steps_run: int, ui: Any) -> None:
    """Refresh the root provider's identities when the chain needed the provider (as Atmos does: not
    when the identity's credentials came from the cache)."""
    entry = config.providers.get(chain[0])
    if entry is None or not getattr(entry, "auto_provision_identities", False) or steps_run < len(chain) - 1:
        return
    from atmos_auth.providers.sso import SsoProvider

    token = SsoProvider(chain[0], entry, ui).cached()
    if token is not None:
        provision(chain[0], entry, token.value)


def forget(provider: str) -> bool:
    """Remove the provider's provisioned identities (`logout --provider`, `--all`)."""
    path = provisioned_file(provider)
    if not path.parent.is_dir():
        return False
    with locked(path):
        return remove_file(path)


def _write(provider: str, entry: Any, identities: dict[str, Any], accounts: int, roles: int) -> None:
    import yaml

    metadata = {"counts": {"accounts": accounts, "identities": len(identities), "roles": roles},
                "extra": {"region": entry.region, "start_url": entry.start_url}, "provider": provider,
                "provisioned_at": datetime.now().astimezone().replace(microsecond=0).isoformat(),
                "source": provider}
    text = yaml.safe_dump({"auth": {"_metadata": metadata, "identities": identities}}, sort_keys=False,
                          allow_unicode=True, indent=4)
    path = provisioned_file(provider)
    private_dir(path.parent)
    with locked(path):
        atomic_write(path, text.encode())
    log.debug("wrote %d provisioned identities of %s to %s", len(identities), provider, path)


def _why(exc: BaseException) -> str:
    from atmos_auth.aws import error_code

    return error_code(exc) or type(exc).__name__
