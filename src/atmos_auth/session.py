"""What `atmos auth login` does, as a library: authenticate, write AWS files, run integrations."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from atmos_auth.authenticate import Authenticated, authenticate, cached_credentials
from atmos_auth.chain import identity_region, root_provider
from atmos_auth.config.model import AuthConfig
from atmos_auth.credentials import Credentials
from atmos_auth.errors import NotLoggedIn, SessionExpired
from atmos_auth.integrations.ecr import RegistryLogin
from atmos_auth.interaction import Headless, Interaction
from atmos_auth.logs import log
from atmos_auth.steps import Context, build_steps
from atmos_auth.stores.aws_files import AwsFiles, profile_of
from atmos_auth.stores.credential_store import open_store, store_folder
from atmos_auth.stores.docker_state import WrittenLogin
from atmos_auth.stores.session_cache import SessionCache


@dataclass
class LoginOutcome:
    auth: Authenticated
    files: AwsFiles
    region: str
    registries: list[RegistryLogin] = field(default_factory=list)


def context(config: AuthConfig, ui: Interaction | None = None, force: bool = False) -> Context:
    from atmos_auth.docker_config import DockerConfig
    from atmos_auth.stores.files import sweep_dead

    keyring = config.settings.keyring
    for folder in private_folders(config):  # temp copies that killed commands left (they may hold secrets)
        sweep_dead(folder)
    docker = DockerConfig().target
    sweep_dead(docker.parent, docker.name)
    ui = ui or Headless()
    spec = keyring.spec
    return Context(store=open_store(keyring.type, keyring.path, ui, spec.password_env if spec else None), ui=ui,
                   force=force, sessions=SessionCache(), realm=config.realm)


def private_folders(config: AuthConfig) -> list[Path]:
    """Every folder of ours that holds secrets: the file keyring, the caches, the AWS files."""
    from atmos_auth.stores import paths

    aws = [paths.config_dir() / "aws", aws_files(config, None).folder.parent]  # before realms, and now
    own = [_provider_files(config, name).folder for name in config.providers]  # spec.files.base_path too
    return list(dict.fromkeys([store_folder(config.settings.keyring.path), paths.cache_dir(),
                               paths.cache_dir() / "aws-sso", paths.cache_dir() / "aws-sso" / "sessions",
                               paths.cache_dir() / "sessions", *own,
                               *(p for folder in aws if folder.is_dir() for p in folder.iterdir() if p.is_dir())]))


def legacy_aws_files(config: AuthConfig, identity: str) -> AwsFiles:
    """Where versions before realms wrote the identity's profile (logout still removes it)."""
    from atmos_auth.stores import paths

    return AwsFiles(paths.config_dir() / "aws" / paths.safe_component(root_provider(config, identity)), lower=False)


def aws_files(config: AuthConfig, identity: str | None) -> AwsFiles:
    """The AWS files of `identity` (of its root provider), in the configuration's realm."""
    return _provider_files(config, root_provider(config, identity) if identity else "-")


def _provider_files(config: AuthConfig, provider: str) -> AwsFiles:
    entry = config.providers.get(provider)
    base = entry.files_base_path if entry is not None else None
    return AwsFiles.for_provider(provider, config.realm, Path(base).expanduser() if base else None)


def sign_in(config: AuthConfig, identity: str, ctx: Context, *, provision: bool = True) -> LoginOutcome:
    """Authenticate the chain and write the identity's AWS SDK profile (no integrations); refresh the
    provider's auto-provisioned identities when the chain needed it (unless `provision` is False)."""
    from atmos_auth.provisioning import after_sign_in

    auth = authenticate(config, identity, ctx)
    region = identity_region(config, identity)
    files = aws_files(config, identity)
    if not passes_through(config, identity):  # ambient credentials are not copied into files
        files.write(identity, auth.credentials, region)
    if provision:
        after_sign_in(config, auth.chain, auth.steps_run, ctx.ui)
    return LoginOutcome(auth=auth, files=files, region=region)


