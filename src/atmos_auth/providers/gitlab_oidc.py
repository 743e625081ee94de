"""gitlab/oidc: a GitLab CI ID token read from an environment variable (never cached to disk)."""

from __future__ import annotations

from typing import Any, Literal

from atmos_auth.config.model import ProviderConfig
from atmos_auth.config.schema import Field
from atmos_auth.config.types import Region, Strict
from atmos_auth.credentials import Secret, Token
from atmos_auth.errors import AuthError
from atmos_auth.providers.oidc_token import CiTokenProvider, web_identity_token

KIND = "gitlab/oidc"


class Spec(Strict):
    token_env: str = "ATMOS_OIDC_TOKEN"
    #: Keys of Atmos's spec for every provider (the AWS endpoint, where AWS files go).
    endpoint_url: str | None = None
    files: Any = None
    aws: Any = None


class Config(ProviderConfig):
    kind: Literal["gitlab/oidc"]
    region: Region | None = None
    spec: Spec = Field(default_factory=Spec)


class GitlabOidcProvider(CiTokenProvider):
    def authenticate(self, source: Secret | None = None) -> Token:
        value = self.environ.get(self.config.spec.token_env, "").strip()
        if not value:
            raise AuthError(f"no GitLab ID token in ${self.config.spec.token_env}", step=self.name,
                            remedy=f"declare it in .gitlab-ci.yml: `id_tokens: {{{self.config.spec.token_env}: "
                                   "{aud: sts.amazonaws.com}}`")
        return web_identity_token(value, self.config.region)


def build(name: str, config: Config, ctx: object) -> GitlabOidcProvider:
    return GitlabOidcProvider(name, config)
