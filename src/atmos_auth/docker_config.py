"""Docker's config.json: our logins in, our logins out, nothing else touched.

* The file is a SharedJsonFile: edited member by member, atomic, under `config.json.lock` (the lock
  Atmos takes too, so every process sharing the Docker config waits for the others, whatever its cache
  folder or user), and merged again when `docker login` writes at the same moment.
* Each host succeeds or fails on its own: a credential helper that fails costs only its own hosts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from atmos_auth import docker_helpers as helpers
from atmos_auth.docker_helpers import decode_auth, encode_auth, fingerprint
from atmos_auth.errors import DockerConfigError, StorageError
from atmos_auth.stores import paths
from atmos_auth.stores.json_doc import JsonObject, Number
from atmos_auth.stores.shared_json import SharedJsonFile

INLINE = "config.json"

__all__ = ["CREDENTIALS", "INLINE", "PIN", "DockerConfig", "DockerLogin", "Stored", "decode_auth", "fingerprint"]


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
    """What login remembered of a stored login (docker_state.WrittenLogin)."""

    @property
    def host(self) -> str: ...
    @property
    def store(self) -> str: ...
    @property
    def pinned(self) -> bool: ...
    @property
    def fingerprints(self) -> set[str]: ...


#: What `remove` took out for an entry: its credentials, or only the routing we had added for them.
CREDENTIALS, PIN = "credentials", "pin"
BeforeWrite = Callable[[list[tuple[str, str]]], None]
R = TypeVar("R", bound=Recorded)


class DockerConfig:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or paths.docker_config_dir()
        self.path = self.folder / "config.json"
        self.file = SharedJsonFile(self.path, "the Docker config", DockerConfigError)

    @property
    def target(self) -> Path:
        return self.file.target

    def read(self) -> dict[str, Any]:
        """The whole config as plain data ({} when there is none)."""
        return self.file.read()[1].to_python()

    def inline_auths(self, hosts: list[str]) -> dict[str, tuple[str, str]]:
        """(username, password) of the inline `auths` entries of `hosts` that have one."""
        auths = self._sections(self.file.read()[1])[0]
        found = {}
        for host in hosts:
            if (auth := _inline(auths, host)) is not None:
                found[host] = auth
        return found

    def inline_auth(self, host: str) -> tuple[str, str] | None:
        return self.inline_auths([host]).get(host)

    def _sections(self, document: JsonObject) -> tuple[JsonObject | None, JsonObject | None]:
        """`auths` and `credHelpers` (None when absent or null, as Docker reads them). A file Docker could
        not read (a section, `credsStore` or a `credHelpers` value of the wrong type) is refused."""
        found = []
        for key in ("auths", "credHelpers"):
            section = None if document.is_null(key) else document.child(key)
            if section is None and not document.is_null(key):
                raise DockerConfigError(f'{self.path}: "{key}" must be an object; it was left untouched')
            found.append(section)
        if found[0] is not None and (bad := found[0].non_objects()):
            raise DockerConfigError(f'{self.path}: auths["{bad[0]}"] must be an object; it was left untouched')
        helpers_map = found[1].to_python() if found[1] is not None else {}
        wrong = [f'credHelpers["{host}"]' for host, name in helpers_map.items() if not (name is None or _is_text(name))]
        if not document.is_null("credsStore") and not _is_text(document.get("credsStore")):
            wrong.insert(0, '"credsStore"')
        if wrong:
            raise DockerConfigError(f"{self.path}: {', '.join(wrong)} must be text (a helper's name); it was left "
                                    "untouched")
        return found[0], found[1]

    def store(self, logins: list[DockerLogin], before_write: BeforeWrite | None = None) -> list[Stored]:
        """Save every login; a host whose helper fails is reported on its own, the others still land.
        `before_write([(host, store), ...])` runs right before a token goes anywhere (a credential helper,
        or the file), so that a process killed in between still leaves a record for logout."""
        results: dict[str, Stored] = {}
        plan: dict[str, tuple[str | None, str, bool]] = {}  # host -> (helper, auth or "", pin)
        with self.file.lock():
            snapshot, document = self.file.read()
            auths, pins = self._sections(document)
            for login in logins:
                stored, step = _route(document, pins, login, before_write)
                if step is not None:
                    plan[login.host] = step
                results[login.host] = stored
            if plan:
                if before_write is not None:
                    before_write([(host, INLINE) for host, (helper, _, _) in plan.items() if helper is None])
                try:
                    self.file.commit(snapshot, lambda doc: _apply_store(doc, plan), document)
                except StorageError as exc:
                    for host, (helper, _, _) in plan.items():
                        previous = results[host]
                        results[host] = (Stored(host, previous.store, f"but config.json could not be updated: "
                                                f"{exc.message}") if helper else Stored(host, INLINE, error=exc.message))
        shadowed = helpers.env_auth_hosts()
        return [_shadow_note(results[login.host], shadowed) for login in logins]

    def remove(self, entries: list[R], *, dry_run: bool = False) -> tuple[list[tuple[R, str]], list[tuple[R, str]]]:
        """Remove the credentials of `entries` that still hold what we wrote, and the `credHelpers` pins
        we added for them (also when the secret is already gone). Returns (what was removed, each with
        CREDENTIALS or PIN; the entries that could not be checked or removed, each with why): with
        `dry_run`, what would be. A failed entry keeps its pin, so a later logout can try again."""
        removed: list[tuple[R, str]] = []
        failed: list[tuple[R, str]] = []
        drops: dict[str, tuple[set[str] | None, str | None]] = {}  # host -> (our fingerprints to drop, pin)
        with self.file.lock():
            snapshot, document = self.file.read()
            if snapshot.data is None:
                return [], []
            auths, pins = self._sections(document)
            for entry in entries:
                try:
                    ours, gone = _still_ours(auths, entry)
                    if ours and not dry_run and entry.store != INLINE:
                        helpers.erase(entry.store.removeprefix("docker-credential-"), entry.host)
                except DockerConfigError as exc:
                    failed.append((entry, exc.message))
                    continue
                pin = _pin_value(entry) if entry.pinned and pins is not None else None
                if pin is not None and (pins.get(entry.host) != pin or not (ours or gone)):  # type: ignore[union-attr]
                    pin = None
                if ours or pin is not None:
                    removed.append((entry, CREDENTIALS if ours else PIN))
                if ours or gone or pin is not None:
                    drops[entry.host] = (entry.fingerprints if ours or gone else None, pin)
            if drops and not dry_run:
                self.file.commit(snapshot, lambda doc: _apply_remove(doc, drops), document)
        return removed, failed


def _route(document: JsonObject, pins: JsonObject | None, login: DockerLogin,
           before_write: BeforeWrite | None) -> tuple[Stored, tuple[str | None, str, bool] | None]:
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
        if before_write is not None:
            before_write([(host, f"docker-credential-{helper}")])
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
        entry = auths.child(host, create=True, fields=True)
        if entry is None:
            raise DockerConfigError(f'auths["{host}"] must be an object')
        if helper is None:
            entry.set("auth", auth)
        else:
            entry.delete("auth")  # Docker keeps only a placeholder here when a helper holds it
        if pin and pins is not None:
            pins.set(host, helper or "")


def _apply_remove(document: JsonObject, drops: dict[str, tuple[set[str] | None, str | None]]) -> None:
    """Drop our credentials and pins; applied again to a file that changed meanwhile, so each `auth` is
    checked again: one the user has just written (`docker login`) is not ours and stays."""
    auths, pins = document.child("auths"), document.child("credHelpers")
    for host, (ours, pin) in drops.items():
        entry = auths.child(host, fields=True) if auths is not None else None
        if ours is not None and entry is not None:
            auth = decode_auth(entry.get("auth"))
            if auth is not None and fingerprint(*auth) not in ours:
                continue  # someone else's now: their routing stays too
            entry.delete("auth")
            if not entry.keys():
                auths.delete(host)  # type: ignore[union-attr]
        if pin is not None and pins is not None and pins.get(host) == pin:
            pins.delete(host)  # the routing we added goes with the credentials


def _still_ours(auths: JsonObject | None, entry: Recorded) -> tuple[bool, bool]:
    """(the credentials are still the ones we wrote, nothing is stored for the host any more)."""
    if entry.store == INLINE:
        auth = _inline(auths, entry.host)
        return auth is not None and fingerprint(*auth) in entry.fingerprints, auth is None
    helper = entry.store.removeprefix("docker-credential-")
    if not helpers.installed(helper):
        return False, True  # nothing Docker could read is there any more
    held = helpers.get(helper, entry.host)
    return held is not None and fingerprint(*held) in entry.fingerprints, held is None


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and not isinstance(value, Number)  # a number is kept as its text


def _inline(auths: JsonObject | None, host: str) -> tuple[str, str] | None:
    """The inline credentials of `host` (its `auth` field, in any case, as Docker reads it)."""
    entry = auths.child(host, fields=True) if auths is not None else None
    return decode_auth(entry.get("auth")) if entry is not None else None


def _pin_value(entry: Recorded) -> str:
    return "" if entry.store == INLINE else entry.store.removeprefix("docker-credential-")


def _fold_scheme_duplicate(auths: JsonObject, host: str) -> None:
    """An old `https://host` entry becomes (part of) the bare-host entry Docker uses; values keep their text."""
    for stale in (f"https://{host}", f"https://{host}/", f"http://{host}"):
        old = auths.child(stale, fields=True)
        if old is None:
            continue
        if auths.is_null(host):  # absent, or null: the old entry takes its place whole
            auths.delete(host)
            auths.rename(stale, host)
            continue
        entry = auths.child(host, fields=True)
        if entry is not None:
            for key in old:
                if key not in entry:
                    entry.adopt(old, key)
        auths.delete(stale)


def _shadow_note(stored: Stored, shadowed: set[str]) -> Stored:
    if stored.host not in shadowed or stored.error:
        return stored
    extra = f"DOCKER_AUTH_CONFIG also has {stored.host}, and Docker reads it first"
    return Stored(stored.host, stored.store, "; ".join(n for n in (stored.note, extra) if n), stored.pinned)