def sign_in_provider(config: AuthConfig, provider: str, ctx: Context) -> tuple[Any, int | None]:
    """`login --provider`: the provider's own sign-in (an SSO session, an OIDC token), no identity; the
    name matches in any case, as in Atmos. Also how many identities it provisioned (None: it does not)."""
    from atmos_auth import providers
    from atmos_auth.config.usable import require
    from atmos_auth.credentials import Token
    from atmos_auth.provisioning import provision

    provider = next((name for name in config.providers if name.lower() == provider.lower()), provider)
    if provider not in config.providers:
        require(config, ("providers", provider))  # a provider with problems says which
        from atmos_auth.errors import ConfigError

        raise ConfigError(f"provider {provider!r} is not defined",
                          remedy=f"providers: {', '.join(config.providers) or 'none'}")
    entry = config.providers[provider]
    token = providers.KINDS[entry.kind].build(provider, entry, ctx).authenticate(None)
    count = provision(provider, entry, token.value) if isinstance(token, Token) and token.kind == "sso" else None
    return token, count


def login(config: AuthConfig, identity: str, ctx: Context, *, integrations: bool = True) -> LoginOutcome:
    from atmos_auth.integrations.hooks import provision

    if not integrations:
        return sign_in(config, identity, ctx)
    return with_integrations(config, identity, ctx, lambda creds, hosts: provision(
        config, identity, creds, force=ctx.force or hosts is not None, hosts=hosts))


Run = Callable[[Credentials, "set[str] | None"], list[RegistryLogin]]


def with_integrations(config: AuthConfig, identity: str, ctx: Context, run: Run) -> LoginOutcome:
    """Sign in, then `run` integrations with the credentials. Cached credentials that AWS refuses
    (revoked, expired early, a clock far off) are dropped and fetched again, once, for those hosts."""
    outcome = sign_in(config, identity, ctx)
    outcome.registries = run(outcome.auth.credentials, None)
    rejected = {r.host for r in outcome.registries if r.rejected}
    if rejected and outcome.auth.steps_run == 0:
        log.warning("AWS rejected the cached credentials of %s; signing in again", identity)
        drop_cached(config, identity, ctx)
        again = sign_in(config, identity, ctx)
        retried = {r.host: r for r in run(again.auth.credentials, rejected)}
        again.registries = [retried.get(r.host, r) for r in outcome.registries]
        outcome = again
    return outcome


def drop_cached(config: AuthConfig, identity: str, ctx: Context) -> None:
    """Forget the identity's own cached credentials (AWS no longer accepts them)."""
    from atmos_auth.cache import CachedStep

    step = build_steps(config, identity, ctx)[-1]
    if isinstance(step, CachedStep):
        step.forget()


@dataclass(frozen=True)
class Whoami:
    identity: str
    arn: str
    account: str
    user_id: str
    credentials: Credentials
    ecr_logins: list[WrittenLogin]


def whoami(config: AuthConfig, identity: str) -> Whoami:
    """Who the identity's cached credentials are (sts:GetCallerIdentity); never signs in."""
    from atmos_auth.aws import REJECTED, client, error_code, skew_hint, translate
    from atmos_auth.integrations.hooks import written_by

    ctx = context(config)
    creds = cached_credentials(config, identity, ctx) or _from_aws_files(config, identity) or \
        _quietly_signed_in(config, identity, ctx)
    if creds is None:
        files = aws_files(config, identity)
        raise NotLoggedIn(f"not logged in as {identity!r}: nothing is cached for it, and its profile in "
                          f"{files.credentials} has no credentials with time left",
                          remedy=f"run `atmos auth login {identity}`")
    offline = kind_hook(config, identity, "caller", None)  # mock kinds answer without STS
    try:
        caller = offline(creds) if offline else client("sts", creds.region or "us-east-1", creds).get_caller_identity()
    except Exception as exc:
        if error_code(exc) in REJECTED:
            drop_cached(config, identity, ctx)
            raise SessionExpired(f"AWS rejected the cached credentials ({error_code(exc)}){skew_hint(exc)}; "
                                 "they were dropped", identity=identity,
                                 remedy=f"run `atmos auth login {identity}`") from None
        raise translate(exc, identity=identity, step=identity, action="sts:GetCallerIdentity") from None
    return Whoami(identity, caller["Arn"], caller["Account"], caller["UserId"], creds, written_by({identity}))


