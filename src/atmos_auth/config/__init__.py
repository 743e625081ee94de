"""The typed `auth:` configuration: discovery, YAML with line numbers, per-kind models, cross-checks."""

from atmos_auth.config.load import load_auth_config
from atmos_auth.config.model import AuthConfig

__all__ = ["AuthConfig", "load_auth_config"]
