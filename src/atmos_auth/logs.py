"""Logging as Atmos configures it: `logs.level` / `logs.file` in atmos.yaml, ATMOS_LOGS_LEVEL /
ATMOS_LOGS_FILE, --logs-level / --logs-file; `auth.logs.level` for auth work. The library logs to the
`atmos_auth` logger and never logs a secret (names, paths, hosts and masked key ids only).

Levels: Trace, Debug, Info, Warning (alias Warn), Error, Off; case-insensitive. Default Warning, to
/dev/stderr. A file is appended to and created 0600 (Atmos: 0644; a log is nobody else's business).
"""

from __future__ import annotations

import logging
import os
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


class _Console(logging.Formatter):
    """`warning: text` on a terminal stream, as the CLI prints its other status lines."""

    def format(self, record: logging.LogRecord) -> str:
        name = record.levelname.lower()
        prefix = f"{name}: " if record.levelno != logging.INFO else ""
        return prefix + record.getMessage()


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
    log.addHandler(_handler(file))


def _handler(file: str) -> logging.Handler:
    if file == "/dev/null":
        return logging.NullHandler()
    if file in ("/dev/stderr", "/dev/stdout"):
        handler: logging.Handler = logging.StreamHandler(sys.stderr if file == "/dev/stderr" else sys.stdout)
        handler.setFormatter(_Console())
        return handler
    try:
        stream: IO[str] = os.fdopen(os.open(os.path.expanduser(file), os.O_WRONLY | os.O_APPEND | os.O_CREAT
                                            | os.O_CLOEXEC, 0o600), "a", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot open the log file {file}: {exc.strerror}") from None
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s atmos-auth: %(message)s",
                                           "%Y-%m-%dT%H:%M:%S%z"))
    return handler
