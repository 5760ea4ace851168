"""The log file exists, rotates, and never contains a token."""

from __future__ import annotations

import logging
from pathlib import Path

from hfsuite.app.logs import LOG_FILE_NAME, configure_logging
from hfsuite.core.redact import Redactor

TOKEN = "hf_ZyXwVuTsRqPoNmLkJiHgFeDcBa987654"


def test_tokens_are_redacted_from_file_and_console(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    redactor = Redactor()
    redactor.add_secret("opaque-secret-1234")
    path = configure_logging(
        redactor, log_dir=tmp_path, file_level="DEBUG", console_level=logging.INFO
    )
    assert path == tmp_path / LOG_FILE_NAME
    log = logging.getLogger("hfsuite.test")
    log.info("using token %s", TOKEN)
    log.warning("header Authorization: Bearer %s", TOKEN)
    logging.getLogger("httpx").warning("GET http://h/?token=%s", TOKEN)
    log.info("registered opaque-secret-1234 here")
    try:
        raise RuntimeError(f"failed with {TOKEN}")
    except RuntimeError:
        log.exception("boom")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text()
    console = capsys.readouterr().err
    for output in (text, console):
        assert TOKEN not in output
        assert "opaque-secret-1234" not in output
        assert "***" in output
    assert "RuntimeError" in text  # the traceback is kept, only the secret is masked


def test_reconfiguring_does_not_duplicate_handlers(tmp_path: Path) -> None:
    r = Redactor()
    configure_logging(r, log_dir=tmp_path)
    configure_logging(r, log_dir=tmp_path)
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_hfsuite_handler", False)]
    assert len(ours) == 2  # one console, one file


def test_unwritable_log_dir_falls_back_to_console(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert configure_logging(Redactor(), log_dir=blocker / "sub") is None
