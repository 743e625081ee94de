"""The credential store Atmos shares (cloudposse/atmos pkg/auth/credentials, pkg/keyring): what is kept
for longer than a session, such as an aws/user's access keys from `atmos auth user configure`.

Chosen by ATMOS_KEYRING_TYPE > `auth.keyring.type` (system | file | memory). Keys are Atmos's,
`atmos_<realm>_<name>` (`atmos_<name>` without a realm); values are its envelope
`{"type": "aws", "data": {...}}`. `system` is the OS keyring (service = the key, account `atmos-auth`,
as go-keyring stores it); without a usable one, the file keyring, with a warning. `file` is Atmos's
encrypted file keyring (stores.jwe_file). Session credentials are never kept here (stores.session_cache).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from atmos_auth.errors import StorageError
from atmos_auth.interaction import Headless, Interaction
from atmos_auth.logs import log
from atmos_auth.stores import paths
from atmos_auth.stores.files import atomic_write, locked, private_dir, remove_file

ACCOUNT = "atmos-auth"


def atmos_key(name: str, realm: str = "") -> str:
    return f"atmos_{realm}_{name}" if realm else f"atmos_{name}"


class CredentialStore(Protocol):
    @property
    def kind(self) -> str: ...

    def get(self, key: str) -> dict[str, Any] | None: ...
    def has(self, key: str) -> bool: ...
    def set(self, key: str, value: dict[str, Any]) -> None: ...
    def delete(self, key: str) -> bool: ...


def _decode(text: str | None) -> dict[str, Any] | None:
    import json

    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None  # not ours, or damaged: treated as absent
    return value if isinstance(value, dict) else None


def _encode(value: dict[str, Any]) -> str:
    import json

    return json.dumps(value, separators=(",", ":"))


class MemoryStore:
    kind = "memory"

    def __init__(self) -> None:
        self._items: dict[str, dict[str, Any]] = {}

    def get(self, key: str) -> dict[str, Any] | None:
        return self._items.get(key)

    def has(self, key: str) -> bool:
        return key in self._items

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._items[key] = value

    def delete(self, key: str) -> bool:
        return self._items.pop(key, None) is not None


Password = Callable[[], str]


class FileKeyring:
    """Atmos's encrypted file keyring. The password is asked for only when an entry is read or written."""

    kind = "file"

    def __init__(self, folder: Path, password: Password) -> None:
        self.folder = folder
        self._password_source = password
        self._password: str | None = None

    def _path(self, key: str) -> Path:
        from atmos_auth.stores.jwe_file import file_name

        return self.folder / file_name(key)

    def _lock(self, key: str) -> Any:
        """Locks live in `.locks/`: Atmos takes every file of the folder for an entry."""
        return locked(self.folder / ".locks" / self._path(key).name)

    def password(self) -> str:
        if self._password is None:
            from atmos_auth.stores.jwe_file import MIN_PASSWORD

            password = self._password_source()
            if len(password) < MIN_PASSWORD:
                raise StorageError("keyring: password too short",
                                   remedy=f"the file keyring's password has at least {MIN_PASSWORD} characters")
            self._password = password
        return self._password

    def get(self, key: str) -> dict[str, Any] | None:
        from atmos_auth.stores.jwe_file import Damaged, WrongPassword, unseal

        try:
            content = self._path(key).read_bytes()
        except OSError:
            return None
        try:
            return _decode(unseal(content, self.password()))
        except WrongPassword:
            raise StorageError(f"the file keyring entry {key} in {self.folder} does not open with this password "
                               "(aes.KeyUnwrap(): integrity check failed)",
                               remedy="use the password it was written with (ATMOS_KEYRING_PASSWORD)") from None
        except Damaged:
            raise StorageError(f"the file keyring entry {key} in {self.folder} is damaged (it is not an entry "
                               "Atmos's file keyring writes, or it was cut short)",
                               remedy=f"delete {self._path(key)} and store it again (`atmos auth login`, or "
                                      "`atmos auth user configure` for an aws/user's keys)") from None

    def has(self, key: str) -> bool:
        """Without the password: whether the entry's file is there."""
        return self._path(key).is_file()

    def set(self, key: str, value: dict[str, Any]) -> None:
        from atmos_auth.stores.jwe_file import seal

        content = seal(key, _encode(value), self.password())
        private_dir(self.folder)
        path = self._path(key)
        with self._lock(key):
            atomic_write(path, content)

    def delete(self, key: str) -> bool:
        path = self._path(key)
        if not self.folder.is_dir():
            return False
        with self._lock(key):
            return remove_file(path)


