"""Checks across entries: `via` targets exist and fit, no identity cycles, at most one default."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from atmos_auth.config.model import AuthConfig

#: (path, message, whether it stops the entry at the path from being used)
Problem = tuple[tuple[str, ...], str, bool]


class Accepted(str):
    """A message about what Atmos accepts in `auth validate` but cannot work when used: a warning that
    still stops a command using the entry."""

#: Provider kinds that yield a web-identity token (an assume-role can start from them).
OIDC_PROVIDER_KINDS = {"github/oidc", "gitlab/oidc"}
SSO_PROVIDER_KINDS = {"aws/iam-identity-center"}


def check_references(config: AuthConfig, raw: dict[str, Any]) -> Iterator[Problem]:
    raw_identities = _mapping(raw.get("identities"))
    names = _Names(set(_mapping(raw.get("providers"))), set(raw_identities))
    for name, identity in config.identities.items():
        yield from ((*found, True) for found in _check_via(config, names, name, identity))
    yield from ((*found, True) for found in _check_cycles(config))
    defaults = [n for n, i in config.identities.items() if i.default]
    if len(defaults) > 1:  # a problem only for a command that names no identity
        for name in defaults:
            yield (("auth", "identities", name, "default"),
                   f"several identities are marked `default: true` ({', '.join(defaults)}); keep one", False)
    for name, integration in config.integrations.items():
        yield from ((*found, True) for found in _check_integration(config, names, name, integration))


def _check_integration(config: AuthConfig, names: _Names, name: str, integration: Any) -> Iterator[
        tuple[tuple[str, ...], str]]:
    path = ("auth", "integrations", name, "via")
    via = integration.via
    if (via.identity is None) == (via.provider is None):
        yield path, f"give exactly one of `via.identity` or `via.provider` (found {'both' if via.identity else 'neither'})"
    elif via.identity is not None and via.identity not in names.identities:
        yield (*path, "identity"), f'identity "{via.identity}" is not defined{_hint(via.identity, config.identities)}'
    elif via.provider is not None and via.provider not in names.providers:
        yield (*path, "provider"), f'provider "{via.provider}" is not defined{_hint(via.provider, config.providers)}'
    elif via.provider is not None and integration.kind.startswith("aws/"):
        yield (*path, "provider"), Accepted(
            f"{integration.kind} needs AWS credentials, which come from an identity: use `via: {{identity: <an "
            f'identity whose chain starts at {via.provider}>}}`')


def _check_via(config: AuthConfig, names: _Names, name: str, identity: Any) -> Iterator[tuple[tuple[str, ...], str]]:
    path = ("auth", "identities", name, "via")
    via = identity.via
    if identity.standalone:
        if via is not None and (via.provider or via.identity):
            yield path, f"{identity.kind} identities stand alone and take no `via`"
        return
    if via is None or (via.provider is None and via.identity is None):
        # Atmos's validate accepts an identity without `via` (nothing can sign it in, though)
        yield path, Accepted("no `via`: give `via.provider` or `via.identity`, the step this identity starts "
                             "from; until then it cannot be used")
        return
    if via.provider is not None and via.identity is not None:
        yield path, "give exactly one of `via.provider` or `via.identity` (found both)"
        return
    if via.provider is not None:
        provider = config.providers.get(via.provider)
        if identity.kind == "aws/assume-root":  # Atmos accepts it, then fails: a provider gives no AWS credentials
            yield (*path, "provider"), Accepted("aws/assume-root starts from the AWS credentials of another identity: "
                                                "use `via: {identity: <it>}`")
        elif via.provider not in names.providers:
            yield (*path, "provider"), f'provider "{via.provider}" is not defined{_hint(via.provider, config.providers)}'
        elif provider is None:
            return  # defined but invalid: reported where it is defined
        elif identity.kind == "aws/permission-set" and provider.kind not in SSO_PROVIDER_KINDS:
            yield (*path, "provider"), (f'aws/permission-set needs an aws/iam-identity-center provider; '
                                        f'"{via.provider}" is {provider.kind}')
        elif identity.kind == "aws/assume-role" and provider.kind in SSO_PROVIDER_KINDS:
            # Atmos accepts it, then fails at run time: an SSO sign-in yields no AWS credentials to assume from.
            yield (*path, "provider"), Accepted(
                f'aws/assume-role cannot start from "{via.provider}" ({provider.kind}): IAM Identity Center gives '
                "no AWS credentials until a permission set is chosen. Put an aws/permission-set between them: "
                f"`via: {{provider: {via.provider}}}` on an aws/permission-set identity, and `via: {{identity: "
                "<that identity>}}` here")
        elif identity.kind == "aws/assume-role" and provider.kind not in OIDC_PROVIDER_KINDS | {"aws/saml"}:
            yield (*path, "provider"), (f'aws/assume-role can start from an OIDC provider '
                                        f'({", ".join(sorted(OIDC_PROVIDER_KINDS))}), an aws/saml provider, or '
                                        f'from `via.identity`; "{via.provider}" is {provider.kind}')
    else:
        if identity.kind == "aws/permission-set":
            yield (*path, "identity"), "aws/permission-set must use `via.provider` (an aws/iam-identity-center provider)"
        elif via.identity not in names.identities:
            yield (*path, "identity"), f'identity "{via.identity}" is not defined{_hint(via.identity, config.identities)}'


def _mapping(value: Any) -> dict[str, Any]:
    """A section as given, or {} when it is not a mapping (reported where it is defined)."""
    return value if isinstance(value, dict) else {}


class _Names(NamedTuple):
    """Every defined name, including entries that failed their own validation."""

    providers: set[str]
    identities: set[str]


def _check_cycles(config: AuthConfig) -> Iterator[tuple[tuple[str, ...], str]]:
    reported: set[frozenset[str]] = set()
    for start in config.identities:
        walk = [start]
        current = config.identities[start]
        while current.via is not None and current.via.identity in config.identities:
            nxt = current.via.identity
            if nxt in walk:
                cycle = walk[walk.index(nxt):] + [nxt]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    yield (("auth", "identities", nxt, "via", "identity"),
                           f"identity cycle: {' -> '.join(cycle)}")
                break
            walk.append(nxt)
            current = config.identities[nxt]


def _hint(word: str, known: dict[str, Any]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    listed = ", ".join(known) or "none"
    return f' (did you mean "{close[0]}"?)' if close else f" (defined: {listed})"
