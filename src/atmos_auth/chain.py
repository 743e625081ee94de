"""Identity chains: which identity to use, and the walk from its root to it.

This is the one place that turns the typed configuration into a chain; runtime steps are built in
`steps.py` from the names returned here.
"""

from __future__ import annotations

from collections.abc import Mapping

from atmos_auth.config.model import AuthConfig
from atmos_auth.errors import ConfigError, UsageError


def choose_identity(config: AuthConfig, explicit: str | None, environ: Mapping[str, str]) -> str:
    """The identity named on the command line, else ATMOS_IDENTITY, else the one `default: true`."""
    name = explicit or environ.get("ATMOS_IDENTITY") or None
    if name:
        return known_identity(config, name)
    defaults = [n for n, i in config.identities.items() if i.default]
    listed = ", ".join(config.identities) or "none are defined"
    if len(defaults) == 1:
        return known_identity(config, defaults[0])
    if not defaults:
        raise UsageError(
            f"no identity given and none is marked `default: true` (identities: {listed})",
            remedy="name one, e.g. `atmos auth login <identity>`, set ATMOS_IDENTITY, or mark one `default: true`",
        )
    raise UsageError(
        f"no identity given and several are marked `default: true`: {', '.join(defaults)}",
        remedy="name one on the command line or keep a single `default: true`",
    )


def known_identity(config: AuthConfig, name: str) -> str:
    """The identity `name` names (case aside), when it and every entry of its chain can be used; else
    an error with every located problem in the way."""
    from atmos_auth.config.usable import require

    written = [n for section, n in config.kinds if section == "identities"] + list(config.identities)
    for candidate in (name, *(n for n in written if n.lower() == name.lower())):
        if candidate in written:
            require(config, ("identities", candidate))
            return candidate
    import difflib

    close = difflib.get_close_matches(name, list(config.identities), n=1, cutoff=0.6)
    hint = f' Did you mean "{close[0]}"?' if close else ""
    raise ConfigError(  # exit 1, as Atmos's "identity not found"
        f'identity "{name}" is not defined in {config.source}.{hint}',
        remedy=f"defined identities: {', '.join(config.identities) or 'none'} (see `atmos auth list`)",
    )


def chain_names(config: AuthConfig, identity: str) -> list[str]:
    """[provider, identity, ..., target] for `identity`; a standalone identity is its own root."""
    walk = [identity]
    current = config.identities[identity]
    while current.via is not None and current.via.identity:
        nxt = current.via.identity
        if nxt in walk:  # validation reports cycles; this guards direct callers
            raise ConfigError(f"identity cycle: {' -> '.join([*walk, nxt])}")
        walk.append(nxt)
        current = config.identities[nxt]
    if current.via is not None and current.via.provider:
        walk.append(current.via.provider)
    return list(reversed(walk))


def root_provider(config: AuthConfig, identity: str) -> str:
    """The name the AWS files are grouped under: the root provider, or the standalone identity's kind."""
    root = chain_names(config, identity)[0]
    if root in config.providers:
        return root
    return "aws-user" if config.identities[root].kind == "aws/user" else root


def identity_region(config: AuthConfig, identity: str) -> str:
    """The region tools should use with this identity: its own setting, else its chain's, else us-east-1."""
    for name in reversed(chain_names(config, identity)):
        entry = config.identities.get(name) or config.providers.get(name)
        principal = getattr(entry, "principal", None)
        for candidate in (getattr(principal, "region", None), getattr(getattr(entry, "credentials", None), "region", None),
                          getattr(entry, "region", None)):
            if candidate:
                return candidate
    return "us-east-1"
