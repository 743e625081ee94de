"""Private folders: every folder we create is 0700, whatever the umask, parents included."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE = 0o700


def private_dir(path: Path, *, tighten: bool = False) -> Path:
    """Create `path` and any missing parent as 0700. An existing folder is left as it is, unless
    `tighten` is set and we own it (our own folders, made wider by an older version or a umask)."""
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
    if tighten and not missing:
        info = path.stat()
        if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(info.st_mode) & PRIVATE)
    return path
