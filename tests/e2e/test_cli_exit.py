"""The console script ends the process without the slow interpreter teardown; nothing that
was said or logged is lost on the way out, and exit codes are those of the error tree."""

from __future__ import annotations

import subprocess
import sys
import threading
import types
from pathlib import Path

import pytest

from hfsuite.cli import main as cli_main


def test_output_and_log_lines_survive_the_fast_exit(hfsuite_cmd, sandbox: Path) -> None:  # type: ignore[no-untyped-def]
    log_dir = sandbox / "logs"
    result = hfsuite_cmd("config", "show", env={"HFSUITE_LOG_DIR": str(log_dir)})
    assert result.returncode == 0, result.stderr
    assert "connections_per_file" in result.stdout and "theme" in result.stdout
    log = (log_dir / "hfsuite.log").read_text(encoding="utf-8")
    assert "config show" in log, "the command's log line was flushed before the exit"


def test_error_exit_code_and_message(hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("config", "set", "layout", "flat")
    assert result.returncode == 3
    assert "hf-cache or local-dir" in result.stderr


def test_python_dash_m_runs_the_same_entry(sandbox: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hfsuite", "config", "get", "theme"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in {"system", "light", "dark"}


class _Exited(Exception):
    def __init__(self, how: str, code: int):
        super().__init__(how, code)
        self.how, self.code = how, code


@pytest.fixture
def exits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record how entry() ends instead of ending the test process (no window loaded, the
    test process's own atexit handlers left alone)."""
    calls: list[str] = []
    monkeypatch.delitem(sys.modules, "PySide6", raising=False)
    monkeypatch.setattr(cli_main.atexit, "_run_exitfuncs", lambda: calls.append("atexit"))

    def fast(code: int) -> None:
        raise _Exited("fast", code)

    def slow(code: object = 0) -> None:
        raise _Exited("slow", int(code))  # type: ignore[call-overload]

    monkeypatch.setattr(cli_main.os, "_exit", fast)
    monkeypatch.setattr(cli_main.sys, "exit", slow)
    monkeypatch.setattr(cli_main, "exit_code", lambda argv=None: 4)
    return calls


def test_entry_exits_fast_with_the_commands_code(exits: list[str]) -> None:
    with pytest.raises(_Exited) as info:
        cli_main.entry()
    assert (info.value.how, info.value.code) == ("fast", 4)
    assert exits == ["atexit"], "atexit handlers (logging's flush among them) ran first"


def test_entry_waits_for_a_running_non_daemon_thread(exits: list[str]) -> None:
    release = threading.Event()
    worker = threading.Thread(target=release.wait, daemon=False)
    worker.start()
    try:
        with pytest.raises(_Exited) as info:
            cli_main.entry()
        assert (info.value.how, info.value.code) == ("slow", 4)
    finally:
        release.set()
        worker.join()


def test_entry_keeps_the_normal_exit_after_a_window(
    exits: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "PySide6", types.ModuleType("PySide6"))
    with pytest.raises(_Exited) as info:
        cli_main.entry()
    assert info.value.how == "slow"
