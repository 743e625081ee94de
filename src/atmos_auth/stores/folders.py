"""Private folders: every folder we create is 0700, whatever the umask, parents included."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` and any missing parent as 0700. An existing folder is left as it is."""
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
    return path
