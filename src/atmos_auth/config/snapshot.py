"""Snapshots of validated configurations: a configuration validated once is read back on later runs
without YAML or pydantic (issue 12), while everything its load looked at still holds (observe.py).

A snapshot is one file per (tool build, Python, folder, command-line flags, HOME/XDG) in the private
cache folder, 0600, written atomically; it holds what the load observed and the configuration with its
problems (marshal, of plain values; of a variable only a digest). None is kept for a load that was
volatile (`!exec`, `!random`, git), that took a value under auth/env/logs from a YAML function (such
values are secrets here), or whose configuration holds a secret: those are validated every run. A
damaged, stale or unreadable snapshot is a miss, never an error (docs/performance.md).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import marshal
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from atmos_auth import digest
from atmos_auth.config import observe
from atmos_auth.logs import log

if TYPE_CHECKING:
    from atmos_auth.config.model import AuthConfig

FORMAT = 1
#: Set (to a non-empty value) to always validate, never reading or keeping a snapshot.
DISABLE = "ATMOS_AUTH_NO_SNAPSHOT"
#: Set for the run that starts over after a damaged snapshot (and taken out of the environment at once).
_AGAIN = "_ATMOS_AUTH_SNAPSHOT_DAMAGED"
#: Snapshots kept (the oldest are removed beyond this).
KEEP = 64
_PACKAGE = Path(__file__).resolve().parents[1]


@dataclasses.dataclass(frozen=True)
class Request:
    """Which configuration a command asks for: the flags, and the environment it runs in."""

    files: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    base_path: str | None = None
    environ: Mapping[str, str] = dataclasses.field(default_factory=dict, compare=False)

    @functools.cached_property
    def key(self) -> str:
        env = [self.environ.get(n) for n in ("HOME", "PWD", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")]
        context = (FORMAT, sys.version, _stamp(), os.getcwd(), self.files, self.folders, self.profiles,
                   self.base_path, env)
        return digest.sha256(repr(context).encode()).hexdigest()[:32]


_expected: Request | None = None
_pending: tuple[Request, Any] | None = None
_start = ""
_again = False


def begin(cwd: str) -> None:
    """Where the command started (before --chdir), for starting over; before the environment is read."""
    global _start, _again
    _start = cwd
    _again = bool(os.environ.pop(_AGAIN, None))


def expect(request: Request | None) -> None:
    """The command line says which configuration this process will load (None: not from a snapshot, as
    for a command that validates models of its own). Read before any model class is built."""
    global _expected
    _expected = None if os.environ.get(DISABLE) or _again else request


def fast_ready() -> bool:
    """Whether the expected configuration's snapshot holds (kept for load_config): asked by schema.py once,
    before the first model class is built, to build them without pydantic."""
    global _pending
    if _expected is None:
        return False
    try:
        with open(_folder() / _expected.key, "rb") as file:
            info = os.fstat(file.fileno())
            if info.st_uid != os.geteuid() or info.st_mode & 0o077:  # only our own, private file is trusted
                return False
            seen, encoded = marshal.loads(file.read())
        if not observe.still_true(seen, _expected.environ):
            return False
    except Exception:  # noqa: BLE001  # missing, damaged or unreadable: a miss
        return False
    _pending = (_expected, encoded)
    return True


def load_config(request: Request) -> AuthConfig:
    """load.load_auth_config's result: from the snapshot schema.py found still true, else validated and,
    when it can be, kept for the next run."""
    if _pending is not None and _pending[0] == request:
        try:
            return _decode(_pending[1])
        except Exception:  # noqa: BLE001  # damaged after all: the models have no validator now; start over
            with contextlib.suppress(OSError):
                (_folder() / request.key).unlink()
            os.environ[_AGAIN] = "1"
            if _start:
                os.chdir(_start)
            os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
    from atmos_auth.config.load import load_auth_config

    with observe.recording() as seen:
        config = load_auth_config(list(request.files), request.environ, folders=request.folders,
                                  profiles=request.profiles, base_path=request.base_path)
    if seen.volatile is None and request == _expected:
        _write(_folder() / request.key, seen, config)
    return config


def _stamp() -> list[int]:
    """This build of the tool: its modules' sizes and times (an edited or upgraded install misses)."""
    stamp = []
    for folder in (_PACKAGE, _PACKAGE / "config", _PACKAGE / "identities", _PACKAGE / "providers",
                   _PACKAGE / "integrations"):
        try:
            stamp += [(st := e.stat()).st_mtime_ns ^ st.st_size for e in os.scandir(folder) if e.name.endswith(".py")]
        except OSError:
            pass
    return stamp


def _folder() -> Path:
    from atmos_auth.stores import paths

    return paths.cache_dir() / "config-snapshots"


def _write(path: Path, seen: observe.Observations, config: AuthConfig) -> None:
    from atmos_auth.stores.files import atomic_write

    try:
        if any(not p or p[0] in _KEPT_SECTIONS for p in config.from_env):
            raise _Secret  # a value from !env, !exec or !include is treated as a secret everywhere
        data = marshal.dumps((seen.seen, _encode(config)))
        atomic_write(path, data)
        kept = sorted((p for p in path.parent.iterdir() if not p.name.startswith(".")),
                      key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-KEEP]:
            old.unlink(missing_ok=True)
    except _Secret:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    except Exception as exc:  # noqa: BLE001  # only a later run's speed depends on it
        log.debug("configuration snapshot not kept: %s", exc)


class _Secret(Exception):
    pass


#: The parts of atmos.yaml whose values the configuration keeps.
_KEPT_SECTIONS = ("auth", "env", "logs")


def _encode(value: Any) -> Any:
    """Plain values marshal can hold; models, dataclasses, paths and tuples as tagged tuples."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return ("T", tuple(_encode(v) for v in value))
    if isinstance(value, frozenset):
        return ("F", tuple(_encode(v) for v in value))
    if isinstance(value, set):
        return ("S", tuple(_encode(v) for v in value))
    if isinstance(value, dict):
        return ("d", tuple((_encode(k), _encode(v)) for k, v in value.items()))
    if isinstance(value, Path):
        return ("P", str(value))
    cls = type(value)
    if fields := getattr(cls, "model_fields", None):  # a pydantic model (the load validated it)
        return ("M", cls.__module__, cls.__qualname__, tuple((n, _encode(getattr(value, n))) for n in fields))
    if dataclasses.is_dataclass(value):
        return ("D", cls.__module__, cls.__qualname__,
                tuple((f.name, _encode(getattr(value, f.name))) for f in dataclasses.fields(value)))
    if cls.__name__ == "SecretStr":
        raise _Secret
    raise TypeError(f"cannot keep a {cls.__name__} in a snapshot")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, tuple):
        return value
    tag = value[0]
    if tag == "T":
        return tuple(_decode(v) for v in value[1])
    if tag == "F":
        return frozenset(_decode(v) for v in value[1])
    if tag == "S":
        return {_decode(v) for v in value[1]}
    if tag == "d":
        return {_decode(k): _decode(v) for k, v in value[1]}
    if tag == "P":
        return Path(value[1])
    if not value[1].startswith("atmos_auth."):
        raise TypeError(f"not a class of this tool: {value[1]}")
    cls: Any = importlib.import_module(value[1])
    for part in value[2].split("."):
        cls = getattr(cls, part)
    made = object.__new__(cls)
    for name, field in value[3]:
        if tag == "D":  # a frozen dataclass
            object.__setattr__(made, name, _decode(field))
        else:  # a model on schema's plain base, which refuses setattr
            made.__dict__[name] = _decode(field)
    return made
