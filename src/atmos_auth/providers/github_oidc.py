"""github/oidc: a GitHub Actions ID token for the configured audience (never cached to disk)."""

from __future__ import annotations

from typing import Any, Literal

from atmos_auth.config.model import ProviderConfig
from atmos_auth.config.schema import Field
from atmos_auth.config.types import Region, Strict
from atmos_auth.credentials import Secret, Token
from atmos_auth.errors import AuthError, EndpointError
from atmos_auth.providers.oidc_token import CiTokenProvider, web_identity_token

KIND = "github/oidc"


class Spec(Strict):
    audience: str = "sts.amazonaws.com"
    #: Keys of Atmos's spec for every provider (the AWS endpoint, where AWS files go).
    endpoint_url: str | None = None
    files: Any = None
    aws: Any = None


class Config(ProviderConfig):
    kind: Literal["github/oidc"]
    region: Region | None = None
    spec: Spec = Field(default_factory=Spec)


class GithubOidcProvider(CiTokenProvider):
    """Asks the Actions runtime for an ID token: GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=..."""

    def authenticate(self, source: Secret | None = None) -> Token:
        import json  # lazily: only CI runs need an HTTP client here
        import urllib.error
        import urllib.parse
        import urllib.request

        url = self.environ.get("ACTIONS_ID_TOKEN_REQUEST_URL")
        bearer = self.environ.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
        if not url or not bearer:
            if self.environ.get("GITHUB_ACTIONS") != "true":
                raise AuthError("github/oidc works only inside a GitHub Actions job (GITHUB_ACTIONS is not 'true')",
                                step=self.name, remedy="use another identity outside GitHub Actions")
            raise AuthError("the job cannot request an OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN are not set",
                            step=self.name, remedy="add `permissions: id-token: write` to the job (or workflow)")
        separator = "&" if "?" in url else "?"
        request = urllib.request.Request(
            f"{url}{separator}audience={urllib.parse.quote(self.config.spec.audience)}",
            headers={"Authorization": f"bearer {bearer}", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                value = json.loads(response.read())["value"]
        except urllib.error.HTTPError as exc:
            raise AuthError(f"the GitHub OIDC endpoint answered HTTP {exc.code}", step=self.name,
                            remedy="check `permissions: id-token: write` on the job") from None
        except (OSError, ValueError, KeyError) as exc:
            raise EndpointError(f"provider {self.name!r}: cannot get a token from the GitHub OIDC endpoint "
                                f"({type(exc).__name__})") from None
        return web_identity_token(value, self.config.region)


def build(name: str, config: Config, ctx: object) -> GithubOidcProvider:
    return GithubOidcProvider(name, config)
