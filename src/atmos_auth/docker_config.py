"""Docker's config.json, edited losslessly: only the entries we own change, under Atmos's lock.

* The lock is `config.json.lock` beside the file (Atmos takes the same one), so every process that
  shares the Docker config waits for the others, whatever its cache folder or user.
* Writers that take no lock (`docker login`) are met by re-reading the file right before our atomic
  rename and merging again if it changed; a change that lands after our rename is re-checked once.
* Only a regular file (or a symlink to one) is read or replaced; devices, FIFOs and folders are refused.
* Each host succeeds or fails on its own: a credential helper that fails costs only its own host.
"""

from __future__ import annotations

import errno
import logging
import os
import random
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from atmos_auth import docker_helpers as helpers
from atmos_auth.docker_helpers import decode_auth, encode_auth, fingerprint
from atmos_auth.errors import DockerConfigError, StorageError
from atmos_auth.stores import paths
from atmos_auth.stores.files import locked, pending_write, swap_back, sweep_orphans
from atmos_auth.stores.json_doc import JsonError, JsonObject

log = logging.getLogger("atmos_auth")

INLINE = "config.json"
#: A Docker config is a few kilobytes; refuse what no Docker config is, instead of reading it into memory.
MAX_BYTES = 128 * 1024 * 1024
#: How long a write keeps merging again while a writer that takes no lock keeps changing the file.
MERGE_SECONDS = 15.0
#: After such a writer got in, how long we wait before checking that our change survived its next write.
SETTLE_SECONDS = 0.05
#: A file changed this recently may have a lock-free writer in the middle of its own read-modify-write.
RECENT_SECONDS = 2.0
LOCK_TIMEOUT_SECONDS = 120.0

__all__ = ["INLINE", "DockerConfig", "DockerLogin", "Stored", "decode_auth", "fingerprint"]


@dataclass(frozen=True)
class DockerLogin:
    host: str
    username: str
    password: str


@dataclass(frozen=True)
class Stored:
    host: str
    store: str  # "config.json" or "docker-credential-<name>"
    note: str | None = None
    #: True when we set credHelpers[host] (to the helper, or "" for the file); logout removes it again.
    pinned: bool = False
    error: str | None = None


class Recorded(Protocol):
    host: str
    store: str
    fingerprint: str
    pinned: bool


@dataclass(frozen=True)
class _Snapshot:
    data: bytes | None
    identity: tuple[int, ...] | None
    info: os.stat_result | None


Edit = Callable[[JsonObject], None]


