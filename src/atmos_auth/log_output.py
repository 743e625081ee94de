"""Where the `atmos_auth` logger writes, set up by logs.Log the first time a record is kept (or at once
for a log file): the terminal (`warning: text`), or a file with times, one line a record."""

from __future__ import annotations

import logging
import re
import sys

from atmos_auth.logs import DEFAULT_FILE, TRACE, open_log

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
logging.addLevelName(TRACE, "TRACE")


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


def install(level: int, file: str) -> logging.Logger:
    """The `atmos_auth` logger at `level`, writing to `file` only (its earlier handler closed)."""
    log = logging.getLogger("atmos_auth")
    handler = _handler(file)  # first: a file that cannot be opened leaves the logger as it was
    for old in list(log.handlers):
        log.removeHandler(old)
        old.close()
    log.setLevel(level)
    log.propagate = False
    logging.raiseExceptions = False  # a log that cannot be written (a full disk) must not print a traceback
    log.addHandler(handler)
    return log


def _handler(file: str) -> logging.Handler:
    if file == "/dev/null":
        return logging.NullHandler()
    if file in (DEFAULT_FILE, "/dev/stdout"):
        handler: logging.Handler = logging.StreamHandler(sys.stderr if file == DEFAULT_FILE else sys.stdout)
        handler.setFormatter(_Console())
        return handler
    handler = logging.StreamHandler(open_log(file))
    handler.setFormatter(_File())
    return handler
