"""Cross-process locks: `flock` on `<file>.lock`, the convention Atmos (gofrs/flock) uses too.

Why not the `filelock` package: we need to name the process that holds a lock when we wait for it,
and lock files that no other user can open; a plain `flock` is a few lines. `flock` locks go with
the process: a killed holder never leaves a stale lock.

A lock file is created 0600 in a 0700 folder, so no other user can open it to stall us. A wait longer
than WAIT_NOTICE_SECONDS is reported (with the holder's pid and name where /proc/locks shows them).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from atmos_auth.errors import FileAccessError, LockTimeout
from atmos_auth.logs import log
from atmos_auth.stores.folders import give_to_folder_owner, private_dir

#: Long enough for another process to finish a device flow it started (the waiter then reuses the token).
LOCK_TIMEOUT_SECONDS = 900.0
#: A wait longer than this is announced: the person should know what we are waiting for.
WAIT_NOTICE_SECONDS = 2.0
_POLL_SECONDS = (0.005, 0.01, 0.02, 0.05, 0.1)


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def locked(path: Path, *, timeout: float = LOCK_TIMEOUT_SECONDS, what: str | None = None,
           on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `<path>.lock` (0600, created in a 0700 folder) for the block. As root
    in a folder someone else owns (sudo), the lock file is made theirs, so their later runs can take it."""
    target = lock_path(path)
    fd = _open(target)
    try:
        info = os.fstat(fd)
        if info.st_uid == 0 and os.geteuid() == 0:
            give_to_folder_owner(target, fd)
        elif info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
            os.fchmod(fd, 0o600)  # a lock file made by an older version: close it to other users
        _acquire(fd, target, timeout, what or str(path), on_wait)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _open(target: Path) -> int:
    try:
        private_dir(target.parent)
        return os.open(target, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except PermissionError as exc:
        try:  # flock needs no write access: a lock file we may only read still works
            return os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            raise FileAccessError(f"cannot open the lock file {target}: {exc.strerror}",
                                  remedy="it belongs to another user (made with sudo?): remove it") from None
    except OSError as exc:
        raise FileAccessError(f"cannot open the lock file {target}: {exc.strerror}") from None


def _acquire(fd: int, target: Path, timeout: float, what: str, on_wait: Callable[[], None] | None) -> None:
    start = time.monotonic()
    announced = False
    attempt = 0
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
        waited = time.monotonic() - start
        if waited >= timeout:
            raise LockTimeout(f"gave up after {waited:.0f}s waiting for {what} (lock {target}{_holder(fd)})",
                              remedy="another process holds it: let it finish, or end it")
        if not announced and on_wait is not None and waited >= 1.0:
            on_wait()
            announced = True
        elif not announced and waited >= WAIT_NOTICE_SECONDS:
            log.warning("waiting for %s: another process holds the lock %s%s", what, target, _holder(fd))
            announced = True
        time.sleep(_POLL_SECONDS[min(attempt, len(_POLL_SECONDS) - 1)])
        attempt += 1


def _holder(fd: int) -> str:
    """`, held by pid 123 (atmos)` from /proc/locks, or "" where that is not known."""
    try:
        info = os.fstat(fd)
        wanted = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            for line in handle:
                fields = line.split()
                if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == wanted and "->" not in fields:
                    pid = fields[4]
                    comm = Path(f"/proc/{pid}/comm").read_text().strip()
                    return f", held by pid {pid} ({comm})"
    except (OSError, ValueError):
        pass
    return ""