class DockerConfig:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or paths.docker_config_dir()
        self.path = self.folder / "config.json"

    @property
    def target(self) -> Path:
        """The file written: a symlinked config.json is followed, as Docker does."""
        return Path(os.path.realpath(self.path))

    @contextmanager
    def _lock(self) -> Iterator[None]:
        with ExitStack() as stack:
            for path in dict.fromkeys((self.path, self.target)):
                stack.enter_context(locked(path, timeout=LOCK_TIMEOUT_SECONDS, what=f"the Docker config {path}"))
            sweep_orphans(self.target)  # copies a killed writer of ours left behind
            yield

    def _snapshot(self) -> _Snapshot:
        target = self.target
        try:
            fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return _Snapshot(None, None, None)
        except OSError as exc:
            why = "it is a symlink loop" if exc.errno == errno.ELOOP else exc.strerror
            raise DockerConfigError(f"cannot read {self.path}: {why}; it was left untouched") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise DockerConfigError(f"{self.path} is {_kind(info.st_mode)}, not a regular file; it was left "
                                        "untouched", remedy="point DOCKER_CONFIG at a folder with a real config.json")
            if info.st_size > MAX_BYTES:
                raise DockerConfigError(f"{self.path} has {info.st_size} bytes, more than any Docker config "
                                        f"({MAX_BYTES} at most); it was left untouched")
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise DockerConfigError(f"cannot read {self.path}: {exc.strerror}; it was left untouched") from None
        finally:
            os.close(fd)
        return _Snapshot(data, (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns), info)

    def _parse(self, snapshot: _Snapshot) -> JsonObject:
        text = (snapshot.data or b"").decode("utf-8", "surrogateescape")  # foreign bytes survive as they were
        try:
            return JsonObject.parse(text)
        except JsonError as exc:
            raise DockerConfigError(f"{self.path} is not valid JSON ({exc}); it was left untouched",
                                    remedy="fix or move the file, then log in again") from None

    def read(self) -> dict[str, Any]:
        """The whole config as plain data ({} when there is none)."""
        return self._parse(self._snapshot()).to_python()

    def inline_auth(self, host: str) -> tuple[str, str] | None:
        entry = (self.read().get("auths") or {}).get(host)
        return decode_auth(entry.get("auth")) if isinstance(entry, dict) else None

    def _identity(self) -> tuple[int, ...] | None:
        try:
            info = os.stat(self.target)
        except OSError:
            return None
        return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns

    def _commit(self, snapshot: _Snapshot, edit: Edit, document: JsonObject | None = None) -> None:
        """Apply `edit` to the file and write it atomically, merging again if it changed under us.

        A lock-free writer (`docker login`) that read the file before our rename and renames its copy
        after it would undo our change: once one has been seen, we check again a moment later."""
        deadline = time.monotonic() + MERGE_SECONDS
        contended = snapshot.info is not None and time.time() - snapshot.info.st_mtime < RECENT_SECONDS
        while time.monotonic() < deadline:
            document = document if document is not None else self._parse(snapshot)
            edit(document)
            if not document.modified:
                return
            data = document.render().encode("utf-8", "surrogateescape") + b"\n"
            slipped_in = False
            with pending_write(self.target, data, _mode(snapshot.info)) as pending:
                _keep_owner(pending.temp, snapshot.info)
                written = os.stat(pending.temp).st_ino
                if self._identity() == snapshot.identity:
                    try:
                        if pending.swap():  # the file we replaced is now at pending.temp
                            slipped_in = self._replaced(pending.temp, snapshot)
                    except FileExistsError:  # created by someone else a moment ago
                        slipped_in = True
            if slipped_in:  # merge into the copy that got in first
                snapshot, document, contended = self._snapshot(), None, True
                continue
            document = None
            if pending.committed and not contended and (now := self._identity()) is not None and now[1] == written:
                return
            if contended:
                time.sleep(SETTLE_SECONDS * random.uniform(1, 2))
            elif not pending.committed:
                time.sleep(random.uniform(0, 0.01))  # out of step with the other writer
            # A writer that takes no lock replaced the file before or after our rename: merge our
            # change into its version (the edit is a no-op when what we wrote survived).
            log.debug("%s changed while we wrote it; merging again", self.path)
            contended = True
            snapshot = self._snapshot()
        raise DockerConfigError(f"{self.path} kept changing while we wrote it (another program rewrites it "
                                "continuously); our change was not made", remedy="try again once it is idle")

    def _replaced(self, path: Path, snapshot: _Snapshot) -> bool:
        """Whether the file our rename replaced (now at `path`) is not the one we read: a lock-free writer
        renamed its copy in just before us. Then its copy is put back in place (ours goes), to merge into."""
        try:
            slipped_in = os.lstat(path).st_ino != (snapshot.identity or (0, -1))[1]
            if slipped_in:
                swap_back(path, self.target)
        finally:
            os.unlink(path)
        return slipped_in

    def _sections(self, document: JsonObject) -> tuple[JsonObject | None, JsonObject | None]:
        """`auths` and `credHelpers` (None when absent or null, as Docker reads them); other types refused."""
        found = []
        for key in ("auths", "credHelpers"):
            if document.get(key) is not None and document.child(key) is None:
                raise DockerConfigError(f'{self.path}: "{key}" must be an object; it was left untouched')
            found.append(document.child(key))
        return found[0], found[1]

    def store(self, logins: list[DockerLogin]) -> list[Stored]:
        """Save every login; a host whose helper fails is reported on its own, the others still land."""
        results: dict[str, Stored] = {}
        plan: dict[str, tuple[str | None, str, bool]] = {}  # host -> (helper, auth or "", pin)
        with self._lock():
            snapshot = self._snapshot()
            document = self._parse(snapshot)
            auths, pins = self._sections(document)
            for login in logins:
                entry = auths.get(login.host) if auths is not None else None
                if entry is not None and not isinstance(entry, dict):
                    raise DockerConfigError(f'{self.path}: auths["{login.host}"] must be an object; '
                                            "it was left untouched")
                stored, step = _route(document, pins, login)
                if step is not None:
                    plan[login.host] = step
                results[login.host] = stored
            if plan:
                try:
                    self._commit(snapshot, lambda doc: _apply_store(doc, plan), document)
                except StorageError as exc:
                    for host, (helper, _, _) in plan.items():
                        previous = results[host]
                        results[host] = (Stored(host, previous.store, f"but config.json could not be updated: "
                                                f"{exc.message}") if helper else Stored(host, INLINE, error=exc.message))
        shadowed = helpers.env_auth_hosts()
        return [_shadow_note(results[login.host], shadowed) for login in logins]

    def remove(self, entries: list[Recorded], *, dry_run: bool = False) -> list[Recorded]:
        """Remove the credentials of `entries` that still hold what we wrote; return those."""
        removed: list[Recorded] = []
        drops: dict[str, tuple[bool, str | None]] = {}
        with self._lock():
            snapshot = self._snapshot()
            if snapshot.data is None:
                return []
            document = self._parse(snapshot)
            auths, pins = self._sections(document)
            for entry in entries:
                ours, gone = _still_ours(auths, entry)
                pin = _pin_value(entry) if entry.pinned and pins is not None else None
                if pin is not None and (pins.get(entry.host) != pin or not (ours or gone)):  # type: ignore[union-attr]
                    pin = None
                if ours and not dry_run and entry.store != INLINE:
                    try:
                        helpers.erase(entry.store.removeprefix("docker-credential-"), entry.host)
                    except DockerConfigError as exc:
                        log.warning("%s: %s", entry.host, exc.message)
                        continue
                if ours:
                    removed.append(entry)
                if ours or gone or pin is not None:
                    drops[entry.host] = (ours or gone, pin)
            if drops and not dry_run:
                self._commit(snapshot, lambda doc: _apply_remove(doc, drops), document)
        return removed


