"""A registry of kinds by name, each kind's module imported only when a configuration uses it: a command
pays for the kinds its atmos.yaml names, not for every kind this tool knows."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from types import ModuleType


class Registry(Mapping[str, ModuleType]):
    def __init__(self, package: str, modules: Mapping[str, str]) -> None:
        """`modules`: kind name -> module name inside `package` (a module may serve several kinds)."""
        self._package = package
        self._modules = dict(modules)

    def __getitem__(self, kind: str) -> ModuleType:
        return importlib.import_module(f"{self._package}.{self._modules[kind]}")

    def __contains__(self, kind: object) -> bool:  # without importing anything
        return kind in self._modules

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)
