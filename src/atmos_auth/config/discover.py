"""Which atmos.yaml files Atmos reads, in its merge order (cloudposse/atmos pkg/config/load.go).

Without --config/--config-path: the system folder, ~/.atmos, the nearest parent folder holding one, the
git root, the current folder and $ATMOS_CLI_CONFIG_PATH, all merged, later wins. A current folder with
its own configuration skips the parent and git-root searches, as does $ATMOS_CLI_CONFIG_PATH.
With --config/--config-path, only those, in order (files first, then folders, as Atmos does).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from atmos_auth.config import observe
from atmos_auth.errors import ConfigError, UsageError

SYSTEM_DIR = Path("/usr/local/etc/atmos")
#: Viper's search order for `atmos.<ext>`; `.atmos.yaml` is read where no atmos.* is.
NAMES = ("atmos.json", "atmos.yaml", "atmos.yml")
DOT_NAMES = (".atmos.yaml", ".atmos.yml")
_LOCAL_MARKERS = ("atmos.yaml", ".atmos.yaml", ".atmos", ".atmos.d", "atmos.d")


class Found(NamedTuple):
    path: Path
    why: str
    #: Read with its atmos.d/, .atmos.d/ and import: (all but the system file).
    full: bool = True


def config_in(folder: Path, *, dotted: bool = True) -> Path | None:
    names = NAMES + DOT_NAMES if dotted else NAMES
    return next((folder / n for n in names if is_file(folder / n)), None)




def is_file(path: Path) -> bool:
    """Path.is_file, false too where the path cannot even be looked at (a name too long, no permission)."""
    try:
        return observe.is_file(path)
    except OSError:
        return False


def exists(path: Path) -> bool:
    try:
        return observe.exists(path)
    except OSError:
        return False


def git_root(start: Path) -> Path | None:
    """The work tree holding `start` (a `.git` folder or file), found without running git."""
    for folder in (start, *start.parents):
        if exists(folder / ".git"):
            return folder
    return None


def _has_local_config(folder: Path) -> bool:
    return any(exists(folder / m) for m in _LOCAL_MARKERS)


def logical_cwd(environ: Mapping[str, str]) -> Path:
    """The current folder as the shell spells it ($PWD, symlinks kept), as Go's os.Getwd returns it: paths
    found from it, and the realm hashed from them, are then the ones Atmos computes."""
    pwd = environ.get("PWD")
    try:
        if pwd and os.path.isabs(pwd) and observe.same_as_cwd(pwd):
            return Path(pwd)
    except OSError:
        pass
    return Path.cwd()


def discover(environ: Mapping[str, str], cwd: Path | None = None) -> list[Found]:
    """Every file Atmos's discovery merges, lowest precedence first."""
    cwd = cwd or logical_cwd(environ)
    home = Path(environ.get("HOME") or Path.home())
    found: list[Found] = []
    if (system := config_in(SYSTEM_DIR, dotted=False)) is not None:
        found.append(Found(system, "system folder", full=False))
    if (user := config_in(home / ".atmos", dotted=False)) is not None:
        found.append(Found(user, "~/.atmos"))
    env_dir = environ.get("ATMOS_CLI_CONFIG_PATH")
    if not env_dir and not _has_local_config(cwd):
        parent = next((f for f in cwd.parents if is_file(f / "atmos.yaml") or is_file(f / ".atmos.yaml")), None)
        if parent is not None and (path := config_in(parent)) is not None:
            found.append(Found(path, "parent folder"))
        root = git_root(cwd) if environ.get("ATMOS_GIT_ROOT_BASEPATH", "").lower() != "false" else None
        if root is not None and (path := config_in(root, dotted=False)) is not None:
            found.append(Found(path, "git root"))
    if (here := config_in(cwd)) is not None:
        found.append(Found(here, "current folder"))
    if env_dir:
        path = Path(env_dir).expanduser()
        if is_file(path):
            found.append(Found(path, "ATMOS_CLI_CONFIG_PATH"))
        elif (inside := config_in(path)) is not None:
            found.append(Found(inside, "ATMOS_CLI_CONFIG_PATH"))
    unique: dict[Path, Found] = {}
    for item in found:  # one file reached twice (git root = parent) is merged once, at its last place
        unique.pop(key(item.path), None)
        unique[key(item.path)] = item
    return list(unique.values())


def named(files: list[str], folders: list[str]) -> list[Found]:
    """--config files, then --config-path folders, as Atmos merges them."""
    found = []
    for file in files:
        if not file.strip():
            raise UsageError("--config: an empty file name (an unset variable?)")
        path = Path(file).expanduser()
        if not exists(path):
            raise UsageError(f"--config {file[:200]}: no such file")
        if not is_file(path):
            raise UsageError(f"--config {file[:200]}: not a file (use --config-path for a folder)")
        found.append(Found(path, "--config"))
    for folder in folders:
        if not folder.strip():
            raise UsageError("--config-path: an empty folder name (an unset variable?)")
        path = Path(folder).expanduser()
        if not exists(path / "."):
            raise UsageError(f"--config-path {folder[:200]}: " + ("not a folder" if exists(path) else "no such folder"))
        if (inside := config_in(path)) is None:
            raise UsageError(f"--config-path {folder}: no atmos.yaml or .atmos.yaml there")
        found.append(Found(inside, "--config-path"))
    return found


def nothing_found(environ: Mapping[str, str]) -> ConfigError:
    home = Path(environ.get("HOME") or Path.home())
    looked = [f"{SYSTEM_DIR}/atmos.yaml", f"{home}/.atmos/atmos.yaml", "./atmos.yaml or ./.atmos.yaml, then every "
              "parent folder and the git root"]
    if environ.get("ATMOS_CLI_CONFIG_PATH"):
        looked.append(f"{environ['ATMOS_CLI_CONFIG_PATH']} (ATMOS_CLI_CONFIG_PATH)")
    return ConfigError("no atmos.yaml found; looked in:\n" + "\n".join(f"  {p}" for p in looked),
                       remedy="create ./atmos.yaml with an `auth:` section, or pass --config FILE")


def key(path: Path) -> Path:
    """`path` as one file is known however it is spelled (resolved), for de-duplication."""
    return observe.resolved(path)


__all__ = ["Found", "config_in", "discover", "exists", "git_root", "is_file", "key", "named", "nothing_found"]
