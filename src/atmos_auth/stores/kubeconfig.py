"""A kubeconfig file changed entry by entry: a cluster, a user and a context are added, replaced or
removed by name; every other cluster, user, context, preference and key keeps its value. Written as the
Docker config is: under a lock, to a temp file renamed over it, 0600 in a 0700 folder. `current-context`
changes only when the file has none (or it names a context that is gone)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atmos_auth.errors import StorageError
from atmos_auth.stores import paths
from atmos_auth.stores.files import atomic_write, locked, private_dir, remove_file

SECTIONS = (("clusters", "cluster"), ("users", "user"), ("contexts", "context"))


def default_path() -> Path:
    """Where Atmos keeps the kubeconfig it writes: $XDG_CONFIG_HOME/atmos/kube/config."""
    return paths.config_dir() / "kube" / "config"


@dataclass(frozen=True)
class Entry:
    """One cluster's three entries, by name, and what they hold."""

    cluster: str
    user: str
    context: str
    cluster_data: dict[str, Any]
    user_data: dict[str, Any]
    context_data: dict[str, Any]

    def items(self) -> list[tuple[str, str, dict[str, Any]]]:
        return [("clusters", self.cluster, self.cluster_data), ("users", self.user, self.user_data),
                ("contexts", self.context, self.context_data)]


def _named(entry: Any, name: str) -> bool:
    return isinstance(entry, dict) and entry.get("name") == name


def _field(entry: Any, *keys: str) -> Any:
    for key in keys:
        entry = entry.get(key) if isinstance(entry, dict) else None
    return entry


class KubeConfig:
    def __init__(self, path: Path, mode: int = 0o600) -> None:
        self.path = path
        self.mode = mode

    def _locked(self) -> Any:
        """Not `<file>.lock`: client-go (kubectl config …) creates that one itself, exclusively."""
        return locked(self.path.with_name(f".{self.path.name}.atmos"))

    def _read(self) -> dict[str, Any]:
        import yaml

        try:
            text = self.path.read_text()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StorageError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        try:
            data = yaml.safe_load(text) if text.strip() else {}
        except yaml.YAMLError as exc:
            raise StorageError(f"{self.path} is not a kubeconfig this tool can change safely: {exc}",
                               remedy="fix the file, or point spec.kubeconfig.path elsewhere") from None
        if not isinstance(data, dict) or any(not isinstance(data.get(s) or [], list) for s, _ in SECTIONS):
            raise StorageError(f"{self.path} is not a kubeconfig (clusters, users and contexts must be lists)",
                               remedy="fix the file, or point spec.kubeconfig.path elsewhere")
        return data

    def _write(self, data: dict[str, Any]) -> None:
        import yaml

        private_dir(self.path.parent)
        atomic_write(self.path, yaml.safe_dump(data, sort_keys=False, default_flow_style=False).encode(), self.mode)

    def put(self, entry: Entry, refuse_others: bool = False) -> bool:
        """Add or replace the entry's cluster, user and context; True when the file changed. With
        `refuse_others` (Atmos's `update: error`), an entry of the same name holding something else is
        an error instead."""
        with self._locked():
            data = self._read()
            before = repr(data)
            data.setdefault("apiVersion", "v1")
            data.setdefault("kind", "Config")
            for section, name, value in entry.items():
                key = dict(SECTIONS)[section]
                if refuse_others and any(_named(e, name) and e.get(key) != value for e in data.get(section) or []):
                    raise StorageError(f"{section[:-1]} {name} already exists in {self.path} (update: error)",
                                       remedy="remove it, or set spec.cluster.kubeconfig.update: merge")
                listed = [e for e in data.get(section) or [] if not _named(e, name)]
                data[section] = [*listed, {"name": name, key: value}]
            current = data.get("current-context")
            if not isinstance(current, str) or not any(_named(e, current) for e in data["contexts"]):
                data["current-context"] = entry.context
            data.setdefault("preferences", {})
            if repr(data) == before and self.path.exists():
                return False
            self._write(data)
            return True

    def drop_cluster(self, name: str, region: str, user: str, alias: str | None, dry_run: bool = False) -> bool:
        """Remove what aws/eks wrote for cluster `name` in `region`: our user (its exec plugin runs `atmos
        aws eks token` for this cluster), the context that uses it, and the cluster that context names."""
        data = self._read()
        ours = any(_named(e, user) and _field(e, "user", "exec", "command") == "atmos" and
                   isinstance(args := _field(e, "user", "exec", "args"), list) and name in args
                   for e in data.get("users") or [])
        context = next((e for e in data.get("contexts") or [] if isinstance(e, dict) and
                        _field(e, "context", "user") == user and (alias is None or e.get("name") == alias)), None)
        arn = _field(context, "context", "cluster")
        if not ours or context is None or not isinstance(arn, str) or f":{region}:" not in arn:
            return False
        return True if dry_run else self.drop(arn, user, str(context.get("name")))

    def drop(self, cluster: str, user: str, context: str) -> bool:
        """Remove exactly these entries; the file goes when nothing of anyone's is left in it."""
        with self._locked():
            data = self._read()
            if not data:
                return False
            names = {"clusters": cluster, "users": user, "contexts": context}
            changed = False
            for section, name in names.items():
                kept = [e for e in data.get(section) or [] if not _named(e, name)]
                changed |= len(kept) != len(data.get(section) or [])
                data[section] = kept
            if data.get("current-context") == context:
                data["current-context"] = ""
                changed = True
            if not changed:
                return False
            if not any(data.get(section) for section, _ in SECTIONS) and set(data) <= {
                    "apiVersion", "kind", "clusters", "users", "contexts", "current-context", "preferences"}:
                remove_file(self.path)
            else:
                self._write(data)
            return True


def kubeconfig_path(configured: str | None) -> Path:
    """spec.kubeconfig.path (with `~` and variables expanded), else Atmos's default."""
    return Path(os.path.expandvars(os.path.expanduser(configured))) if configured else default_path()
