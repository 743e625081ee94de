"""Atomic, private file writes: a temp file in the same folder, fsync, rename; 0600 files in 0700 folders.

A writer killed mid-write (SIGKILL, OOM, power loss) leaves its temp copy, which may hold a secret.
Temp files are named `.<name>.atmos-<pid namespace>-<pid>-XXXXXXXX.tmp` (no other program's file looks
like that), and orphans are removed (a) before every write and delete of the file, under its lock,
where any temp copy is an orphan, and (b) at the start of every command, in all our folders, where the
writer's pid no longer runs in our pid namespace (another namespace's: once ten minutes old).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from atmos_auth.errors import FileAccessError
from atmos_auth.logs import log
from atmos_auth.stores.folders import give_to_folder_owner, private_dir
from atmos_auth.stores.locks import locked

__all__ = ["atomic_write", "locked", "pending_write", "private_dir", "read_bytes", "remove_file", "swap_back", "sweep_dead",
           "sweep_folder", "sweep_orphans"]

TRACE = 5

_TEMP = r"\.(?P<name>.+)\.atmos-(?P<ns>[0-9]+)-(?P<pid>[0-9]+)-[a-z0-9_]{8}\.tmp"
#: A temp file from another pid namespace (a container sharing the folder) older than this has no live
#: writer: no write of ours takes that long.
_FOREIGN_AGE_SECONDS = 600


@functools.cache
def _pid_namespace() -> str:
    """This process's pid namespace ("4026531836"), so pids are only ever judged where they mean something."""
    try:
        return "".join(c for c in os.readlink("/proc/self/ns/pid") if c.isdigit()) or "0"
    except OSError:
        return "0"


def _failed(action: str, path: Path, exc: OSError) -> FileAccessError:
    return FileAccessError(f"cannot {action} {path}: {exc.strerror or exc}")


def _temps(folder: Path) -> list[re.Match[str]]:
    """Our temp files in `folder` (every folder is listed often: a plain test first, the pattern after)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    pattern = re.compile(_TEMP)  # re keeps it compiled
    return [m for n in names if ".atmos-" in n and n.endswith(".tmp") and (m := pattern.fullmatch(n))]


def sweep_orphans(path: Path) -> int:
    """Remove the temp files that killed writers of `path` left behind. Call with `path`'s lock held."""
    removed = 0
    for match in _temps(path.parent):
        name = match.string
        if match["name"] == path.name:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path.parent / name)
                removed += 1
    return removed


def sweep_dead(folder: Path, name: str | None = None) -> int:
    """Remove temp files in `folder` (of the file `name`, or of any) whose writer no longer runs.
    No lock is needed: a live writer's temp file is never taken."""
    removed = 0
    for match in _temps(folder):
        if name is not None and match["name"] != name:
            continue
        found = match.string
        if _orphaned(folder / found, match["ns"], match["pid"]):
            with contextlib.suppress(OSError):
                os.unlink(folder / found)
                removed += 1
                log.debug("removed %s, left by a writer that was killed", folder / found)
    return removed


def _orphaned(path: Path, namespace: str, pid: str) -> bool:
    if namespace != _pid_namespace():
        try:  # ctime: a file renamed to this name (the old file of an exchange) counts from the rename
            return time.time() - path.stat().st_ctime > _FOREIGN_AGE_SECONDS
        except OSError:
            return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (OSError, ValueError, OverflowError):
        return False  # alive (another user's), or not a pid we can ask about
    return False


def sweep_folder(folder: Path) -> int:
    """Remove every orphaned temp file of ours in `folder`, each under its file's lock (for logout)."""
    names = {m["name"] for m in _temps(folder)}
    removed = 0
    for name in sorted(names):
        with locked(folder / name):
            removed += sweep_orphans(folder / name)
    return removed


