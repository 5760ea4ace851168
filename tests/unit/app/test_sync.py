"""app.sync: export/import between two machines, and folder rounds that converge, with two
isolated homes (settings, databases, sync state) and one shared folder; an injected clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from manager_unit_helpers import make_suite

from hfsuite.app.suite import Suite
from hfsuite.app.sync import (
    apply_import,
    export_file,
    plan_import,
    read_document,
    sync_round,
)
from hfsuite.app.sync.document import LOCAL_SETTINGS
from hfsuite.app.sync.local import read_local
from hfsuite.core.clock import ManualClock
from hfsuite.core.errors import SettingsFileError, UsageError
from hfsuite.core.types import Layout, RepoRef
from hfsuite.storage import ProfileSpec

GPT2 = RepoRef("openai-community/gpt2")
TINY = RepoRef("org/tiny")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def a(tmp_path: Path, clock: ManualClock) -> Suite:
    return make_suite(tmp_path / "a", clock)


@pytest.fixture
def b(tmp_path: Path, clock: ManualClock) -> Suite:
    return make_suite(tmp_path / "b", clock)


def fav(suite: Suite, ref: RepoRef, note: str | None = None) -> None:
    with suite.database.write() as uow:
        uow.history.add_favorite(ref, note)


def unfav(suite: Suite, ref: RepoRef) -> None:
    with suite.database.write() as uow:
        uow.history.remove_favorite(ref)


def favorites(suite: Suite) -> dict[str, str | None]:
    with suite.database.read() as uow:
        return {f.repo_id: f.note for f in uow.history.list_favorites()}


def profile(suite: Suite, name: str, folder: str, origin: str = "manual") -> None:
    with suite.database.write() as uow:
        uow.profiles.upsert_by_name(
            ProfileSpec(name, folder, Layout.LOCAL_DIR, {"defaults": {}}, origin)
        )


def profiles(suite: Suite) -> dict[str, str]:
    with suite.database.read() as uow:
        return {p.name: p.destination for p in uow.profiles.list_all()}


def setting(suite: Suite, key: str) -> object:
    return suite.store.read_file()[0].get(key)


# --- export and import -------------------------------------------------------------------------


def test_export_holds_no_secret_nor_machine_local_setting(a: Suite, tmp_path: Path) -> None:
    a.store.set("connections_per_file", 16)
    a.store.set("proxy", "http://user:secret@proxy:3128")
    a.store.set("download_dir", str(tmp_path / "dl"))
    a.store.set("theme", "dark")
    profile(a, "ggufs", "/models/gguf")
    profile(a, "comfyui-loras", "/c/models/loras", origin="detected:comfyui")
    fav(a, GPT2, "base")
    target = tmp_path / "out" / "sync.json"
    export_file(a, target)
    text = target.read_text()
    data = json.loads(text)
    assert (data["format"], data["version"]) == ("hfsuite-sync", 1)
    assert {i["key"]: i["value"] for i in data["settings"]} == {
        "connections_per_file": 16,
        "theme": "dark",
    }
    assert "secret" not in text and "proxy" not in text and str(tmp_path / "dl") not in text
    assert [p["key"] for p in data["profiles"]] == ["ggufs"]  # detected ones stay here
    assert data["favorites"][0]["value"]["note"] == "base"
    assert all("modified_at" in i for s in ("settings", "profiles", "favorites") for i in data[s])
    assert not set(LOCAL_SETTINGS) & {i["key"] for i in data["settings"]}


def test_import_previews_then_applies_everything(a: Suite, b: Suite, tmp_path: Path) -> None:
    a.store.set("connections_per_file", 16)
    a.store.set("theme", "dark")
    profile(a, "ggufs", "/models/gguf")
    fav(a, GPT2, "base")
    b.store.set("theme", "light")
    b.store.set("tasks_in_parallel", 3)
    fav(b, TINY)
    export_file(a, tmp_path / "s.json")
    plan = plan_import(b, read_document(tmp_path / "s.json"))
    summary = {(c.section, c.key, c.action, str(c.old), str(c.new)) for c in plan.changes}
    assert ("settings", "theme", "changed", "light", "dark") in summary
    assert ("settings", "connections_per_file", "added", "None", "16") in summary
    assert {c.key for c in plan.of("profiles")} == {"ggufs"}
    assert [c.action for c in plan.of("favorites")] == ["added"]
    assert favorites(b) == {"org/tiny": None}  # a plan changes nothing
    apply_import(b, plan)
    assert setting(b, "theme") == "dark" and setting(b, "connections_per_file") == 16
    assert setting(b, "tasks_in_parallel") == 3  # not in the file: kept
    assert profiles(b) == {"ggufs": "/models/gguf"}
    assert favorites(b) == {"openai-community/gpt2": "base", "org/tiny": None}
    # --replace also removes what the file does not have
    again = plan_import(b, read_document(tmp_path / "s.json"), replace=True)
    assert {(c.section, c.key, c.action) for c in again.changes} == {
        ("settings", "tasks_in_parallel", "removed"),
        ("favorites", "huggingface:model:org/tiny", "removed"),
    }
    apply_import(b, again)
    assert favorites(b) == {"openai-community/gpt2": "base"}
    assert setting(b, "tasks_in_parallel") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not JSON"),
        ('{"format": "other", "version": 1}', '"format" is not "hfsuite-sync"'),
        ('{"format": "hfsuite-sync", "version": 2}', "version 2"),
        (
            '{"format": "hfsuite-sync", "version": 1, "exported_at": "2026-01-01T00:00:00Z",'
            ' "machine": {"id": "x"}, "settings": [{"key": "theme"}]}',
            'item 1 of "settings" is malformed',
        ),
    ],
)
def test_a_bad_file_is_refused_and_changes_nothing(
    b: Suite, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(UsageError) as caught:
        read_document(path)
    assert message in caught.value.message
    assert caught.value.exit_code == 2
    with pytest.raises(UsageError, match="No such file"):
        read_document(tmp_path / "missing.json")


def test_unusable_items_are_skipped_with_the_reason(b: Suite, tmp_path: Path) -> None:
    doc = {
        "format": "hfsuite-sync",
        "version": 1,
        "exported_at": "2026-01-01T00:00:00+00:00",
        "machine": {"id": "m1", "name": "other"},
        "settings": [
            {"key": "connections_per_file", "value": 999, "modified_at": 1.0},
            {"key": "download_dir", "value": "/elsewhere", "modified_at": 1.0},
            {"key": "theme", "value": "dark", "modified_at": 1.0},
        ],
        "tools": [
            {"key": "comfyui-2", "value": {"kind": "comfyui", "path": "/nope"}, "modified_at": 1}
        ],
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc))
    plan = plan_import(b, read_document(path))
    assert [(c.key, c.new) for c in plan.changes] == [("theme", "dark")]
    skipped = {key: why for _, key, why in plan.skipped}
    assert set(skipped) == {"connections_per_file", "download_dir", "comfyui-2"}
    assert "1 to 64" in skipped["connections_per_file"]
    assert "one machine" in skipped["download_dir"]
    assert "no folder /nope" in skipped["comfyui-2"]


def test_import_is_all_or_nothing(
    a: Suite, b: Suite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a.store.set("theme", "dark")
    fav(a, GPT2)
    comfy = tmp_path / "ComfyUI"
    for name in ("main.py", "folder_paths.py", "comfy/__init__.py"):
        (comfy / name).parent.mkdir(parents=True, exist_ok=True)
        (comfy / name).write_text("")
    from hfsuite.app.tools import ToolRegistry

    ToolRegistry(a.store.path.parent).add(comfy)
    export_file(a, tmp_path / "s.json")
    plan = plan_import(b, read_document(tmp_path / "s.json"))
    assert {c.section for c in plan.changes} == {"settings", "favorites", "tools"}

    def broken(self: ToolRegistry, entries: object) -> None:
        raise SettingsFileError("Cannot write the tools file (disk full).")

    monkeypatch.setattr(ToolRegistry, "_save", broken)
    settings_before = b.store.path.read_bytes() if b.store.path.exists() else None
    with pytest.raises(SettingsFileError):
        apply_import(b, plan)
    assert favorites(b) == {}  # the transaction was rolled back
    after = b.store.path.read_bytes() if b.store.path.exists() else None
    assert after == settings_before  # the settings file was put back
    monkeypatch.undo()
    apply_import(b, plan)
    assert favorites(b) == {"openai-community/gpt2": None}
    assert read_local(b, ["tools"])["tools"] == {"comfyui": {"kind": "comfyui", "path": str(comfy)}}


# --- folder sync --------------------------------------------------------------------------------


def test_two_machines_converge_through_the_folder(
    a: Suite, b: Suite, tmp_path: Path, clock: ManualClock
) -> None:
    folder = tmp_path / "Sync"
    a.store.set("theme", "dark")
    profile(a, "ggufs", "/models/gguf")
    fav(a, GPT2)
    clock.advance(10)
    fav(b, TINY, "mine")
    first = sync_round(a, folder)
    assert first.machines == [] and first.written.name.startswith("machine-")
    second = sync_round(b, folder)
    assert len(second.machines) == 1
    assert {(c.section, c.action) for c in second.applied} == {
        ("settings", "added"),
        ("profiles", "added"),
        ("favorites", "added"),
    }
    third = sync_round(a, folder)
    assert [(c.key, c.action) for c in third.applied] == [("huggingface:model:org/tiny", "added")]
    for suite in (a, b):
        assert favorites(suite) == {"openai-community/gpt2": None, "org/tiny": "mine"}
        assert profiles(suite) == {"ggufs": "/models/gguf"}
        assert setting(suite, "theme") == "dark"
    # settled: further rounds change nothing and report no conflict
    for suite in (a, b, a):
        clock.advance(5)
        report = sync_round(suite, folder)
        assert report.applied == [] and report.conflicts == []
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith("machine-")) == sorted(
        [first.written.name, second.written.name]
    )


def test_a_change_on_one_machine_reaches_the_other(
    a: Suite, b: Suite, tmp_path: Path, clock: ManualClock
) -> None:
    folder = tmp_path / "Sync"
    a.store.set("theme", "dark")
    sync_round(a, folder)
    sync_round(b, folder)
    clock.advance(60)
    b.store.set("theme", "light")
    sync_round(b, folder)
    report = sync_round(a, folder)
    assert [(c.key, c.old, c.new) for c in report.applied] == [("theme", "dark", "light")]
    assert report.conflicts == []
    assert setting(a, "theme") == "light"


def test_a_conflict_keeps_the_newer_and_logs_the_other(
    a: Suite, b: Suite, tmp_path: Path, clock: ManualClock
) -> None:
    folder = tmp_path / "Sync"
    a.store.set("theme", "system")
    sync_round(a, folder)
    sync_round(b, folder)
    clock.advance(60)
    a.store.set("theme", "dark")  # older change
    sync_round(a, folder)
    clock.advance(60)
    b.store.set("theme", "light")  # newer change, made before b saw a's
    report = sync_round(b, folder)
    assert report.applied == []  # b's own is newer: kept
    assert len(report.conflicts) == 1
    conflict = report.conflicts[0]
    assert (conflict.key, conflict.kept.value, conflict.dropped.value) == (
        "theme",
        "light",
        "dark",
    )
    log = folder / f"conflicts-{report.machine_id}.log"
    assert "'theme'" in log.read_text() and '"dark"' in log.read_text()
    back = sync_round(a, folder)
    assert [(c.key, c.new) for c in back.applied] == [("theme", "light")]
    assert setting(a, "theme") == setting(b, "theme") == "light"
    # the losing version in a's old file never comes back
    assert sync_round(b, folder).applied == []
    assert setting(b, "theme") == "light"


def test_a_deletion_propagates(a: Suite, b: Suite, tmp_path: Path, clock: ManualClock) -> None:
    folder = tmp_path / "Sync"
    fav(a, GPT2)
    profile(a, "ggufs", "/models/gguf")
    a.store.set("theme", "dark")
    sync_round(a, folder)
    sync_round(b, folder)
    assert favorites(b) == {"openai-community/gpt2": None}
    clock.advance(30)
    unfav(a, GPT2)
    with a.database.write() as uow:
        record = uow.profiles.get_by_name("ggufs")
        assert record is not None
        uow.profiles.delete(record.id)
    a.store.reset("theme")
    written = json.loads(sync_round(a, folder).written.read_text())
    assert written["favorites"] == [
        {
            "key": "huggingface:model:openai-community/gpt2",
            "deleted": True,
            "modified_at": clock.now(),
        }
    ]
    report = sync_round(b, folder)
    assert {(c.section, c.action) for c in report.applied} == {
        ("favorites", "removed"),
        ("profiles", "removed"),
        ("settings", "removed"),
    }
    assert favorites(b) == {} and profiles(b) == {} and setting(b, "theme") is None
    # and it does not come back from b's old file
    assert sync_round(a, folder).applied == []
    assert favorites(a) == {}


def test_a_half_written_or_corrupt_file_is_skipped_and_nothing_is_lost(
    a: Suite, b: Suite, tmp_path: Path, clock: ManualClock
) -> None:
    folder = tmp_path / "Sync"
    fav(a, GPT2)
    report_a = sync_round(a, folder)
    whole = report_a.written.read_text()
    report_a.written.write_text(whole[: len(whole) // 2])  # the cloud drive is mid-copy
    (folder / "machine-zz.json").write_bytes(b"\x00\xff garbage")
    fav(b, TINY)
    report = sync_round(b, folder)
    assert sorted(p.name for p, _ in report.skipped_files) == sorted(
        [report_a.written.name, "machine-zz.json"]
    )
    assert report.applied == [] and favorites(b) == {"org/tiny": None}
    report_a.written.write_text(whole)  # the copy finished
    clock.advance(5)
    report = sync_round(b, folder)
    assert [c.action for c in report.applied] == ["added"]
    assert favorites(b) == {"openai-community/gpt2": None, "org/tiny": None}
    assert favorites(a) == {"openai-community/gpt2": None}


def test_machine_files_are_written_atomically_and_only_when_they_change(
    a: Suite, tmp_path: Path, clock: ManualClock
) -> None:
    folder = tmp_path / "Sync"
    fav(a, GPT2)
    report = sync_round(a, folder)
    assert [p.name for p in folder.iterdir()] == [report.written.name]  # no temporary left
    assert read_document(report.written).machine_id == report.machine_id
    text = report.written.read_text()
    clock.advance(3600)
    again = sync_round(a, folder)
    assert again.unchanged and again.written.read_text() == text
    fav(a, TINY)
    assert not sync_round(a, folder).unchanged
    assert "org/tiny" in report.written.read_text()


def test_a_file_in_place_of_the_folder_is_refused(a: Suite, tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        sync_round(a, tmp_path / "f")


def test_a_machine_that_has_not_caught_up_is_no_conflict(
    a: Suite, b: Suite, tmp_path: Path, clock: ManualClock
) -> None:
    c = make_suite(tmp_path / "c", clock)
    folder = tmp_path / "Sync"
    a.store.set("theme", "system")
    for suite in (a, b, c):
        sync_round(suite, folder)
    clock.advance(60)
    a.store.set("theme", "dark")
    sync_round(a, folder)
    sync_round(b, folder)
    clock.advance(60)
    b.store.set("theme", "light")  # c's file still says "system": old, not a change
    report = sync_round(b, folder)
    assert report.conflicts == [] and report.applied == []
    assert sync_round(c, folder).applied[0].new == "light"
    assert [c.new for c in sync_round(a, folder).applied] == ["light"]
