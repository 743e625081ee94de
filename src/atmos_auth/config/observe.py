"""Everything loading a configuration looks at, recorded, so a snapshot of the result (snapshot.py) is
used only while every observation still holds: the same files with the same bytes, the same folders
with the same YAML files, the same paths present or absent, the same environment variables. A load that
ran something whose result can change by itself (`!exec`, `!random`, git) is volatile: never kept.

The loader's modules call these helpers instead of Path's methods; outside `recording()` they only answer.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from atmos_auth import digest

#: Bounds of a folder or glob import (and of atmos.d/, profiles).
MAX_WALKED_FOLDERS = 5_000
MAX_WALKED_FILES = 2_000


class Observations:
    def __init__(self) -> None:
        #: (what, path or name, extra) -> what was seen
        self.seen: dict[tuple[str, str, Any], Any] = {}
        self.volatile: str | None = None


_current: Observations | None = None


@contextlib.contextmanager
def recording() -> Iterator[Observations]:
    global _current
    outer, _current = _current, Observations()
    try:
        yield _current
    finally:
        _current = outer


def _note(what: str, name: str, extra: Any, result: Any) -> Any:
    if _current is not None:
        _current.seen[(what, name, extra)] = result
    return result


def volatile(reason: str) -> None:
    """The load used something that may differ next time without any file changing."""
    if _current is not None and _current.volatile is None:
        _current.volatile = reason


def is_file(path: Path) -> bool:
    """Path.is_file (an OSError, e.g. a name too long, is raised and nothing noted)."""
    return bool(_note("file", str(path), None, path.is_file()))


def is_dir(path: Path) -> bool:
    return bool(_note("dir", str(path), None, path.is_dir()))


def exists(path: Path) -> bool:
    return bool(_note("exists", str(path), None, path.exists()))


def same_as_cwd(path: str) -> bool:
    """os.path.samefile(path, "."): whether $PWD still names the folder we are in (a symlink may move);
    false where it names nothing."""
    try:
        same = os.path.samefile(path, ".")
    except OSError:
        same = False
    return bool(_note("samefile", path, None, same))


def resolved(path: Path) -> Path:
    try:
        result = path.resolve()
    except (OSError, RuntimeError):
        result = path
    return Path(_note("resolve", str(path), None, str(result)))


def read(path: Path, limit: int) -> bytes:
    """Up to `limit` + 1 bytes of the file (read, not stat: /proc and growing files say nothing true)."""
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError:
        _note("read", str(path), limit, None)
        raise
    _note("read", str(path), limit, digest.sha256(data).hexdigest())
    return data


def fingerprint(value: str | None) -> str | None:
    """What is kept of a variable's value: a digest (a value may be a secret), None when it is unset."""
    return None if value is None else digest.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()


class TooMany(OSError):
    pass


def walk(top: Path, deepest: int | None = None) -> list[Path]:
    """The YAML files under `top` (symlinked folders not followed), within bounds: a glob such as
    `/**/*.yaml` ends in a located problem, not in a walk of the whole disk."""
    files: list[Path] = []
    for count, (folder, dirs, names) in enumerate(os.walk(top, onerror=None), start=1):
        if count > MAX_WALKED_FOLDERS:
            raise TooMany(0, f"more than {MAX_WALKED_FOLDERS} folders under {top}; narrow the path")
        depth = len(Path(folder).relative_to(top).parts)
        if deepest is not None and depth >= deepest:
            dirs.clear()
        files += [Path(folder, n) for n in names if n.endswith((".yaml", ".yml")) and
                  os.path.isfile(os.path.join(folder, n))]
        if len(files) > MAX_WALKED_FILES:
            raise TooMany(0, f"more than {MAX_WALKED_FILES} YAML files under {top}; narrow the path")
    _note("walk", str(top), deepest, tuple(str(f) for f in files))
    return files


class Environment(Mapping[str, str]):
    """The environment, noting every variable read (and every one asked for and absent)."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def __getitem__(self, name: str) -> str:
        value = self._environ.get(name)
        _note("env", name, None, fingerprint(value))
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and _note("env", name, None, fingerprint(self._environ.get(name))) is not None

    def __iter__(self) -> Iterator[str]:  # the whole environment: only !exec needs it (volatile anyway)
        volatile("the whole environment was read")
        return iter(self._environ)

    def __len__(self) -> int:
        return len(self._environ)


def still_true(seen: dict[tuple[str, str, Any], Any], environ: Mapping[str, str]) -> bool:
    """Whether every observation gives the same answer now."""
    for (what, name, extra), result in seen.items():
        if what == "env":
            now: Any = fingerprint(environ.get(name))
        elif what == "read":
            try:
                with open(name, "rb") as file:
                    now = digest.sha256(file.read(extra + 1)).hexdigest()
            except OSError:
                now = None
        elif what == "walk":
            try:
                now = tuple(str(f) for f in walk(Path(name), extra))
            except OSError:
                return False
        else:
            try:
                now = _CHECKS[what](Path(name))
            except OSError:
                return False
        if now != result:
            return False
    return True


_CHECKS = {"file": is_file, "dir": is_dir, "exists": exists, "resolve": lambda p: str(resolved(p)),
           "samefile": lambda p: same_as_cwd(str(p))}

