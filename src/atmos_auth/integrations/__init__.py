"""Integration kinds: each module defines KIND, Config and its runner; this table registers them (a
module is imported when a configuration uses its kind)."""

from atmos_auth.kinds import Registry

KINDS = Registry(__name__, {"aws/ecr": "ecr", "aws/ecr-public": "ecr_public", "aws/eks": "eks"})
#: The kinds that log Docker in (each module has Config and targets_of).
DOCKER_KINDS = ("aws/ecr", "aws/ecr-public")