def _route(document: JsonObject, pins: JsonObject | None, login: DockerLogin
           ) -> tuple[Stored, tuple[str | None, str, bool] | None]:
    """Where `login` goes (Docker's order), storing it in a helper now; the file edit still to make."""
    host = login.host
    helper = helpers.helper_for(pins.to_python() if pins is not None else None, document.get("credsStore"), host)
    explicit = pins is not None and host in pins
    if helper and helpers.cannot_store(helper):
        return Stored(host, f"docker-credential-{helper}", error=(
            f"docker-credential-{helper} fetches its own tokens and cannot be given one; Docker asks it for "
            f"{host}, so it must find this identity's AWS credentials: export them with "
            "`eval \"$(atmos auth env IDENTITY)\"`, or route the host to the file with "
            f'credHelpers["{host}"] = ""')), None
    if helper and helpers.installed(helper):
        try:
            helpers.store(helper, host, login.username, login.password)
        except DockerConfigError as exc:
            return Stored(host, f"docker-credential-{helper}", error=exc.message), None
        note = None if explicit else f"pinned credHelpers[{host}] = {helper!r} so skopeo and podman find it too"
        return Stored(host, f"docker-credential-{helper}", note, pinned=not explicit), (helper, "", not explicit)
    if helper and explicit:
        return Stored(host, f"docker-credential-{helper}", error=(
            f'credHelpers["{host}"] names docker-credential-{helper}, which is not installed')), None
    auth = encode_auth(login.username, login.password)
    if helper:  # credsStore names a helper that is not installed: route this host to the file store
        note = f'docker-credential-{helper} is not installed; set credHelpers["{host}"] to ""'
        return Stored(host, INLINE, note, pinned=True), (None, auth, True)
    return Stored(host, INLINE), (None, auth, False)


