"""The one object every command shares: global options, and the configuration loaded lazily once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

from atmos_auth.logs import log

if TYPE_CHECKING:
    from atmos_auth.config.model import AuthConfig
    from atmos_auth.config.snapshot import Request
    from atmos_auth.logs import LogSettings



@dataclass
class App:
    config_files: list[str] = field(default_factory=list)
    config_dirs: list[str] = field(default_factory=list)
    profiles: tuple[str, ...] = ()
    base_path: str | None = None
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    log_flags: LogSettings | None = None
    #: False for commands that show the configuration's problems themselves (validate, list).
    runtime: bool = True
    _config: AuthConfig | None = None

    @property
    def log_environment(self) -> LogSettings:
        from atmos_auth.logs import LogSettings

        return LogSettings(self.environ.get("ATMOS_LOGS_LEVEL"), self.environ.get("ATMOS_LOGS_FILE"))

    @property
    def request(self) -> Request:
        """The configuration asked for (snapshot.Request)."""
        from atmos_auth.config.snapshot import Request

        return Request(tuple(self.config_files), tuple(self.config_dirs), tuple(self.profiles), self.base_path,
                       self.environ)

    @property
    def config(self) -> AuthConfig:
        if self._config is None:
            from atmos_auth import logs
            from atmos_auth.config.snapshot import load_config
            from atmos_auth.config.usable import elsewhere
            from atmos_auth.errors import UsageError

            self._config = load_config(self.request)
            auth_logs = self._config.settings.logs
            given = (self.log_flags or logs.LogSettings(), self.log_environment)
            try:
                logs.configure(*given, logs.LogSettings(auth_logs.level, auth_logs.file) if auth_logs else
                               logs.LogSettings(), self._config.logs)
            except UsageError as exc:  # a log file named in atmos.yaml: the command goes on, logging to stderr
                logs.configure(*given)
                log.warning("%s (from atmos.yaml); logging to stderr", exc.message)
            if self.runtime and (count := elsewhere(self._config)):
                log.warning("the auth configuration has %d problem%s; this command goes on with what it needs "
                            "(`atmos auth validate` lists them)", count, "s" if count != 1 else "")
        return self._config


pass_app = click.make_pass_decorator(App, ensure=True)
