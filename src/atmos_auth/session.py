"""What `atmos auth login` does, as a library: authenticate, write AWS files, run integrations."""

from __future__ import annotations

from dataclasses import dataclass, field

from atmos_auth.authenticate import Authenticated, authenticate
from atmos_auth.chain import identity_region, root_provider
from atmos_auth.config.model import AuthConfig
from atmos_auth.integrations.ecr import RegistryLogin
from atmos_auth.interaction import Headless, Interaction
from atmos_auth.steps import Context
from atmos_auth.stores.aws_files import AwsFiles
from atmos_auth.stores.credential_store import open_store


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
