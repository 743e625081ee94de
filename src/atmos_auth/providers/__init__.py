"""Provider kinds: each module defines KIND, Config and the runtime step; this table registers them (a
module is imported when a configuration uses its kind)."""

from atmos_auth.kinds import Registry

KINDS = Registry(__name__, {"aws/iam-identity-center": "sso", "github/oidc": "github_oidc",
                            "gitlab/oidc": "gitlab_oidc", "aws/saml": "saml", "mock": "mock", "mock/aws": "mock"})