def whoami_facts(config: AuthConfig, me: Whoami, environ: Mapping[str, str]) -> dict[str, Any]:
    """Atmos's whoami fields (pkg/auth/types/whoami.go), none of them a secret: the environment with the
    home folder shown as ~, the AWS files as paths, the cache entry as a reference."""
    from atmos_auth.chain import chain_names
    from atmos_auth.credentials import utcnow
    from atmos_auth.steps import cache_key

    home = str(Path(environ.get("HOME") or Path.home()))
    env = {k: "~" + v[len(home):] if home != "/" and (v == home or v.startswith(home + "/")) else v
           for k, v in environment(config, me.identity).items()}
    files = aws_files(config, me.identity)
    creds = me.credentials
    from atmos_auth.config.realm import source

    return {"realm": config.realm, "realm_source": source(environ),
            "provider": root_provider(config, me.identity), "identity": me.identity, "principal": me.arn,
            "account": me.account, "region": creds.region or identity_region(config, me.identity),
            "expiration": creds.expires_at.isoformat() if creds.expires_at else None, "environment": env,
            "paths": [{"location": str(path), "type": "file", "required": False, "purpose": purpose}
                      for path, purpose in ((files.credentials, "AWS credentials file"),
                                            (files.config, "AWS config file"))],
            "credentials_ref": cache_key(config, chain_names(config, me.identity)),
            "last_updated": utcnow().isoformat()}


def _quietly_signed_in(config: AuthConfig, identity: str, ctx: Context) -> Credentials | None:
    """As Atmos's whoami: a sign-in that needs nobody (a cached SSO session, a CI token, a mock), or None.
    No integration runs."""
    from atmos_auth.errors import AtmosAuthError

    try:
        return sign_in(config, identity, ctx, provision=False).auth.credentials
    except AtmosAuthError:
        return None


def _from_aws_files(config: AuthConfig, identity: str) -> Credentials | None:
    """The credentials login wrote to the identity's AWS profile, while they have time left (as Atmos
    falls back to them when its credential store has nothing, e.g. ATMOS_KEYRING_TYPE=memory)."""
    creds = aws_files(config, identity).read(identity)
    if creds is None or (creds.expires_at is not None and not creds.fresh(timedelta(0))):
        return None
    return replace(creds, region=creds.region or identity_region(config, identity))


def kind_hook(config: AuthConfig, identity: str, name: str, default: Any) -> Any:
    """What the identity's kind module offers as `name` (caller, environment, PASSES_THROUGH), else `default`."""
    from atmos_auth import identities

    return getattr(identities.KINDS.get(config.identities[identity].kind), name, default)


def passes_through(config: AuthConfig, identity: str) -> bool:
    """An identity whose credentials are the environment's own (aws/ambient): nothing to point tools at."""
    return bool(kind_hook(config, identity, "PASSES_THROUGH", False))


def credentialless(config: AuthConfig, identity: str) -> bool:
    """Atmos's generic `ambient`: no credentials at all, nothing to sign in; the environment is handed on."""
    return bool(kind_hook(config, identity, "CREDENTIALLESS", False))


def environment(config: AuthConfig, identity: str) -> dict[str, str]:
    """The variables that point AWS tools (and Docker, when ECR integrations exist) at the identity."""
    from atmos_auth.stores.paths import docker_config_dir

    files = aws_files(config, identity)
    region = identity_region(config, identity)
    env = {"AWS_PROFILE": profile_of(identity), "AWS_SHARED_CREDENTIALS_FILE": str(files.credentials),
           "AWS_CONFIG_FILE": str(files.config), "AWS_REGION": region, "AWS_DEFAULT_REGION": region}
    if passes_through(config, identity):  # the environment's own credentials: only a configured region
        entry = config.identities[identity]
        configured = getattr(getattr(entry, "principal", None), "region", None)
        env = {"AWS_REGION": configured, "AWS_DEFAULT_REGION": configured} if configured else {}
    linked = config.integrations_of(identity).values()
    if any(i.kind in ("aws/ecr", "aws/ecr-public") for i in linked):
        env["DOCKER_CONFIG"] = str(docker_config_dir())
    kubeconfigs = [str(i.kubeconfig_path) for i in linked if i.kind == "aws/eks"]  # type: ignore[attr-defined]
    if kubeconfigs:
        env["KUBECONFIG"] = env["KUBE_CONFIG_PATH"] = ":".join(dict.fromkeys(kubeconfigs))
    env.update(kind_hook(config, identity, "environment", lambda name: {})(identity))
    env.update(config.identities[identity].env)  # the identity's own `env:` comes last and wins, as in Atmos
    return env