class PendingWrite:
    """A complete, fsynced temp copy of the new file; `commit()` renames it over the file."""

    def __init__(self, path: Path, temp: Path) -> None:
        self.path = path
        self.temp = temp
        self.committed = False

    def commit(self) -> None:
        log.log(TRACE, "write %s", self.path)
        try:
            os.replace(self.temp, self.path)
        except OSError as exc:
            raise _failed("write", self.path, exc) from None
        self._done()

    def _done(self) -> None:
        self.committed = True
        with contextlib.suppress(OSError):  # make the rename durable
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

    def swap(self) -> bool:
        """Put the new file in place and keep the one it replaced at `self.temp` (the caller reads and
        removes it): one atomic step (renameat2 RENAME_EXCHANGE), so a writer that takes no lock and
        renamed its copy in just before us is seen, not silently replaced. False where the system
        cannot exchange (then it is a plain rename); raises FileExistsError if a missing file appeared."""
        log.log(TRACE, "write %s", self.path)
        exchanged = _renameat2(self.temp, self.path, _RENAME_EXCHANGE if self.path.exists() else _RENAME_NOREPLACE)
        if exchanged is None:
            self.commit()
            return False
        self._done()
        return exchanged


_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2


def swap_back(first: Path, second: Path) -> None:
    """Exchange two files atomically (undo a `PendingWrite.swap()`); best effort."""
    with contextlib.suppress(OSError):
        _renameat2(first, second, _RENAME_EXCHANGE)


@functools.cache
def _libc_renameat2() -> Any:
    import ctypes

    return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)  # glibc 2.28+, Linux 3.15+


def _renameat2(source: Path, target: Path, flags: int) -> bool | None:
    """True when exchanged, False when renamed (NOREPLACE), None when the system cannot do either."""
    import ctypes
    import errno

    function = _libc_renameat2()
    if function is None:
        return None
    if function(-100, os.fsencode(source), -100, os.fsencode(target), flags) == 0:  # -100: AT_FDCWD
        return flags == _RENAME_EXCHANGE
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return None
    if code == errno.EEXIST:
        raise FileExistsError(code, os.strerror(code), str(target))
    raise _failed("write", target, OSError(code, os.strerror(code)))


@contextlib.contextmanager
def pending_write(path: Path, data: bytes, mode: int = 0o600) -> Iterator[PendingWrite]:
    """Write `data` to a temp file beside `path`; unless committed in the block, the temp file goes."""
    try:
        private_dir(path.parent)
        sweep_orphans(path)
        fd, temp = _new_temp(path.parent / f".{path.name}.atmos-{_pid_namespace()}-{os.getpid()}-")
    except OSError as exc:
        raise _failed("write", path, exc) from None
    pending = PendingWrite(path, Path(temp))
    try:
        try:
            os.fchmod(fd, mode)
            _keep_owner(fd, path)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise _failed("write", path, exc) from None
        yield pending
    finally:
        if not pending.committed:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _new_temp(prefix: Path) -> tuple[int, str]:
    """tempfile.mkstemp's file (0600, created exclusively, never a link followed), without importing
    tempfile (it brings shutil, random and the compression modules into every command)."""
    for _ in range(100):
        name = f"{prefix}{os.urandom(4).hex()}.tmp"  # 8 characters, as mkstemp and _TEMP have them
        try:
            return os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(prefix))


def _keep_owner(fd: int, path: Path) -> None:
    """As root (sudo), the new file keeps the owner of the one it replaces, as `docker login` does; a new
    file gets its folder's owner."""
    if os.geteuid() != 0:
        return
    try:
        owner = os.stat(path)
    except FileNotFoundError:
        give_to_folder_owner(path, fd)
        return
    except OSError:
        return
    with contextlib.suppress(OSError):
        if (owner.st_uid, owner.st_gid) != (0, 0):
            os.fchown(fd, owner.st_uid, owner.st_gid)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data`: readers see the old or the new file, never a torn one. Hold its lock."""
    with pending_write(path, data, mode) as pending:
        pending.commit()


def remove_file(path: Path) -> bool:
    """Delete `path` and any orphaned temp copy of it; True if the file existed. Hold its lock."""
    sweep_orphans(path)
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise _failed("remove", path, exc) from None


def read_bytes(path: Path) -> bytes | None:
    """The file's content, None when it does not exist; any other failure names the file."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _failed("read", path, exc) from None
