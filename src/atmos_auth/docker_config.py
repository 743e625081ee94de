"""Docker's config.json: our logins in, our logins out, nothing else touched.

* The file is a SharedJsonFile: edited member by member, atomic, under `config.json.lock` (the lock
  Atmos takes too, so every process sharing the Docker config waits for the others, whatever its cache
  folder or user), and merged again when `docker login` writes at the same moment.
* Each host succeeds or fails on its own: a credential helper that fails costs only its own hosts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from atmos_auth import docker_helpers as helpers
from atmos_auth.docker_helpers import decode_auth, encode_auth, fingerprint
from atmos_auth.errors import DockerConfigError, StorageError
from atmos_auth.stores import paths
from atmos_auth.stores.json_doc import JsonObject
from atmos_auth.stores.shared_json import SharedJsonFile

log = logging.getLogger("atmos_auth")

INLINE = "config.json"

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
        return self.file.parse(self.file.snapshot()).to_python()

    def inline_auths(self, hosts: list[str]) -> dict[str, tuple[str, str]]:
        """(username, password) of the inline `auths` entries of `hosts` that have one."""
        auths = self._sections(self.file.parse(self.file.snapshot()))[0]
        found = {}
        for host in hosts:
            entry = auths.get(host) if auths is not None else None
            if isinstance(entry, dict) and (auth := decode_auth(entry.get("auth"))) is not None:
                found[host] = auth
        return found

    def inline_auth(self, host: str) -> tuple[str, str] | None:
        return self.inline_auths([host]).get(host)

    def _sections(self, document: JsonObject) -> tuple[JsonObject | None, JsonObject | None]:
        """`auths` and `credHelpers` (None when absent or null, as Docker reads them); other types refused."""
        found = []
        for key in ("auths", "credHelpers"):
            section = None if document.is_null(key) else document.child(key)
            if section is None and not document.is_null(key):
                raise DockerConfigError(f'{self.path}: "{key}" must be an object; it was left untouched')
            found.append(section)
        return found[0], found[1]

    def store(self, logins: list[DockerLogin]) -> list[Stored]:
        """Save every login; a host whose helper fails is reported on its own, the others still land."""
        results: dict[str, Stored] = {}
        plan: dict[str, tuple[str | None, str, bool]] = {}  # host -> (helper, auth or "", pin)
        with self.file.lock():
            snapshot = self.file.snapshot()
            document = self.file.parse(snapshot)
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
                    self.file.commit(snapshot, lambda doc: _apply_store(doc, plan), document)
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
        with self.file.lock():
            snapshot = self.file.snapshot()
            if snapshot.data is None:
                return []
            document = self.file.parse(snapshot)
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
                self.file.commit(snapshot, lambda doc: _apply_remove(doc, drops), document)
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


def _shadow_note(stored: Stored, shadowed: set[str]) -> Stored:
    if stored.host not in shadowed or stored.error:
        return stored
    extra = f"DOCKER_AUTH_CONFIG also has {stored.host}, and Docker reads it first"
    return Stored(stored.host, stored.store, "; ".join(n for n in (stored.note, extra) if n), stored.pinned)
