"""aws/iam-identity-center: an SSO bearer token from the OIDC device flow, cached and refreshed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from atmos_auth.aws import client, error_code, translate
from atmos_auth.config.model import ProviderConfig
from atmos_auth.config.schema import field_validator
from atmos_auth.config.types import Region, Session
from atmos_auth.credentials import Secret, Token, utcnow
from atmos_auth.errors import AuthError, InteractionRequired
from atmos_auth.interaction import Interaction
from atmos_auth.stores.files import locked
from atmos_auth.stores.sso_cache import SsoCache, SsoSession

if TYPE_CHECKING:
    from atmos_auth.steps import Context

KIND = "aws/iam-identity-center"
#: What CreateToken says when the refresh token itself is no good (a new sign-in is the only way).
_REFRESH_REFUSED = {"InvalidGrantException", "ExpiredTokenException", "UnauthorizedClientException",
                    "AccessDeniedException", "InvalidRequestException"}


class Config(ProviderConfig):
    kind: Literal["aws/iam-identity-center"]
    start_url: str
    region: Region
    session: Session | None = None
    auto_provision_identities: bool = False

    @field_validator("start_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://") or len(value) <= len("https://"):
            raise ValueError(f'must be an https:// URL such as https://company.awsapps.com/start/, got "{value}"')
        return value


class SsoProvider:
    """Yields an SSO bearer Token: cached → refreshed → device flow, one flow per portal across processes."""

    cacheable = False  # it keeps its own per-portal cache, shared by every provider on the same portal

    def __init__(self, name: str, config: Config, ui: Interaction) -> None:
        self.name = name
        self.config = config
        self.ui = ui
        self.cache = SsoCache(config.start_url, config.region)

    def cached(self) -> Token | None:
        token = _token(self.cache.load(), self.config.region)
        return token if token and token.fresh() else None

    def authenticate(self, source: Secret | None = None) -> Token:
        waiting = lambda: self.ui.notice(  # noqa: E731
            f"Another atmos process is signing in to {self.config.start_url}; waiting for it…")
        with locked(self.cache.path, on_wait=waiting):
            # Whoever held the lock may have signed in already: then there is nothing left to do.
            if (hit := self.cached()) is not None:
                return hit
            session = self.cache.load()
            oidc = client("sso-oidc", self.config.region, unsigned=True, endpoint=self.config.endpoint)
            token, why = self._refresh(oidc, session)
            if token is None:
                if not self.ui.device_flow:
                    raise InteractionRequired(
                        f"provider {self.name!r}: {why}, and signing in needs a person to approve a device code, "
                        "but there is no terminal",
                        remedy="run `atmos auth login` in a terminal, or pass --device-flow (or set "
                               "ATMOS_DEVICE_FLOW=1) to print the code and wait for approval from another device")
                token = self._device_flow(oidc, session)
            self._store(session, token)
            return _token(session, self.config.region)  # type: ignore[return-value]

    def _refresh(self, oidc: Any, session: SsoSession) -> tuple[dict | None, str]:
        """A new access token from the refresh token, or (None, why not). A transient failure (throttling,
        5xx, no answer) raises and keeps the refresh token: a person must not approve again for it."""
        missing = f"the SSO session for {self.config.start_url} is missing or expired"
        if not (session.refresh_token and session.client_id and session.client_secret):
            return None, missing
        try:
            return oidc.create_token(clientId=session.client_id, clientSecret=session.client_secret,
                                     grantType="refresh_token", refreshToken=session.refresh_token), ""
        except Exception as exc:
            code = error_code(exc)
            if code == "InvalidClientException":  # the portal forgot our registration: register again
                session.forget_registration()
                session.refresh_token = None
                return None, (f"the SSO portal {self.config.start_url} no longer knows this client registration "
                              "(it was reset), so the session cannot be refreshed")
            if code in _REFRESH_REFUSED:
                session.refresh_token = None
                return None, f"the SSO session for {self.config.start_url} expired or was revoked ({code})"
            raise translate(exc, identity=None, step=self.name, action="sso-oidc:CreateToken (refresh)",
                            remedy="the SSO session was kept; run the command again") from None

    def _device_flow(self, oidc: Any, session: SsoSession) -> dict:
        from atmos_auth.providers.device_flow import StaleRegistration, register, run_device_flow

        register(oidc, session, self.name)
        try:
            return run_device_flow(oidc, session, self.name, self.ui)
        except StaleRegistration:  # refused although not expired: the portal was reset; register once more
            session.forget_registration()
            register(oidc, session, self.name)
        try:
            return run_device_flow(oidc, session, self.name, self.ui)
        except StaleRegistration:
            raise AuthError(f"the SSO portal {self.config.start_url} refused the client registration it has just "
                            "issued (InvalidClientException)", step=self.name,
                            remedy="try again in a minute; if it persists, check the start_url and region") from None

    def _store(self, session: SsoSession, token: dict) -> None:
        expires_in = token.get("expiresIn") or (self.config.session.duration if self.config.session and
                                                self.config.session.duration else 3600)
        session.access_token = token["accessToken"]
        session.expires_at = (utcnow() + timedelta(seconds=int(expires_in))).isoformat()
        session.refresh_token = token.get("refreshToken") or session.refresh_token
        self.cache.save(session)

    def invalidate(self) -> None:
        """Drop the access token (the portal refused it) but keep the refresh token and registration."""
        with locked(self.cache.path):
            session = self.cache.load()
            if session.access_token:
                session.access_token, session.expires_at = None, None
                self.cache.save(session)

    def logout(self) -> bool:
        """Sign out at the portal (the token stops working) and delete the cached session."""
        session = self.cache.load()
        if session.access_token:
            try:
                client("sso", self.config.region, unsigned=True, endpoint=self.config.endpoint).logout(accessToken=session.access_token)
            except Exception:  # already invalid or unreachable: the local copy still goes
                pass
        return self.cache.delete()


def _token(session: SsoSession, region: str) -> Token | None:
    """The session's access token, while it has a known expiry (one without is taken as expired)."""
    if not session.access_token or not session.expires_at:
        return None
    return Token(kind="sso", value=session.access_token, expires_at=datetime.fromisoformat(session.expires_at),
                 region=region)


def build(name: str, config: Config, ctx: Context) -> SsoProvider:
    return SsoProvider(name, config, ctx.ui)
