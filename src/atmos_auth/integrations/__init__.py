"""Integration kinds: each module defines KIND, Config and its runner; this dict registers them."""

from atmos_auth.integrations import ecr, ecr_public, eks

KINDS = {module.KIND: module for module in (ecr, ecr_public, eks)}
#: The kinds that log Docker in (each module has Config and targets_of).
DOCKER_KINDS = (ecr, ecr_public)
