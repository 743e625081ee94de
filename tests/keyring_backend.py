"""A system keyring for tests (PYTHON_KEYRING_BACKEND=tests.keyring_backend.JsonKeyring): a JSON file at
$TEST_KEYRING_FILE mapping "service\\0account" to the secret, so tests can see exactly what is stored."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class JsonKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def _file(self) -> Path:
        return Path(os.environ["TEST_KEYRING_FILE"])

    def _items(self) -> dict[str, str]:
        try:
            return json.loads(self._file.read_text())
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._items().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._file.write_text(json.dumps({**self._items(), f"{service}\0{username}": password}))

    def delete_password(self, service: str, username: str) -> None:
        items = self._items()
        if items.pop(f"{service}\0{username}", None) is None:
            raise PasswordDeleteError(service)
        self._file.write_text(json.dumps(items))
