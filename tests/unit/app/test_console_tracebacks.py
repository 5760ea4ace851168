"""Tracebacks reach the log file always, the terminal only at debug level (-vv)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hfsuite.app.logs import configure_logging
from hfsuite.core.redact import Redactor


@pytest.mark.parametrize("level", [logging.ERROR, logging.WARNING, logging.INFO, logging.DEBUG])
def test_a_logged_traceback_is_on_the_terminal_only_at_debug(  # type: ignore[no-untyped-def]
    tmp_path: Path, capsys, level: int
) -> None:
    path = configure_logging(Redactor(), log_dir=tmp_path, console_level=level)
    assert path is not None
    log = logging.getLogger("hfsuite.test")
    try:
        raise ValueError("needs an etag")
    except ValueError as exc:
        log.error("task 3 failed unexpectedly", exc_info=exc)
    for handler in logging.getLogger().handlers:
        handler.flush()
    console = capsys.readouterr().err
    assert "task 3 failed unexpectedly" in console
    assert ("Traceback" in console) == (level == logging.DEBUG)
    text = path.read_text()
    assert "Traceback" in text and "ValueError: needs an etag" in text
