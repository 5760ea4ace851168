"""A bug in a command or in one of its threads is one line on the terminal and a traceback in
the log, never Python's traceback print-out (``-vv`` shows it on the terminal)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from hfsuite.app.logs import configure_logging
from hfsuite.cli import main as cli_main
from hfsuite.core.redact import Redactor


def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


class _BrokenApp:
    """The command line, with a bug in whatever command runs."""

    info = cli_main.app.info

    def __call__(self, *args: object, **kwargs: object) -> None:
        _boom()


def test_a_bug_in_a_command_is_one_error_line_and_exit_1(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cli_main, "app", _BrokenApp())
    code = cli_main.exit_code(["queue", "ls"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Unexpected error: RuntimeError: boom" in err
    assert "bug in hfsuite" in err
    assert "resumes" not in err  # not a download: nothing to resume
    assert "Traceback" not in err


@pytest.mark.parametrize("debug", [False, True])
def test_a_thread_that_dies_is_logged_not_printed(tmp_path: Path, capsys, debug: bool) -> None:  # type: ignore[no-untyped-def]
    level = logging.DEBUG if debug else logging.WARNING
    path = configure_logging(Redactor(), log_dir=tmp_path, console_level=level)
    assert path is not None
    saved = threading.excepthook
    threading.excepthook = cli_main.thread_failed
    try:
        thread = threading.Thread(target=_boom, name="hfsuite-test-thread")
        thread.start()
        thread.join()
    finally:
        threading.excepthook = saved
    for handler in logging.getLogger().handlers:
        handler.flush()
    err = capsys.readouterr().err
    assert "Unexpected error in thread hfsuite-test-thread: RuntimeError: boom" in err
    assert "Exception in thread" not in err  # Python's own print-out
    assert ("Traceback" in err) == debug
    assert "Traceback" in path.read_text()
    configure_logging(Redactor(), log_dir=tmp_path / "reset")  # leave a quiet console behind
