"""app.tools: the added folders (tools.json), add/rm and their errors, backups, destinations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tools_layouts import comfyui, fooocus, touch

from hfsuite.app.tools import ToolRegistry, backup_file, destination_for, write_with_backup
from hfsuite.core.destination import DestinationKind
from hfsuite.core.errors import UsageError
from hfsuite.integrations.tools.host import Host
from hfsuite.integrations.tools.model import DetectedTool


@pytest.fixture
def registry(tmp_path: Path) -> ToolRegistry:
    home = tmp_path / "h"
    home.mkdir()
    return ToolRegistry(tmp_path / "config", Host(home=home, system=False))


def test_add_finds_the_type_stores_the_install_and_names_it(
    registry: ToolRegistry, tmp_path: Path
) -> None:
    root = fooocus(tmp_path / "apps" / "Fooocus")
    change = registry.add(tmp_path / "apps")  # the folder holding it is enough
    assert (change.action, change.changed, change.name, change.path) == (
        "add",
        True,
        "fooocus",
        root,
    )
    stored = json.loads(registry.path.read_text())
    assert stored == {
        "version": 1,
        "tools": [{"name": "fooocus", "kind": "fooocus", "path": str(root)}],
    }
    again = registry.add(root)
    assert (again.changed, again.name) == (False, "fooocus")
    assert [t.name for t in registry.detect().tools] == ["fooocus"]


def test_a_second_install_of_a_kind_gets_a_numbered_name(
    registry: ToolRegistry, tmp_path: Path
) -> None:
    comfyui(registry.host.home / "ComfyUI")
    change = registry.add(comfyui(tmp_path / "srv" / "ComfyUI"), "comfyui")
    assert change.name == "comfyui-2"
    names = {t.name: t.root for t in registry.detect().tools}
    assert names == {
        "comfyui": registry.host.home / "ComfyUI",
        "comfyui-2": tmp_path / "srv" / "ComfyUI",
    }


@pytest.mark.parametrize(
    ("make", "kind", "message"),
    [
        (lambda p: p / "missing", None, "No such folder"),
        (lambda p: touch(p / "file.txt"), None, "is a file, not a folder"),
        (lambda p: (p / "empty").mkdir() or p / "empty", None, "not a folder of a known tool"),
        (lambda p: comfyui(p / "c"), "fooocus", "does not hold Fooocus; looked for"),
        (lambda p: comfyui(p / "c"), "paint", "Unknown tool type"),
    ],
)
def test_add_mistakes_are_usage_errors(
    registry: ToolRegistry, tmp_path: Path, make: object, kind: str | None, message: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(UsageError, match=message) as caught:
        registry.add(path, kind)
    assert caught.value.hint
    assert not registry.path.exists()


def test_the_non_tool_error_names_what_was_looked_for(
    registry: ToolRegistry, tmp_path: Path
) -> None:
    (tmp_path / "x").mkdir()
    with pytest.raises(UsageError) as caught:
        registry.add(tmp_path / "x")
    for marker in ("folder_paths.py", "invokeai.yaml", "modules_forge", "manifests"):
        assert marker in caught.value.message


def test_rm_by_name_and_by_path(registry: ToolRegistry, tmp_path: Path) -> None:
    root = fooocus(tmp_path / "F")
    registry.add(root)
    assert registry.remove("fooocus").path == root
    assert json.loads(registry.path.read_text())["tools"] == []
    registry.add(root)
    assert registry.remove(str(tmp_path / "F" / ".." / "F")).name == "fooocus"
    inner = fooocus(tmp_path / "download" / "Fooocus")
    registry.add(tmp_path / "download")
    assert registry.remove(str(tmp_path / "download")).path == inner


def test_rm_mistakes(registry: ToolRegistry, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="No added tool is named or at 'nope'"):
        registry.remove("nope")
    comfyui(registry.host.home / "ComfyUI")
    with pytest.raises(UsageError, match="found in a usual place, not added"):
        registry.remove("comfyui")


def test_a_broken_tools_file_is_a_warning_and_kept_before_it_is_replaced(
    registry: ToolRegistry, tmp_path: Path
) -> None:
    touch(registry.path, "{not json")
    assert registry.detect().tools == []
    assert "not valid JSON" in registry.warnings[0]
    registry.add(fooocus(tmp_path / "F"))
    backups = list(registry.path.parent.glob("tools.json.bak-*"))
    assert [b.read_text() for b in backups] == ["{not json"]


def test_bad_entries_are_skipped_with_a_warning(registry: ToolRegistry, tmp_path: Path) -> None:
    root = fooocus(tmp_path / "F")
    entries = [
        {"path": str(root), "kind": "fooocus", "name": "ok"},
        {"path": 3},
        {"path": "/x", "kind": "paint"},
        "x",
    ]
    touch(registry.path, json.dumps({"version": 1, "tools": entries}))
    assert [t.name for t in registry.detect().tools] == ["ok"]
    assert len(registry.warnings) == 3


def test_write_with_backup_keeps_the_old_file(tmp_path: Path) -> None:
    path = touch(tmp_path / "extra_model_paths.yaml", "old: 1\n")
    backup = write_with_backup(path, "new: 2\n", now=0.0)
    assert path.read_text() == "new: 2\n"
    assert backup is not None and backup.read_text() == "old: 1\n"
    second = backup_file(path, now=0.0)
    assert second is not None and second != backup and second.name.endswith("~1")
    assert write_with_backup(tmp_path / "fresh.yaml", "x: 1\n") is None


def test_destination_for_a_tool_folder(tmp_path: Path) -> None:
    tool = DetectedTool(
        "comfyui-2",
        "comfyui",
        None,
        tmp_path,
        folders={"loras": [tmp_path / "l"], "llm": [tmp_path / "m"]},
        default_folder={"loras": tmp_path / "l", "llm": tmp_path / "m"},
    )
    dest = destination_for(tool, "loras")
    assert (dest.kind, dest.tool, dest.model_kind, dest.path) == (
        DestinationKind.TOOL_FOLDER,
        "comfyui-2",
        "loras",
        tmp_path / "l",
    )
    assert destination_for(tool, "llm").kind is DestinationKind.FOLDER
    with pytest.raises(UsageError, match="no folder for vae"):
        destination_for(tool, "vae")
