"""Provider kinds: each module defines KIND, Config and the runtime step; this dict registers them."""

from atmos_auth.providers import github_oidc, gitlab_oidc, mock, saml, sso

#: A module may serve more kinds than its KIND (ALSO), as Atmos's mock serves `mock` and `mock/aws`.
KINDS = {kind: module for module in (sso, github_oidc, gitlab_oidc, saml, mock)
         for kind in (module.KIND, *getattr(module, "ALSO", ()))}
