"""Private folders: every folder we create is 0700, whatever the umask, parents included."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` and any missing parent as 0700. An existing folder is left as it is. As root
    (sudo with the user's HOME), a new folder gets its parent's owner, so the user can still use it."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE)
        except FileExistsError:
            continue  # made by another process meanwhile
        os.chmod(folder, PRIVATE)  # the umask may have removed bits of 0700 (never added any)
        give_to_folder_owner(folder)
    return path


def give_to_folder_owner(path: Path, fd: int | None = None) -> None:
    """As root, make `path` (a file or folder we just made) belong to the owner of its folder, where that
    is not root: what sudo creates in a user's home or Docker folder stays usable by that user."""
    if os.geteuid() != 0:
        return
    try:
        owner = os.stat(path.parent)
        if owner.st_uid != 0:
            if fd is not None:
                os.fchown(fd, owner.st_uid, owner.st_gid)
            else:
                os.chown(path, owner.st_uid, owner.st_gid, follow_symlinks=False)
    except OSError:
        pass
