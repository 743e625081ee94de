"""The one object every command shares: global options, and the configuration loaded lazily once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from atmos_auth.config.model import AuthConfig


@dataclass
class App:
    config_path: str | None = None
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    _config: AuthConfig | None = None

    @property
    def config(self) -> AuthConfig:
        if self._config is None:
            from atmos_auth.config.load import load_auth_config

            self._config = load_auth_config(self.config_path, self.environ)
        return self._config


pass_app = click.make_pass_decorator(App, ensure=True)
