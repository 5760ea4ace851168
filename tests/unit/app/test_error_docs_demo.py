"""The demo's messages in docs/errors.md, each produced for real and found word for word (with
the placeholders the doc uses)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfsuite.app.demo import open_sandbox
from hfsuite.cli import demo_cmd, main
from hfsuite.core.errors import HfSuiteError

DOC = (Path(__file__).parents[3] / "docs" / "errors.md").read_text(encoding="utf-8")


def _row(template: str, exit_code: int) -> str:
    return f"| `{template}` | {exit_code} |"


def _stderr_error(capsys: pytest.CaptureFixture[str]) -> str:
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, lines
    return lines[0].removeprefix("Error: ")


def test_home_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine.txt").write_text("x")
    assert main.exit_code(["demo", "--home", str(tmp_path)]) == 2
    message = _stderr_error(capsys).replace(str(tmp_path), "<folder>")
    assert _row(message, 2) in DOC, message


def test_home_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    assert main.exit_code(["demo", "--home", str(path)]) == 2
    message = _stderr_error(capsys).replace(str(path), "<folder>")
    assert _row(message, 2) in DOC, message


def test_speed_not_a_rate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main.exit_code(["demo", "--speed", "fast"]) == 2
    message = _stderr_error(capsys).replace("'fast'", "'<text>'")
    assert _row(message, 2) in DOC, message


def test_a_failed_step_stops_the_demo(tmp_path: Path, hub_factory) -> None:  # type: ignore[no-untyped-def]
    """A real step against a Hub without the demo's repositories: the download fails (exit 7)."""
    sandbox = open_sandbox(tmp_path / "demo")
    empty_hub = hub_factory()
    with pytest.raises(HfSuiteError) as info:
        demo_cmd._run_steps(sandbox, sandbox.environment(empty_hub.url))
    message = info.value.message
    assert message == "The demo stopped at step 1 (hfsuite download ended with exit 7)."
    template = message.replace("step 1", "step <n>").replace("download", "<command>")
    assert _row(template.replace("exit 7", "exit <code>"), 1) in DOC
