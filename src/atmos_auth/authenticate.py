"""Run an identity's chain: start from the deepest fresh cached step, then authenticate forward."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from atmos_auth.config.model import AuthConfig
from atmos_auth.credentials import Credentials, Secret
from atmos_auth.errors import AuthError, SessionExpired
from atmos_auth.logs import log
from atmos_auth.steps import Context, Step, build_steps


@dataclass(frozen=True)
class Authenticated:
    identity: str
    chain: list[str]
    credentials: Credentials
    #: How many steps ran (0: everything came from the cache).
    steps_run: int


def authenticate(config: AuthConfig, identity: str, ctx: Context) -> Authenticated:
    steps = build_steps(config, identity, ctx)
    start, value = _deepest_cached(steps, _still_written(config, identity))
    try:
        value = _run(steps, start, value)
    except SessionExpired:
        if start < 0:
            raise
        # A cached session was revoked server-side (logout elsewhere, expired early): drop the cached
        # steps (an SSO provider keeps its refresh token) and walk the whole chain once more.
        for step in steps:
            for drop in ("forget", "invalidate"):
                if hasattr(step, drop):
                    getattr(step, drop)()
        start, value = -1, None
        value = _run(steps, start, value)
    if not isinstance(value, Credentials):
        raise AuthError("the chain ended without AWS credentials", identity=identity)
    log.debug("identity %s: chain %s, %d step(s) run, the rest from the cache, key %s", identity,
              " -> ".join(s.name for s in steps), len(steps) - start - 1, value.masked_key)
    return Authenticated(identity=identity, chain=[s.name for s in steps], credentials=value,
                         steps_run=len(steps) - start - 1)


def cached_credentials(config: AuthConfig, identity: str, ctx: Context) -> Credentials | None:
    """The identity's own cached credentials, without any AWS call or prompt (for whoami and env)."""
    look = getattr(build_steps(config, identity, ctx)[-1], "cached", None)
    hit = look() if look is not None else None
    return hit if isinstance(hit, Credentials) and _still_written(config, identity)(hit) else None


def _still_written(config: AuthConfig, identity: str) -> Callable[[Secret], bool]:
    """The identity's cached credentials count only while its AWS profile still holds them: another tool
    (Atmos's logout, or its login) may have removed or replaced them, and, as for Atmos, the files are
    what AWS tools use."""
    from atmos_auth.session import aws_files, passes_through

    if passes_through(config, identity):
        return lambda secret: True
    files = aws_files(config, identity)

    def agrees(secret: Secret) -> bool:
        written = files.read(identity)
        return isinstance(secret, Credentials) and written is not None and \
            written.access_key_id == secret.access_key_id
    return agrees


def _deepest_cached(steps: list[Step], target_agrees: Callable[[Secret], bool]) -> tuple[int, Secret | None]:
    """The last step with a fresh cached result, and that result ((-1, None) when there is none)."""
    for index in range(len(steps) - 1, -1, -1):
        look = getattr(steps[index], "cached", None)
        hit = look() if look is not None else None
        if hit is not None and index == len(steps) - 1 and not target_agrees(hit):
            steps[index].forget()  # type: ignore[attr-defined]  # a private copy the files no longer hold
            continue
        if hit is not None:
            return index, hit
    return -1, None


def _run(steps: list[Step], start: int, value: Secret | None) -> Secret | None:
    for step in steps[start + 1:]:
        value = step.authenticate(value)
    return value
