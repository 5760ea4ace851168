"""Logging: a rotating file under the platform's log folder and concise console lines.

Every line passes through a :class:`~hfsuite.core.redact.Redactor` at the formatter, so a token
never reaches a log file or the terminal, whichever logger (ours, httpx, urllib3, asyncio…)
wrote it, and whether it sits in the message, its arguments or a traceback.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

import platformdirs

from hfsuite.config.settings import APP_NAME
from hfsuite.core.redact import Redactor

LOG_FILE_NAME = "hfsuite.log"
_MAX_BYTES = 5 * 1024 * 1024
_BACKUPS = 5
_HANDLER_TAG = "_hfsuite_handler"


class RedactingFormatter(logging.Formatter):
    """A formatter whose whole output (message, args, traceback) is redacted."""

    def __init__(self, fmt: str, redactor: Redactor, datefmt: str | None = None):
        super().__init__(fmt, datefmt)
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor(super().format(record))


class _ConsoleFormatter(RedactingFormatter):
    """Console lines without tracebacks unless at debug level (``-vv``): the file keeps them."""

    def __init__(self, fmt: str, redactor: Redactor, tracebacks: bool):
        super().__init__(fmt, redactor)
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if self.tracebacks or not (record.exc_info or record.exc_text or record.stack_info):
            return super().format(record)
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def default_log_dir() -> Path:
    """``HFSUITE_LOG_DIR`` or the platform's log folder (``~/.local/state/hfsuite/log``)."""
    override = os.environ.get("HFSUITE_LOG_DIR")
    return Path(override).expanduser() if override else Path(platformdirs.user_log_dir(APP_NAME))


def configure_logging(
    redactor: Redactor,
    *,
    log_dir: Path | None = None,
    file_level: str = "INFO",
    console_level: int = logging.WARNING,
) -> Path | None:
    """Install the file and console handlers on the root logger (replacing earlier ones).

    Args:
        redactor: Masks secrets in every line.
        log_dir: Folder of the rotating log file (default :func:`default_log_dir`).
        file_level: Level name for the file.
        console_level: Level for stderr (tracebacks are shown there only at DEBUG).

    Returns:
        The log file's path, or None when it could not be opened (then only the console logs,
        and a warning says why).
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_TAG, False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG)

    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level)
    console.setFormatter(
        _ConsoleFormatter(
            "hfsuite: %(levelname)s: %(message)s", redactor, console_level <= logging.DEBUG
        )
    )
    setattr(console, _HANDLER_TAG, True)
    root.addHandler(console)

    log_dir = log_dir or default_log_dir()
    path = log_dir / LOG_FILE_NAME
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            path,
            maxBytes=_MAX_BYTES,
            backupCount=_BACKUPS,
            encoding="utf-8",
            errors="backslashreplace",  # a path that is not UTF-8 is logged, not an error
            delay=True,
        )
    except OSError as exc:
        logging.getLogger(__name__).warning("Cannot write the log file %s: %s", path, exc)
        return None
    file_handler.setLevel(getattr(logging, file_level.upper(), logging.INFO))
    file_handler.setFormatter(
        RedactingFormatter(
            "%(asctime)s %(process)d %(threadName)s %(levelname)s %(name)s: %(message)s", redactor
        )
    )
    setattr(file_handler, _HANDLER_TAG, True)
    root.addHandler(file_handler)
    # Libraries that log every request at INFO would drown the file.
    for noisy in ("httpx", "httpcore", "urllib3", "filelock", "asyncio", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
