"""A JSON file that other programs write too: read strictly, edited member by member, written atomically
under `<file>.lock`, and merged again when a writer that takes no lock changes it meanwhile.

* Only a regular file (or a symlink to one) is read or replaced; devices, FIFOs and folders are refused.
* Before our rename the file is checked again; the rename is an atomic exchange (renameat2), so a copy
  that a lock-free writer renamed in just before ours is seen, put back, and merged into.
* When the file was changed a moment ago (a lock-free writer may be mid-write), we check shortly after
  our write that our change survived, and merge again if not.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from atmos_auth.errors import FileAccessError, StorageError
from atmos_auth.logs import log
from atmos_auth.stores.files import locked, pending_write, swap_back, sweep_orphans
from atmos_auth.stores.json_doc import JsonError, JsonObject

#: A Docker config is a few kilobytes; refuse what no such file is, instead of reading it into memory
#: (a 52 MB config, 500 000 entries, takes about 4 s and 550 MB).
MAX_BYTES = 64 * 1024 * 1024
#: How long a write keeps merging again while a writer that takes no lock keeps changing the file.
MERGE_SECONDS = 15.0
#: After such a writer got in, how long we wait before checking that our change survived its next write.
SETTLE_SECONDS = 0.05
#: A file changed this recently may have a lock-free writer in the middle of its own read-modify-write.
RECENT_SECONDS = 2.0
#: An empty or invalid file changed this recently may be halfway through an in-place rewrite ...
FRESH_SECONDS = 0.5
#: ... and is read again for up to this long before it is taken as it is.
SETTLE_READ_SECONDS = 1.5
LOCK_TIMEOUT_SECONDS = 120.0

Edit = Callable[[JsonObject], None]


@dataclass(frozen=True)
class Snapshot:
    data: bytes | None
    identity: tuple[int, ...] | None
    info: os.stat_result | None


class SharedJsonFile:
    """`path` (followed if a symlink); `what` names it in messages and lock waits; problems are raised
    as `error` (a StorageError)."""

    def __init__(self, path: Path, what: str, error: type[StorageError] = FileAccessError) -> None:
        self.path = path
        self.what = what
        self.error = error

    @property
    def target(self) -> Path:
        """The file written: a symlink is followed, as Docker follows a symlinked config.json."""
        return Path(os.path.realpath(self.path))

    @contextmanager
    def lock(self) -> Iterator[None]:
        """`<file>.lock` beside the file as named (the lock Atmos takes), and beside the file a symlink
        leads to, if that is elsewhere: one lock file each, whatever path spelling led here."""
        target = self.target
        self._refuse_odd(target)  # before any lock file is made beside it (no /dev/null.lock)
        names = dict.fromkeys(Path(os.path.realpath(p.parent)) / p.name for p in (self.path, target))
        with ExitStack() as stack:
            for path in names:
                stack.enter_context(locked(path, timeout=LOCK_TIMEOUT_SECONDS, what=f"{self.what} {path}"))
            sweep_orphans(target)  # copies a killed writer of ours left behind
            yield

    def _refuse_odd(self, target: Path) -> None:
        try:
            info = os.stat(target)
        except FileNotFoundError:
            return
        except OSError as exc:
            why = "it is a symlink loop" if exc.errno == errno.ELOOP else exc.strerror
            raise self.error(f"cannot read {self.path}: {why}; it was left untouched") from None
        if not stat.S_ISREG(info.st_mode):
            raise self._not_regular(info.st_mode)

    def _not_regular(self, mode: int) -> StorageError:
        return self.error(f"{self.path} is {_kind(mode)}, not a regular file; it was left untouched",
                          remedy=f"make {self.path} a regular file (or a symlink to one), or remove it")

    def snapshot(self) -> Snapshot:
        target = self.target
        try:
            fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return Snapshot(None, None, None)
        except OSError as exc:
            why = "it is a symlink loop" if exc.errno == errno.ELOOP else exc.strerror
            raise self.error(f"cannot read {self.path}: {why}; it was left untouched") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise self._not_regular(info.st_mode)
            if info.st_size > MAX_BYTES:
                raise self.error(f"{self.path} has {info.st_size} bytes, more than {self.what} should ever hold "
                                 f"({MAX_BYTES} at most); it was left untouched")
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise self.error(f"cannot read {self.path}: {exc.strerror}; it was left untouched") from None
        finally:
            os.close(fd)
        return Snapshot(data, _identity_of(info), info)

    def parse(self, snapshot: Snapshot) -> JsonObject:
        text = (snapshot.data or b"").decode("utf-8", "surrogateescape")  # foreign bytes survive as they were
        try:
            return JsonObject.parse(text)
        except JsonError as exc:
            raise self.error(f"{self.path} is not valid JSON ({exc}); it was left untouched",
                             remedy="fix or move the file, then try again") from None

    def read(self) -> tuple[Snapshot, JsonObject]:
        """The file and its content. A file changed a moment ago that is empty or not valid JSON may be
        halfway through another program's in-place rewrite (truncate, then write): read it again until
        it settles, rather than take it for empty (and write everything else away) or refuse it."""
        deadline = time.monotonic() + SETTLE_READ_SECONDS
        while True:
            snapshot = self.snapshot()
            unsettled = (snapshot.info is not None and time.time() - snapshot.info.st_mtime < FRESH_SECONDS
                         and time.monotonic() < deadline)
            try:
                if unsettled and not (snapshot.data or b"").strip():
                    raise self.error("empty a moment after a change")
                return snapshot, self.parse(snapshot)
            except StorageError:
                if not unsettled:
                    raise
            time.sleep(0.05)

    def _identity(self) -> tuple[int, ...] | None:
        try:
            info = os.stat(self.target)
        except OSError:
            return None
        return _identity_of(info)

    def commit(self, snapshot: Snapshot, edit: Edit, document: JsonObject | None = None) -> None:
        """Apply `edit` to the file and write it atomically, merging again if it changed under us.

        A lock-free writer (`docker login`) that read the file before our rename and renames its copy
        after it would undo our change: once one has been seen, we check again a moment later."""
        deadline = time.monotonic() + MERGE_SECONDS
        contended = snapshot.info is not None and time.time() - snapshot.info.st_mtime < RECENT_SECONDS
        while time.monotonic() < deadline:
            if document is None:
                snapshot, document = self.read()
            edit(document)
            if not document.modified:
                return
            data = document.render().encode("utf-8", "surrogateescape") + b"\n"
            slipped_in = False
            with pending_write(self.target, data, _mode(snapshot.info)) as pending:
                written = os.stat(pending.temp).st_ino
                if self._identity() == snapshot.identity:
                    try:
                        if pending.swap():  # the file we replaced is now at pending.temp
                            slipped_in = self._replaced(pending.temp, snapshot)
                    except FileExistsError:  # created by someone else a moment ago
                        slipped_in = True
            if slipped_in:  # merge into the copy that got in first
                document, contended = None, True
                continue
            document = None
            if pending.committed and not contended and (now := self._identity()) is not None and now[1] == written:
                return
            if contended:
                time.sleep(SETTLE_SECONDS * (1 + _jitter()))
            elif not pending.committed:
                time.sleep(0.01 * _jitter())  # out of step with the other writer
            # A writer that takes no lock replaced the file before or after our rename: merge our
            # change into its version (the edit is a no-op when what we wrote survived).
            log.debug("%s changed while we wrote it; merging again", self.path)
            contended = True
        raise self.error(f"{self.path} kept changing while we wrote it (another program rewrites it "
                         "continuously); our change was not made", remedy="try again once it is idle")

    def _replaced(self, path: Path, snapshot: Snapshot) -> bool:
        """Whether the file our rename replaced (now at `path`) is not the one we read: a lock-free writer
        renamed its copy in, or rewrote the file in place, just before us. Then that version is put back
        in place (ours goes), to merge into."""
        try:
            info = os.lstat(path)
        except FileNotFoundError:  # taken by someone else's cleanup: nothing to compare, nothing to undo
            return False
        read = snapshot.identity or (0, -1, -1, -1)
        slipped_in = (info.st_ino, info.st_size, info.st_mtime_ns) != (read[1], read[2], read[3])
        if slipped_in:
            swap_back(path, self.target)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return slipped_in


def _identity_of(info: os.stat_result) -> tuple[int, ...]:
    """What changes when anyone replaces or rewrites the file (device, inode, size, times)."""
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _mode(info: os.stat_result | None) -> int:
    """Keep a stricter mode than 0600, never a looser one."""
    return (stat.S_IMODE(info.st_mode) & 0o600 or 0o600) if info is not None else 0o600


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _jitter() -> float:
    """A fraction in [0, 1) (random's module is not worth importing for it)."""
    return int.from_bytes(os.urandom(2), "big") / 65536