def _apply_store(document: JsonObject, plan: dict[str, tuple[str | None, str, bool]]) -> None:
    auths = document.child("auths", create=True)
    pins = document.child("credHelpers", create=any(pin for _, _, pin in plan.values()))
    if auths is None:
        raise DockerConfigError('"auths" must be an object')
    for host, (helper, auth, pin) in plan.items():
        _fold_scheme_duplicate(auths, host)
        entry = auths.child(host, create=True)
        if entry is None:
            raise DockerConfigError(f'auths["{host}"] must be an object')
        if helper is None:
            entry.set("auth", auth)
        else:
            entry.delete("auth")  # Docker keeps only a placeholder here when a helper holds it
        if pin and pins is not None:
            pins.set(host, helper or "")


def _apply_remove(document: JsonObject, drops: dict[str, tuple[bool, str | None]]) -> None:
    auths, pins = document.child("auths"), document.child("credHelpers")
    for host, (credentials, pin) in drops.items():
        entry = auths.child(host) if auths is not None else None
        if credentials and entry is not None:
            entry.delete("auth")
            if not entry.keys():
                auths.delete(host)  # type: ignore[union-attr]
        if pin is not None and pins is not None and pins.get(host) == pin:
            pins.delete(host)  # the routing we added goes with the credentials


def _still_ours(auths: JsonObject | None, entry: Recorded) -> tuple[bool, bool]:
    """(the credentials are still the ones we wrote, nothing is stored for the host any more)."""
    if entry.store == INLINE:
        current = auths.get(entry.host) if auths is not None else None
        auth = decode_auth(current.get("auth")) if isinstance(current, dict) else None
        return auth is not None and fingerprint(*auth) == entry.fingerprint, auth is None
    helper = entry.store.removeprefix("docker-credential-")
    if not helpers.installed(helper):
        return False, True  # nothing Docker could read is there any more
    held = helpers.get(helper, entry.host)
    return held is not None and fingerprint(*held) == entry.fingerprint, held is None


def _pin_value(entry: Recorded) -> str:
    return "" if entry.store == INLINE else entry.store.removeprefix("docker-credential-")


def _fold_scheme_duplicate(auths: JsonObject, host: str) -> None:
    for stale in (f"https://{host}", f"https://{host}/", f"http://{host}"):
        old = auths.get(stale)
        if not isinstance(old, dict):
            continue
        if host not in auths:
            auths.rename(stale, host)
            continue
        entry = auths.child(host)
        if entry is not None:
            for key, value in old.items():
                if key not in entry:
                    entry.set(key, value)
        auths.delete(stale)


def _mode(info: os.stat_result | None) -> int:
    """Keep a stricter mode than 0600, never a looser one."""
    return (stat.S_IMODE(info.st_mode) & 0o600 or 0o600) if info is not None else 0o600


def _keep_owner(temp: Path, info: os.stat_result | None) -> None:
    """As root (sudo), keep the file's owner, as `docker login` does."""
    if info is not None and os.geteuid() == 0 and (info.st_uid, info.st_gid) != (0, 0):
        os.chown(temp, info.st_uid, info.st_gid)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _shadow_note(stored: Stored, shadowed: set[str]) -> Stored:
    if stored.host not in shadowed or stored.error:
        return stored
    extra = f"DOCKER_AUTH_CONFIG also has {stored.host}, and Docker reads it first"
    return Stored(stored.host, stored.store, "; ".join(n for n in (stored.note, extra) if n), stored.pinned)
