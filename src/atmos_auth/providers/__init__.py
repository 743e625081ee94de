"""Provider kinds: each module defines KIND, Config and the runtime step; this dict registers them."""

from atmos_auth.providers import github_oidc, gitlab_oidc, sso

KINDS = {module.KIND: module for module in (sso, github_oidc, gitlab_oidc)}