class KeyringStore:
    kind = "system"

    def __init__(self, backend: Any) -> None:
        self.backend = backend

    def _call(self, what: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except Exception as exc:  # a locked or broken keyring, or a value that is not ours
            raise StorageError(f"the system keyring could not {what}: {type(exc).__name__}",
                               remedy="unlock it, or use the file keyring (export ATMOS_KEYRING_TYPE=file)") from None

    def get(self, key: str) -> dict[str, Any] | None:
        def read() -> str | None:
            text = self.backend.get_password(key, ACCOUNT)
            if text and text.startswith("go-keyring-base64:"):  # how go-keyring stores values on macOS
                text = base64.b64decode(text.split(":", 1)[1]).decode()
            return text
        return _decode(self._call(f"read {key}", read))

    def has(self, key: str) -> bool:
        return self._call(f"read {key}", lambda: self.backend.get_password(key, ACCOUNT)) is not None

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._call(f"store {key}", lambda: self.backend.set_password(key, ACCOUNT, _encode(value)))

    def delete(self, key: str) -> bool:
        try:
            self.backend.delete_password(key, ACCOUNT)
            return True
        except Exception:  # keyring raises PasswordDeleteError when absent
            return False


def store_folder(path: str | None = None) -> Path:
    """Where the file keyring keeps its files (Atmos: $ATMOS_KEYRING_FILE_PATH > spec.path > data dir)."""
    folder_text = os.environ.get("ATMOS_KEYRING_FILE_PATH") or path
    folder = Path(folder_text).expanduser() if folder_text else paths.data_dir() / "keyring"
    return folder.parent if folder.suffix else folder  # Atmos treats a path with an extension as a file


def password_variable(password_env: str | None = None) -> str:
    """The one variable Atmos reads the file keyring's password from."""
    return os.environ.get("ATMOS_KEYRING_PASSWORD_ENV") or password_env or "ATMOS_KEYRING_PASSWORD"


def open_store(configured: str = "system", path: str | None = None, ui: Interaction | None = None,
               password_env: str | None = None) -> CredentialStore:
    kind = os.environ.get("ATMOS_KEYRING_TYPE") or configured
    folder = store_folder(path)
    if kind == "memory":
        return MemoryStore()
    from atmos_auth.stores.earlier import sweep_earlier

    sweep_earlier(folder)
    password = password_source(password_env, ui or Headless(), folder)
    return FileKeyring(folder, password) if kind == "file" else SystemStore(folder, password)


def password_source(password_env: str | None, ui: Interaction, folder: Path) -> Password:
    """Atmos's order for the file keyring's password: its one variable, else a hidden prompt on a terminal,
    else its error. Asked for only when an entry is read or written."""
    def password() -> str:
        variable = password_variable(password_env)
        if value := os.environ.get(variable):
            return value
        if ui.interactive:
            return ui.secret(f'Enter passphrase to unlock "{folder}"')
        raise StorageError(f"keyring: password required: set {variable} environment variable or run in "
                           "interactive mode")
    return password


class SystemStore:
    """The OS keyring, looked for on first use: a command that keeps nothing (a CI OIDC login) never
    probes it, and never warns about it. Without a usable one, Atmos's file keyring under `folder`."""

    def __init__(self, folder: Path, password: Password) -> None:
        self.folder = folder
        self.password = password
        self._inner: CredentialStore | None = None

    def _store(self) -> CredentialStore:
        if self._inner is None:
            backend = _usable_keyring()
            self._inner = KeyringStore(backend) if backend is not None else self._fallback()
        return self._inner

    def _fallback(self) -> FileKeyring:
        marker = self.folder / ".fallback-noted"
        if not marker.exists():  # say it once per machine, not on every command
            log.warning("no usable system keyring; keeping credentials in the encrypted file keyring under %s. "
                        "Atmos keeps nothing then: export ATMOS_KEYRING_TYPE=file (its `auth user configure` reads "
                        "only the variable) so both tools use this keyring", self.folder)
            private_dir(self.folder)
            marker.touch(mode=0o600)
        return FileKeyring(self.folder, self.password)

    @property
    def kind(self) -> str:
        return self._store().kind

    def get(self, key: str) -> dict[str, Any] | None:
        return self._store().get(key)

    def has(self, key: str) -> bool:
        return self._store().has(key)

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._store().set(key, value)

    def delete(self, key: str) -> bool:
        return self._store().delete(key)


def _usable_keyring() -> Any:
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
            return None
        backend.get_password("atmos-keyring-availability-probe", ACCOUNT)
        return backend
    except Exception:
        return None
