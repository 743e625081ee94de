"""Identity kinds: each module defines KIND, Config and the runtime step; this dict registers them."""

from atmos_auth.identities import assume_role, permission_set, user

KINDS = {module.KIND: module for module in (permission_set, assume_role, user)}
