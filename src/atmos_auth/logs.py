"""Logging as Atmos configures it: `logs.level` / `logs.file` in atmos.yaml, ATMOS_LOGS_LEVEL /
ATMOS_LOGS_FILE, --logs-level / --logs-file; `auth.logs.level` for auth work. The library logs to the
`atmos_auth` logger and never logs a secret (names, paths, hosts and masked key ids only).

Levels: Trace, Debug, Info, Warning (alias Warn), Error, Off; case-insensitive. Default Warning, to
/dev/stderr. A file is appended to and created 0600 (Atmos: 0644; a log is nobody else's business).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import IO, Any

from atmos_auth.errors import UsageError

TRACE, DEBUG, INFO, WARNING, ERROR = 5, 10, 20, 30, 40  # logging's values, without importing it
OFF = 60
LEVELS = {"trace": TRACE, "debug": DEBUG, "info": INFO, "warning": WARNING, "warn": WARNING, "error": ERROR,
          "off": OFF}
VALID = "Trace, Debug, Info, Warning, Error, Off"
DEFAULT_FILE = "/dev/stderr"


def parse_level(text: str) -> int:
    """The logging level of `text`; empty means Info, as in Atmos."""
    value = text.strip().lower()
    if not value:
        return INFO
    if value not in LEVELS:
        raise UsageError(f"invalid log level {text!r}; valid levels are {VALID}")
    return LEVELS[value]


@dataclass(frozen=True)
class LogSettings:
    level: str | None = None
    file: str | None = None


class Log:
    """The `atmos_auth` logger, without importing `logging` (a fifth of a short command's start-up) until
    a record is at or above the level: then logging is set up as configure() said."""

    def __init__(self) -> None:
        self.level = WARNING
        self.file = DEFAULT_FILE
        self._real: Any = None

    def isEnabledFor(self, level: int) -> bool:  # noqa: N802 (logging's name)
        return level >= self.level

    def log(self, level: int, message: str, *args: Any, **kwargs: Any) -> None:
        if level >= self.level:
            self.logger().log(level, message, *args, **kwargs)

    def debug(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.log(DEBUG, message, *args, **kwargs)

    def info(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.log(INFO, message, *args, **kwargs)

    def warning(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.log(WARNING, message, *args, **kwargs)

    def error(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.log(ERROR, message, *args, **kwargs)

    def logger(self) -> Any:
        """logging's own logger, set up (handler, level) on first use."""
        if self._real is None:
            from atmos_auth import log_output

            self._real = log_output.install(self.level, self.file)
        return self._real


log = Log()


def configure(*settings: LogSettings) -> None:
    """Apply the first level and the first file set among `settings` (highest precedence first). A log
    file is opened now (a path that cannot be written is an error at once); the terminal is set up when
    the first record comes."""
    level_text = next((s.level for s in settings if s.level is not None), None)
    file = next((s.file for s in settings if s.file), None) or DEFAULT_FILE
    level = WARNING if level_text is None else parse_level(level_text)
    if log._real is not None or file not in (DEFAULT_FILE, "/dev/stdout", "/dev/null"):
        from atmos_auth import log_output

        log._real = log_output.install(level, file)  # raises (and changes nothing) when it cannot be opened
    log.level, log.file = level, file


def open_log(file: str) -> IO[str]:
    """The log file, appended to (created 0600); a FIFO or socket is refused, not waited on."""
    try:
        fd = os.open(os.path.expanduser(file), os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
                     | os.O_NONBLOCK, 0o600)
    except OSError as exc:
        raise UsageError(f"cannot open the log file {file}: {exc.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISCHR(mode)):
        os.close(fd)
        raise UsageError(f"the log file {file} is not a regular file",
                         remedy="log to a file, /dev/stderr, /dev/stdout or /dev/null")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace")
