"""aws/saml: a SAML identity provider's sign-in (cloudposse/atmos pkg/auth/providers/aws/saml.go), giving
the assertion the next identity trades for AWS credentials (sts:AssumeRoleWithSAML). The form driver
signs in as saml2aws's generic providers do: the IdP's login form is fetched, filled with `username` and
`password` (from atmos.yaml, e.g. `!env`, else asked on a terminal) and posted; the response page carries
the SAMLResponse. The `Browser` driver (saml_browser) lets the person sign in in their own browser and
receives the response on a local listener."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode, urljoin

from atmos_auth.config.model import ProviderConfig
from atmos_auth.config.schema import SecretStr, field_validator
from atmos_auth.config.types import Region
from atmos_auth.credentials import Secret, Token, utcnow
from atmos_auth.errors import AuthError, InteractionRequired

if TYPE_CHECKING:
    from atmos_auth.steps import Context

KIND = "aws/saml"
#: An assertion is good for minutes; it is used at once and never kept.
LIFETIME = timedelta(minutes=5)
MAX_PAGE = 4 << 20


class Config(ProviderConfig):
    kind: Literal["aws/saml"]
    url: str
    region: Region
    username: str | None = None
    password: SecretStr | None = None
    driver: str | None = None
    provider_type: str | None = None

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not re.match(r"https?://[^/\s]+", value):
            raise ValueError(f'must be the IdP sign-in URL (https://…), got "{value}"')
        if value.startswith("http://") and not re.match(r"http://(127\.0\.0\.1|localhost|\[::1\])[:/]", value):
            raise ValueError("must be https:// (the password is sent there); plain http is for a local IdP only")
        return value

    @field_validator("spec")
    @classmethod
    def _acs_port(cls, value: Any) -> Any:
        port = value.get("acs_port") if isinstance(value, dict) else None
        if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536):
            raise ValueError(f"acs_port must be a port number (1-65535), got {port!r}")
        return value

    @property
    def acs_port(self) -> int:
        from atmos_auth.providers.saml_browser import DEFAULT_PORT

        return int((self.spec if isinstance(self.spec, dict) else {}).get("acs_port") or DEFAULT_PORT)


class _Forms(HTMLParser):
    """Every form of a page: its action, and its inputs (name, type, value)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": values.get("action", ""), "inputs": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append((values.get("name", ""), values.get("type", "text").lower(),
                                             values.get("value", "")))


class SamlProvider:
    cacheable = False  # an assertion is for one use

    def __init__(self, name: str, config: Config, ctx: Context) -> None:
        self.name = name
        self.config = config
        self.ctx = ctx

    def authenticate(self, source: Secret | None = None) -> Token:
        if (self.config.driver or "").lower() == "browser":
            from atmos_auth.providers.saml_browser import sign_in

            received = sign_in(self.config.url, self.config.acs_port, self.ctx.ui, self.name)
            return Token(kind="saml", value=received, expires_at=utcnow() + LIFETIME, region=self.config.region)
        opener = _opener()
        login_page, at = _fetch(opener, self.config.url, None, self.name)
        form = next((f for f in _forms(login_page) if any(kind == "password" for _, kind, _ in f["inputs"])), None)
        if form is None:
            raise AuthError(f"no sign-in form with a password field at {self.config.url}", step=self.name,
                            remedy="check `url`: it is the IdP's sign-in page for AWS")
        fields = {name: value for name, kind, value in form["inputs"] if name and kind not in ("submit", "button")}
        user_field = next((n for n, k, _ in form["inputs"] if n and k in ("text", "email")), "username")
        pass_field = next(n for n, k, _ in form["inputs"] if k == "password")
        fields[user_field], fields[pass_field] = self._username(), self._password()
        answer, _ = _fetch(opener, urljoin(at, form["action"] or at), urlencode(fields).encode(), self.name)
        response = next((value for f in _forms(answer) for name, _, value in f["inputs"] if name == "SAMLResponse"), None)
        if not response:
            raise AuthError(f"the IdP at {self.config.url} did not sign you in (no SAMLResponse: wrong username or "
                            "password?)", step=self.name)
        return Token(kind="saml", value=response, expires_at=utcnow() + LIFETIME, region=self.config.region)

    def _username(self) -> str:
        if self.config.username:
            return self.config.username
        return self._ask("username", lambda label: self.ctx.ui.prompt(label))

    def _password(self) -> str:
        if self.config.password is not None and self.config.password.get_secret_value():
            return self.config.password.get_secret_value()
        return self._ask("password", lambda label: self.ctx.ui.secret(label))

    def _ask(self, what: str, ask: Any) -> str:
        if not self.ctx.ui.interactive:
            raise InteractionRequired(f"provider {self.name!r} needs a SAML {what} and there is no terminal",
                                      remedy=f"set `{what}:` on the provider (e.g. `{what}: !env SAML_{what.upper()}`)")
        return str(ask(f"SAML {what} for {self.config.url}")).strip()


def _opener() -> Any:
    import http.cookiejar
    import urllib.request

    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def _fetch(opener: Any, url: str, data: bytes | None, step: str) -> tuple[str, str]:
    """The page at `url` (POSTing `data`), and where it ended after redirects; a 401 page is still a page."""
    import urllib.error

    try:
        with opener.open(url, data=data, timeout=30) as answer:
            return answer.read(MAX_PAGE).decode("utf-8", "replace"), answer.geturl()
    except urllib.error.HTTPError as error:
        return error.read(MAX_PAGE).decode("utf-8", "replace"), url
    except (OSError, ValueError) as exc:
        raise AuthError(f"the IdP at {url.split('?')[0]} cannot be reached: {getattr(exc, 'reason', exc)}",
                        step=step) from None


def _forms(page: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


def build(name: str, config: Config, ctx: Context) -> SamlProvider:
    return SamlProvider(name, config, ctx)
