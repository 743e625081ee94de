"""Atomic, private file writes under a lock: temp file in the same folder, fsync, rename, 0600/0700."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from atmos_auth.errors import AtmosAuthError

#: Long enough for another process to finish a device flow it started (the waiter then reuses the token).
LOCK_TIMEOUT_SECONDS = 900


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) as 0700 when missing; never loosen an existing folder."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` so that readers see the old or the new file, never a torn one."""
    private_dir(path.parent)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError):  # make the rename durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


#: How long to wait quietly before telling the person that another process holds the lock.
QUIET_WAIT_SECONDS = 1.0


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT_SECONDS,
           on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """An exclusive cross-process lock on `<path>.lock` (released even if the process dies).

    `on_wait` is called once if the lock is not free within QUIET_WAIT_SECONDS.
    """
    private_dir(path.parent)
    lock = FileLock(str(path) + ".lock", timeout=timeout)
    try:
        if on_wait is None:
            lock.acquire()
        else:
            try:
                lock.acquire(timeout=QUIET_WAIT_SECONDS)
            except Timeout:
                on_wait()
                lock.acquire()
    except Timeout:
        raise AtmosAuthError(f"timed out after {timeout:.0f}s waiting for the lock {path}.lock",
                             remedy="another atmos process holds it; wait for it or end it") from None
    try:
        yield
    finally:
        lock.release()
