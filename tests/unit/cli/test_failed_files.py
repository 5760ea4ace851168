"""The download displays tell each failed file once, after the run, and leave out what the
command's own ``Error:`` line says."""

from __future__ import annotations

import pytest

from hfsuite.cli.progress import QuietDisplay
from hfsuite.core.errors import AuthenticationError, ServerError
from hfsuite.core.events import FileFailed, FileRestarted


def _failed(path: str, error: Exception) -> FileFailed:
    return FileFailed(1, path, str(error))


def test_nothing_is_printed_while_running_and_the_final_error_is_not_repeated(
    capsys: pytest.CaptureFixture[str],
) -> None:
    display = QuietDisplay()
    final = ServerError("a.txt: giving up after 8 attempts (HTTP 503).", hint="Try again later.")
    display(_failed("a.txt", final))
    assert capsys.readouterr().err == ""
    assert display.lines(final) == []


def test_other_failures_name_their_file_once() -> None:
    display = QuietDisplay()
    final = ServerError("a.txt: giving up after 8 attempts (HTTP 503).")
    display(_failed("b.txt", ServerError("b.txt: giving up after 8 attempts (HTTP 500).")))
    display(_failed("c.txt", OSError("disk full")))
    display(_failed("a.txt", final))
    assert display.lines(final) == [
        "b.txt: giving up after 8 attempts (HTTP 500).",
        "c.txt: disk full",
    ]


def test_one_reason_for_every_file_is_told_once() -> None:
    display = QuietDisplay()
    forbidden = AuthenticationError("Access to acme/m is forbidden for this token.", hint="…")
    for path in ("a.txt", "b.txt", "c.txt"):
        display(_failed(path, forbidden))
    assert display.lines(forbidden) == []
    other = ServerError("giving up")
    assert display.lines(other) == ["a.txt: Access to acme/m is forbidden for this token. …"]


def test_a_restart_names_its_file_once(capsys: pytest.CaptureFixture[str]) -> None:
    QuietDisplay()(FileRestarted(1, "x.txt", "x.txt: sha1 mismatch. Downloading it again."))
    assert capsys.readouterr().err == "hfsuite: x.txt: sha1 mismatch. Downloading it again.\n"


def test_queue_run_names_a_failed_file_once() -> None:
    import io

    from rich.console import Console

    from hfsuite.cli.queue_progress import RichQueueDisplay

    buffer = io.StringIO()
    display = RichQueueDisplay(Console(file=buffer, width=200, force_terminal=False))
    display(_failed("x.txt", ServerError("x.txt: giving up after 8 attempts (HTTP 503).")))
    display(_failed("y.txt", ServerError("the server said no")))
    lines = buffer.getvalue().splitlines()
    assert "#1 x.txt: giving up after 8 attempts (HTTP 503)." in lines
    assert "#1 y.txt: the server said no" in lines
