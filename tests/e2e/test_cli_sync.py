"""`hfsuite sync` end to end: two machines (two isolated homes, settings and databases) and
one shared folder; export/import with a preview; bad files; a half-written machine file."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def machine(request: pytest.FixtureRequest) -> Callable[[Path], dict[str, str]]:
    """The environment of one machine: its own home, settings and database.

    Its database is the SQLite file in its data folder, or, when the suite runs on PostgreSQL
    (``HFSUITE_DB_URL`` set), the test's database for the first machine and a new one for the
    second.
    """
    made: list[Path] = []

    def make(root: Path) -> dict[str, str]:
        home = root / "home"
        home.mkdir(parents=True)
        env = {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "XDG_CACHE_HOME": str(home / ".cache"),
        }
        made.append(root)
        if os.environ.get("HFSUITE_DB_URL") and len(made) > 1:
            assert len(made) == 2, "two machines at most on PostgreSQL (one new database)"
            env["HFSUITE_DB_URL"] = str(request.getfixturevalue("postgres_url"))
        return env

    return make


def _ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return str(result.stdout)


def test_export_and_import_between_two_machines(
    hfsuite_cmd: Any, machine: Any, tmp_path: Path
) -> None:
    one, two = machine(tmp_path / "one"), machine(tmp_path / "two")
    _ok(hfsuite_cmd("config", "set", "connections_per_file", "16", env=one))
    _ok(hfsuite_cmd("config", "set", "proxy", "http://me:pw@proxy:3128", env=one))
    _ok(hfsuite_cmd("history", "fav", "openai-community/gpt2", env=one))
    _ok(hfsuite_cmd("profiles", "add", "ggufs", "--folder", "/models/gguf", env=one))
    file = tmp_path / "sync.json"
    out = _ok(hfsuite_cmd("sync", "export", str(file), env=one))
    assert "1 setting, 1 profile, 1 favorite" in out
    assert "pw@" not in file.read_text() and "proxy" not in file.read_text()

    _ok(hfsuite_cmd("config", "set", "connections_per_file", "4", env=two))
    preview = _ok(hfsuite_cmd("sync", "import", str(file), "--dry-run", env=two))
    assert "settings: 0 added, 1 changed, 0 removed" in preview
    assert "~ connections_per_file: 4 -> 16" in preview
    assert "+ ggufs" in preview and "+ huggingface:model:openai-community/gpt2" in preview
    assert "Dry run" in preview
    assert "16" not in _ok(hfsuite_cmd("config", "get", "connections_per_file", env=two))

    refused = hfsuite_cmd("sync", "import", str(file), env=two)
    assert refused.returncode == 2 and "--yes" in refused.stderr

    _ok(hfsuite_cmd("sync", "import", str(file), "--yes", env=two))
    assert "16" in _ok(hfsuite_cmd("config", "get", "connections_per_file", env=two))
    assert "ggufs" in _ok(hfsuite_cmd("profiles", "ls", env=two))
    mine = _ok(hfsuite_cmd("sync", "export", str(tmp_path / "two.json"), env=two))
    assert "1 favorite" in mine
    assert json.loads((tmp_path / "two.json").read_text())["favorites"][0]["key"] == (
        "huggingface:model:openai-community/gpt2"
    )
    assert "Nothing to change" in _ok(hfsuite_cmd("sync", "import", str(file), env=two))


def test_bad_files_exit_2_and_change_nothing(
    hfsuite_cmd: Any, machine: Any, tmp_path: Path
) -> None:
    env = machine(tmp_path / "m")
    cases = {
        "garbage.json": ("{half", "not JSON"),
        "future.json": ('{"format": "hfsuite-sync", "version": 9}', "version 9"),
        "other.json": ('{"hello": 1}', "is not a valid hfsuite sync file"),
    }
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text)
        result = hfsuite_cmd("sync", "import", str(tmp_path / name), "--yes", env=env)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
    missing = hfsuite_cmd("sync", "import", str(tmp_path / "nope.json"), env=env)
    assert missing.returncode == 2 and "No such file" in missing.stderr
    no_folder = hfsuite_cmd("sync", "folder", env=env)
    assert no_folder.returncode == 2 and "No sync folder is set" in no_folder.stderr


def test_folder_sync_between_two_machines(hfsuite_cmd: Any, machine: Any, tmp_path: Path) -> None:
    one, two = machine(tmp_path / "one"), machine(tmp_path / "two")
    folder = tmp_path / "Cloud" / "hfsuite"
    _ok(hfsuite_cmd("config", "set", "theme", "dark", env=one))
    _ok(hfsuite_cmd("history", "fav", "openai-community/gpt2", env=one))
    first = _ok(hfsuite_cmd("sync", "folder", str(folder), env=one))
    assert "other machines: none yet" in first
    machine_files = list(folder.glob("machine-*.json"))
    assert len(machine_files) == 1
    assert json.loads(machine_files[0].read_text())["format"] == "hfsuite-sync"
    # the folder is remembered: later rounds need no argument (cron, a timer)
    assert str(folder) in _ok(hfsuite_cmd("config", "get", "sync_folder", env=one))

    # machine two starts while machine one's file is being copied in: skipped, not an error
    whole = machine_files[0].read_text()
    machine_files[0].write_text(whole[:40])
    _ok(hfsuite_cmd("history", "fav", "org/tiny", env=two))
    half = hfsuite_cmd("sync", "folder", str(folder), "--once", env=two)
    _ok(half)
    assert "skipped" in half.stderr and machine_files[0].name in half.stderr
    assert "Nothing changed here" in half.stdout
    assert str(folder) not in _ok(hfsuite_cmd("config", "get", "sync_folder", env=two))  # --once

    machine_files[0].write_text(whole)
    second = _ok(hfsuite_cmd("sync", "folder", str(folder), env=two))
    assert "2 changes taken from other machines" in second
    third = _ok(hfsuite_cmd("sync", "folder", env=one))
    assert "1 change taken" in third
    assert "dark" in _ok(hfsuite_cmd("config", "get", "theme", env=two))
    for env in (one, two):
        listed = _ok(hfsuite_cmd("sync", "export", str(tmp_path / "check.json"), env=env))
        assert "2 favorites" in listed
