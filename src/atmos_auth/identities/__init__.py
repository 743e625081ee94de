"""Identity kinds: each module defines KIND, Config and the runtime step; this dict registers them."""

from atmos_auth.identities import (
                                     ambient,
                                     assume_role,
                                     assume_root,
                                     credential_process,
                                     mock,
                                     passthrough,
                                     permission_set,
                                     user,
)

#: A module may serve more kinds than its KIND (ALSO), as Atmos's mock serves `mock/aws` and `mock`.
KINDS = {kind: module for module in (permission_set, assume_role, assume_root, user, ambient, credential_process,
                                     mock, passthrough)
         for kind in (module.KIND, *getattr(module, "ALSO", ()))}
