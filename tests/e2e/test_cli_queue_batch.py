"""`hfsuite queue add -i FILE`: bad lines are skipped by number, and several repositories added
with one --local-dir each get their own folder (the installed command against the emulator)."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def env(hub_factory, tmp_path):  # type: ignore[no-untyped-def]
    hub = hub_factory()
    hub.create_repo("acme/one", files={"config.json": b'{"one": 1}'})
    hub.create_repo("acme/two", files={"config.json": b'{"two": 2}'})
    hub.create_repo("other/one", files={"config.json": b'{"other": 1}'})
    return {"HF_ENDPOINT": hub.url, "HFSUITE_HF_CACHE_DIR": str(tmp_path / "cache")}


def _tasks(hfsuite_cmd, env):  # type: ignore[no-untyped-def]
    return json.loads(hfsuite_cmd("queue", "ls", "--json", env=env).stdout)["tasks"]


def test_a_bad_line_is_skipped_with_its_number(hfsuite_cmd, env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    listing = tmp_path / "models.txt"
    listing.write_text("# mine\nacme/one\nnot a repo\n\nacme/two\n")
    added = hfsuite_cmd("queue", "add", "-i", str(listing), env=env)
    assert added.returncode == 0, added.stderr
    assert "line 3: " in added.stderr and "(skipped)" in added.stderr
    assert "Added 2 tasks" in added.stderr
    assert [t["repo_id"] for t in _tasks(hfsuite_cmd, env)] == ["acme/one", "acme/two"]


def test_a_file_of_bad_lines_adds_nothing(hfsuite_cmd, env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    listing = tmp_path / "models.txt"
    listing.write_text("not a repo\n")
    added = hfsuite_cmd("queue", "add", "-i", str(listing), env=env)
    assert added.returncode == 2
    assert "line 1: " in added.stderr and "Nothing to add." in added.stderr
    assert _tasks(hfsuite_cmd, env) == []


def test_a_bad_argument_still_adds_nothing(hfsuite_cmd, env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    added = hfsuite_cmd("queue", "add", "acme/one", "not a repo", env=env)
    assert added.returncode == 2
    assert _tasks(hfsuite_cmd, env) == []


def test_repositories_sharing_a_local_dir_get_a_folder_each(hfsuite_cmd, env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    listing = tmp_path / "models.txt"
    listing.write_text("acme/one\nacme/two\n")
    models = tmp_path / "models"
    added = hfsuite_cmd("queue", "add", "-i", str(listing), "--local-dir", str(models), env=env)
    assert added.returncode == 0, added.stderr
    run = hfsuite_cmd("queue", "run", env=env)
    assert run.returncode == 0, run.stderr
    assert (models / "one" / "config.json").read_bytes() == b'{"one": 1}'
    assert (models / "two" / "config.json").read_bytes() == b'{"two": 2}'
    assert not (models / "config.json").exists()

    # One repository with --local-dir still goes into the folder itself, as `hf download` does.
    single = tmp_path / "single"
    assert (
        hfsuite_cmd("queue", "add", "acme/one", "--local-dir", str(single), env=env).returncode == 0
    )
    assert hfsuite_cmd("queue", "run", env=env).returncode == 0
    assert (single / "config.json").exists()


def test_two_repositories_that_would_share_a_folder_are_refused(hfsuite_cmd, env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    added = hfsuite_cmd(
        "queue", "add", "acme/one", "other/one", "--local-dir", str(tmp_path / "m"), env=env
    )
    assert added.returncode == 2
    assert "acme/one and other/one would both go to" in added.stderr
    assert _tasks(hfsuite_cmd, env) == []
