"""The console script pauses the cyclic collector for start-up only, and never for someone else."""

from __future__ import annotations

import gc
import importlib.metadata
import subprocess
import sys

import pytest

from hfsuite.cli import gc_pause


@pytest.fixture(autouse=True)
def _collector_restored():  # type: ignore[no-untyped-def]
    was = gc.isenabled()
    yield
    gc_pause._managed = False
    gc_pause.end_startup()
    gc.unfreeze()
    if was:
        gc.enable()


def test_the_pause_ends_when_start_up_does() -> None:
    gc_pause.pause_collector(limit_s=60)
    assert not gc.isenabled()
    gc_pause.end_startup()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # what start-up loaded is out of the collector's sight


def test_the_pause_ends_by_itself_when_nothing_ends_it() -> None:
    gc_pause.pause_collector(limit_s=0.05)
    assert not gc.isenabled()
    resumed = gc_pause._timer
    assert resumed is not None and resumed.daemon  # never keeps the process alive
    resumed.join(timeout=10)
    assert gc.isenabled()


def test_a_collector_someone_else_turned_off_stays_off() -> None:
    gc.disable()
    gc_pause.pause_collector(limit_s=60)
    gc_pause.end_startup()
    assert not gc.isenabled()


def test_opening_the_suite_ends_the_pause(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from hfsuite.cli.main import CliState

    monkeypatch.setenv("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("HFSUITE_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("HFSUITE_CONFIG_DIR", str(tmp_path / "config"))
    gc_pause.pause_collector(limit_s=60)
    CliState().suite().close()
    assert gc.isenabled()


def test_the_installed_command_and_python_m_start_through_the_launcher(tmp_path) -> None:  # type: ignore[no-untyped-def]
    script = importlib.metadata.entry_points(group="console_scripts")["hfsuite"]
    assert script.value == "hfsuite.cli.launch:entry"
    done = subprocess.run(
        [sys.executable, "-m", "hfsuite", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("hfsuite "), done.stderr


def test_a_later_burst_of_imports_pauses_it_again_in_the_command_only() -> None:
    # Not started by the launcher (a library user, a test calling exit_code): nothing changes.
    frozen = gc.get_freeze_count()
    with gc_pause.imports_paused():
        assert gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    # The command (`hfsuite download` importing the queue's database while bytes move).
    gc_pause.launch()
    gc_pause.end_startup()
    assert gc.isenabled()
    with gc_pause.imports_paused():
        assert not gc.isenabled()
        loaded = [object() for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(loaded)
    assert gc_pause._timer is None  # the fallback timer went with the pause


def test_a_later_burst_leaves_a_collector_someone_else_turned_off() -> None:
    gc_pause.launch()
    gc_pause.end_startup()
    gc.disable()
    with gc_pause.imports_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
