"""The typed `auth:` section. Per-kind models live beside their runtime (providers/, identities/, integrations/)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from atmos_auth.config.schema import BeforeValidator, Field
from atmos_auth.config.types import Session, Strict
from atmos_auth.logs import LogSettings


def atmos_only(default: Any = None) -> Any:
    """A field of Atmos's schema this tool accepts and does not act on (`auth validate` says so)."""
    return Field(default=default, json_schema_extra={"atmos_only": True})


def dig(value: Any, *keys: str) -> Any:
    """`value[k1][k2]…` through mappings and models alike; None where a level is missing."""
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else getattr(value, key, None)
        if value is None:
            return None
    return value


class ProviderConfig(Strict):
    kind: str
    default: bool = False
    tags: list[str] = Field(default_factory=list)
    #: Atmos's free-form map; this tool reads `endpoint_url`, `aws.resolver.url` and `files.base_path`.
    spec: Any = Field(default_factory=dict)
    # Atmos's other provider fields (schema_auth.go Provider): used by kinds that need them, else accepted.
    start_url: Any = atmos_only()
    url: Any = atmos_only()
    region: Any = atmos_only()
    username: Any = atmos_only()
    password: Any = atmos_only()
    driver: Any = atmos_only()
    provider_type: Any = atmos_only()
    download_browser_driver: Any = atmos_only()
    browser_type: Any = atmos_only()
    browser_executable_path: Any = atmos_only()
    auto_provision_identities: Any = atmos_only()
    session: Any = atmos_only()
    console: Any = atmos_only()

    @property
    def endpoint(self) -> str | None:
        """The AWS endpoint of this provider's own calls (spec.endpoint_url, or spec.aws.resolver.url)."""
        return _text(dig(self.spec, "endpoint_url")) or _text(dig(self.spec, "aws", "resolver", "url"))

    @property
    def files_base_path(self) -> str | None:
        """Where this provider's AWS files go instead of $XDG_CONFIG_HOME/atmos (spec.files.base_path)."""
        return _text(dig(self.spec, "files", "base_path"))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class Via(Strict):
    provider: str | None = None
    identity: str | None = None


def _env_list(value: Any) -> Any:
    """Atmos's list of `{key, value}`, or a plain mapping (which Atmos mangles; here it works)."""
    if value is None:
        return ()
    if isinstance(value, dict):
        value = [{"key": k, "value": v} for k, v in value.items()]
    if not isinstance(value, list):
        raise ValueError("must be a list of {key, value} (or a mapping of name to value)")
    pairs = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not item["key"]:
            raise ValueError("each entry needs `key` (a variable name) and `value`")
        if set(item) - {"key", "value"}:
            raise ValueError(f"unknown field in an env entry: {', '.join(sorted(set(item) - {'key', 'value'}))}")
        if not _ENV_NAME.fullmatch(item["key"]):
            raise ValueError(f"{item['key']!r} is not a variable name (letters, digits and _, not starting with a "
                             "digit); `auth env` output is run by shells")
        raw = item.get("value")
        if isinstance(raw, dict | list):
            raise ValueError(f"the value of {item['key']} must be text, not a mapping or a list")
        text = "" if raw is None else str(raw).lower() if isinstance(raw, bool) else str(raw)
        if _CONTROL.search(text):
            raise ValueError(f"the value of {item['key']} has a control character (a NUL cannot be passed to a "
                             "program at all)")
        pairs.append((item["key"], text))
    return tuple(pairs)


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
#: C0 controls but tab and line breaks, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


EnvList = Annotated[tuple[tuple[str, str], ...], BeforeValidator(_env_list)]


class IdentityConfig(Strict):
    kind: str
    default: bool = False
    via: Via | None = None
    tags: list[str] = Field(default_factory=list)
    alias: str | None = None
    #: Variables `auth env`, `exec` and `shell` set for this identity, after (over) the AWS ones.
    env: EnvList = ()
    #: Atmos's free-form map; this tool reads `endpoint_url`.
    spec: dict[str, Any] = Field(default_factory=dict)
    session: Session | None = None
    # Atmos's other identity fields (schema_auth.go Identity).
    required: Any = atmos_only()
    provider: Any = atmos_only()
    principal: Any = atmos_only()
    credentials: Any = atmos_only()
    emulator: Any = atmos_only()

    #: Standalone kinds (aws/user) start a chain themselves and take no `via`.
    standalone: ClassVar[bool] = False

    @property
    def endpoint(self) -> str | None:
        """The AWS endpoint of this identity's calls: spec.endpoint_url, or credentials.aws.resolver.url."""
        return _text(self.spec.get("endpoint_url")) or _text(dig(self.credentials, "aws", "resolver", "url"))


class IntegrationVia(Strict):
    identity: str | None = None
    provider: str | None = None


class IntegrationConfig(Strict):
    kind: str
    via: IntegrationVia

    @property
    def auto_provision(self) -> bool:
        """`spec.auto_provision` (default true): whether `login` runs it."""
        return bool(getattr(getattr(self, "spec", None), "auto_provision", True))


class KeyringSpec(Strict):
    path: str | None = None
    #: The variable holding the file keyring's password (default ATMOS_KEYRING_PASSWORD), as in Atmos.
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


def _realm(value: Any) -> Any:
    """As viper reads it: a number or a boolean is its text; empty (or an unset `!env`) is no realm."""
    if isinstance(value, bool):
        value = str(value).lower()
    elif isinstance(value, int | float):
        value = str(value)
    return value or None


class AuthSection(Strict):
    """The top level of `auth:` minus the three maps, which are validated per kind."""

    realm: Annotated[str | None, BeforeValidator(_realm)] = None
    keyring: KeyringConfig = Field(default_factory=KeyringConfig)
    logs: LogsConfig | None = None
    console: Any = atmos_only()


@dataclass(frozen=True)
class AuthConfig:
    """A valid `auth:` section. Maps keep the file's order."""

    source: Path
    settings: AuthSection
    #: Every file merged into it, in merge order.
    files: tuple[Path, ...] = ()
    #: The credential namespace (config.realm); "" for a configuration built without one.
    realm: str = ""
    #: atmos.yaml's top-level `env:`: what `auth exec` and `auth shell` add to the environment.
    global_env: dict[str, str] = field(default_factory=dict)
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
