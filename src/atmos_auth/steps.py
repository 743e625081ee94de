"""The one contract of every provider and identity step, and the place chains are built from config."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Protocol

from atmos_auth import digest
from atmos_auth.chain import chain_names
from atmos_auth.config.model import AuthConfig
from atmos_auth.config.references import OIDC_PROVIDER_KINDS
from atmos_auth.credentials import Secret
from atmos_auth.interaction import Headless, Interaction
from atmos_auth.stores.credential_store import CredentialStore, MemoryStore


class Step(Protocol):
    """Turns the previous step's output (None for a root) into this step's output."""

    name: str

    def authenticate(self, source: Secret | None) -> Secret: ...


@dataclass
class Context:
    """What building and running steps needs besides the configuration."""

    #: Atmos's credential store (keyring): what lasts, such as an aws/user's access keys.
    store: CredentialStore = field(default_factory=MemoryStore)
    ui: Interaction = field(default_factory=Headless)
    force: bool = False
    #: Where each step's session credentials wait for the next command (stores.session_cache).
    sessions: CredentialStore = field(default_factory=MemoryStore)
    #: The realm, for the store's keys (atmos_<realm>_<name>).
    realm: str = ""


#: Fields that do not change the credentials a step yields (an `env:` from `!random` must not miss the cache).
_NOT_CREDENTIALS = {"env", "tags", "alias", "default", "required", "emulator", "console", "provider",
                    "auto_provision_identities"}


def cache_key(config: AuthConfig, names: list[str]) -> str:
    """Derived from every entry that determines the result, so an edited atmos.yaml misses the cache."""
    entries = [(config.providers.get(n) or config.identities[n]).model_dump(mode="json", exclude=_NOT_CREDENTIALS)
               for n in names]
    hashed = digest.sha256(json.dumps(entries, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"atmos:v1:{config.realm}:{'->'.join(names)}:{hashed}"


def build_steps(config: AuthConfig, identity: str, ctx: Context) -> list[Step]:
    from atmos_auth import identities, providers
    from atmos_auth.cache import CachedStep

    names = chain_names(config, identity)
    root = config.providers.get(names[0])
    ambient = root is not None and root.kind in OIDC_PROVIDER_KINDS  # CI chains never touch the disk cache
    steps: list[Step] = []
    for index, name in enumerate(names):
        if index == 0 and root is not None:
            step = providers.KINDS[root.kind].build(name, root, ctx)
        else:
            entry = config.identities[name]
            previous = config.providers.get(names[index - 1]) if index else None
            step = identities.KINDS[entry.kind].build(name, entry, ctx, previous)
        if getattr(step, "cacheable", True) and not ambient:
            step = CachedStep(step, ctx.sessions, cache_key(config, names[: index + 1]), force=ctx.force)
        steps.append(step)
    return steps
