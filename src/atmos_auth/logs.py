"""Logging as Atmos configures it: `logs.level` / `logs.file` in atmos.yaml, ATMOS_LOGS_LEVEL /
ATMOS_LOGS_FILE, --logs-level / --logs-file; `auth.logs.level` for auth work. The library logs to the
`atmos_auth` logger and never logs a secret (names, paths, hosts and masked key ids only).

Levels: Trace, Debug, Info, Warning (alias Warn), Error, Off; case-insensitive. Default Warning, to
/dev/stderr. A file is appended to and created 0600 (Atmos: 0644; a log is nobody else's business).
"""

from __future__ import annotations

import logging
import os
import re
import stat
import sys
from dataclasses import dataclass
from typing import IO

from atmos_auth.errors import UsageError

TRACE = 5
OFF = logging.CRITICAL + 10
LEVELS = {"trace": TRACE, "debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
          "warn": logging.WARNING, "error": logging.ERROR, "off": OFF}
VALID = "Trace, Debug, Info, Warning, Error, Off"
DEFAULT_FILE = "/dev/stderr"

log = logging.getLogger("atmos_auth")
logging.addLevelName(TRACE, "TRACE")


def parse_level(text: str) -> int:
    """The logging level of `text`; empty means Info, as in Atmos."""
    value = text.strip().lower()
    if not value:
        return logging.INFO
    if value not in LEVELS:
        raise UsageError(f"invalid log level {text!r}; valid levels are {VALID}")
    return LEVELS[value]


@dataclass(frozen=True)
class LogSettings:
    level: str | None = None
    file: str | None = None


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


def _one_line(text: str) -> str:
    """Control characters escaped: a name from atmos.yaml cannot start a line of its own in a log file."""
    return _CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


class _File(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s atmos-auth: %(message)s", "%Y-%m-%dT%H:%M:%S%z")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        record.message = _one_line(record.message)
        return super().formatMessage(record)


class _Console(logging.Formatter):
    """`warning: text` on a terminal stream, as the CLI prints its other status lines."""

    def format(self, record: logging.LogRecord) -> str:
        name = record.levelname.lower()
        prefix = f"{name}: " if record.levelno != logging.INFO else ""
        return prefix + _one_line(record.getMessage())


def configure(*settings: LogSettings) -> None:
    """Apply the first level and the first file set among `settings` (highest precedence first)."""
    level_text = next((s.level for s in settings if s.level is not None), None)
    file = next((s.file for s in settings if s.file), None) or DEFAULT_FILE
    level = logging.WARNING if level_text is None else parse_level(level_text)
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
    log.setLevel(level)
    log.propagate = False
    logging.raiseExceptions = False  # a log that cannot be written (a full disk) must not print a traceback
    log.addHandler(_handler(file))


def _handler(file: str) -> logging.Handler:
    if file == "/dev/null":
        return logging.NullHandler()
    if file in ("/dev/stderr", "/dev/stdout"):
        handler: logging.Handler = logging.StreamHandler(sys.stderr if file == "/dev/stderr" else sys.stdout)
        handler.setFormatter(_Console())
        return handler
    handler = logging.StreamHandler(_open_log(file))
    handler.setFormatter(_File())
    return handler


def _open_log(file: str) -> IO[str]:
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
