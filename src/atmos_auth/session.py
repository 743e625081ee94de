"""What `atmos auth login` does, as a library: authenticate, write AWS files, run integrations."""

from __future__ import annotations

from dataclasses import dataclass, field

from atmos_auth.authenticate import Authenticated, authenticate, cached_credentials
from atmos_auth.chain import identity_region, root_provider
from atmos_auth.config.model import AuthConfig
from atmos_auth.credentials import Credentials
from atmos_auth.errors import AtmosAuthError
from atmos_auth.integrations.ecr import RegistryLogin
from atmos_auth.interaction import Headless, Interaction
from atmos_auth.steps import Context
from atmos_auth.stores.aws_files import AwsFiles
from atmos_auth.stores.credential_store import open_store
from atmos_auth.stores.docker_state import WrittenLogin


@dataclass
class LoginOutcome:
    auth: Authenticated
    files: AwsFiles
    region: str
    registries: list[RegistryLogin] = field(default_factory=list)


def context(config: AuthConfig, ui: Interaction | None = None, force: bool = False) -> Context:
    keyring = config.settings.keyring
    store = open_store(keyring.type, keyring.spec.path if keyring.spec else None)
    return Context(store=store, ui=ui or Headless(), force=force)


def aws_files(config: AuthConfig, identity: str) -> AwsFiles:
    return AwsFiles.for_provider(root_provider(config, identity))


def sign_in(config: AuthConfig, identity: str, ctx: Context) -> LoginOutcome:
    """Authenticate the chain and write the identity's AWS SDK profile (no integrations)."""
    auth = authenticate(config, identity, ctx)
    region = identity_region(config, identity)
    files = aws_files(config, identity)
    files.write(identity, auth.credentials, region)
    return LoginOutcome(auth=auth, files=files, region=region)


def login(config: AuthConfig, identity: str, ctx: Context, *, integrations: bool = True) -> LoginOutcome:
    from atmos_auth.integrations.hooks import provision

    outcome = sign_in(config, identity, ctx)
    if integrations:
        outcome.registries = provision(config, identity, outcome.auth.credentials, force=ctx.force)
    return outcome


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
    from atmos_auth.aws import client, translate
    from atmos_auth.integrations.hooks import written_by

    creds = cached_credentials(config, identity, context(config))
    if creds is None:
        raise AtmosAuthError(f"not logged in as {identity!r} (no cached credentials with time left)",
                             remedy=f"run `atmos auth login {identity}`")
    try:
        caller = client("sts", creds.region or "us-east-1", creds).get_caller_identity()
    except Exception as exc:
        raise translate(exc, identity=identity, step=identity, action="sts:GetCallerIdentity") from None
    return Whoami(identity, caller["Arn"], caller["Account"], caller["UserId"], creds, written_by({identity}))


def environment(config: AuthConfig, identity: str) -> dict[str, str]:
    """The variables that point AWS tools (and Docker, when ECR integrations exist) at the identity."""
    from atmos_auth.stores.paths import docker_config_dir

    files = aws_files(config, identity)
    region = identity_region(config, identity)
    env = {"AWS_PROFILE": identity, "AWS_SHARED_CREDENTIALS_FILE": str(files.credentials),
           "AWS_CONFIG_FILE": str(files.config), "AWS_REGION": region, "AWS_DEFAULT_REGION": region}
    if any(i.kind == "aws/ecr" for i in config.integrations_of(identity).values()):
        env["DOCKER_CONFIG"] = str(docker_config_dir())
    return env
