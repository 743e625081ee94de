"""Integration kinds: each module defines KIND, Config and its runner; this dict registers them."""

from atmos_auth.integrations import ecr

KINDS = {module.KIND: module for module in (ecr,)}
