"""The typed `auth:` section. Per-kind models live beside their runtime (providers/, identities/, integrations/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field

from atmos_auth.config.types import Strict
from atmos_auth.logs import LogSettings


class ProviderConfig(Strict):
    kind: str
    default: bool = False
    tags: list[str] = Field(default_factory=list)


class Via(Strict):
    provider: str | None = None
    identity: str | None = None


class IdentityConfig(Strict):
    kind: str
    default: bool = False
    via: Via | None = None
    tags: list[str] = Field(default_factory=list)
    alias: str | None = None

    #: Standalone kinds (aws/user) start a chain themselves and take no `via`.
    standalone: ClassVar[bool] = False


class IntegrationVia(Strict):
    identity: str


class IntegrationConfig(Strict):
    kind: str
    via: IntegrationVia

    @property
    def auto_provision(self) -> bool:
        return True


class KeyringSpec(Strict):
    path: str | None = None
    password_env: str | None = None


class KeyringConfig(Strict):
    type: Literal["system", "file", "memory"] = "system"
    spec: KeyringSpec | None = None

    @property
    def path(self) -> str | None:
        return self.spec.path if self.spec else None


class LogsConfig(Strict):
    level: Literal["Debug", "Info", "Warn", "Error"] | None = None
    file: str | None = None


class AuthSection(Strict):
    """The top level of `auth:` minus the three maps, which are validated per kind."""

    realm: str | None = None
    keyring: KeyringConfig = Field(default_factory=KeyringConfig)
    logs: LogsConfig | None = None


@dataclass(frozen=True)
class AuthConfig:
    """A valid `auth:` section. Maps keep the file's order."""

    source: Path
    settings: AuthSection
    providers: dict[str, ProviderConfig] = field(default_factory=dict)
    identities: dict[str, IdentityConfig] = field(default_factory=dict)
    integrations: dict[str, IntegrationConfig] = field(default_factory=dict)
    #: YAML paths whose value came from `!env` (never printed).
    from_env: frozenset[tuple[str, ...]] = frozenset()
    #: The top-level `logs:` section of atmos.yaml.
    logs: LogSettings = field(default_factory=LogSettings)
    #: Every problem of the file, located and classed (config.problems.Problem).
    problems: tuple[Any, ...] = ()
    #: The kind each entry is written with, valid or not: (section, name) -> kind.
    kinds: dict[tuple[str, str], str] = field(default_factory=dict)
    #: What each identity or integration points at through `via`, as written: (section, name) -> (section, name).
    links: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def integrations_of(self, identity: str) -> dict[str, IntegrationConfig]:
        return {n: i for n, i in self.integrations.items() if i.via.identity == identity}
