"""Identity kinds: each module defines KIND, Config and the runtime step; this table registers them (a
module is imported when a configuration uses its kind)."""

from atmos_auth.kinds import Registry

KINDS = Registry(__name__, {"aws/permission-set": "permission_set", "aws/assume-role": "assume_role",
                            "aws/assume-root": "assume_root", "aws/user": "user", "aws/ambient": "ambient",
                            "aws/credentials": "credential_process", "mock/aws": "mock", "mock": "mock",
                            "ambient": "passthrough"})
