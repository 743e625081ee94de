"""The YAML loader of atmos.yaml: libyaml's parser when PyYAML has it (much faster), and plain scalars
resolved as YAML 1.2 reads them, like Atmos's Go parser (gopkg.in/yaml.v3)."""

from __future__ import annotations

import re

import yaml

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE):  # type: ignore[valid-type,misc]
    """Plain scalars as YAML 1.2 reads them, like Atmos's Go parser: `yes`, `off` and `1:30` stay text
    (YAML 1.1, PyYAML's default, would make them true, false and 90)."""


_BOOL, _INT, _FLOAT = (f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float"))
_Loader.yaml_implicit_resolvers = {first: [(tag, rx) for tag, rx in pairs if tag not in (_BOOL, _INT, _FLOAT)]
                                   for first, pairs in _BASE.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(_INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                              list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))
LOADER = _Loader
