"""detect_all: names, added folders, duplicates, and odd input that must never raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from tools_layouts import a1111, comfyui, fooocus, touch

from hfsuite.integrations.tools.detect import MARKERS, AddedPath, detect_all, detect_at
from hfsuite.integrations.tools.host import Host
from hfsuite.integrations.tools.model import TOOL_KINDS


def host(home: Path, platform: str = "linux", **env: str) -> Host:
    return Host(home=home, env=env, platform=platform, system=False)  # type: ignore[arg-type]


def test_an_empty_home_has_no_tools(tmp_path: Path) -> None:
    detection = detect_all(host(tmp_path))
    assert detection.tools == [] and detection.problems == []
    assert tmp_path / "ComfyUI" in detection.searched


def test_names_are_unique_and_added_folders_keep_theirs(tmp_path: Path) -> None:
    home = tmp_path / "home"
    comfyui(home / "ComfyUI")
    second = comfyui(tmp_path / "srv" / "ComfyUI")
    third = comfyui(tmp_path / "other" / "ComfyUI")
    added = [AddedPath(second, "comfyui", "comfyui"), AddedPath(third, None, "work")]
    detection = detect_all(host(home), added)
    names = {t.name: t.root for t in detection.tools}
    assert names == {"comfyui": second, "work": third, "comfyui-2": home / "ComfyUI"}
    assert detection.added == {"comfyui", "work"}


def test_a_tool_found_twice_is_listed_once_as_added(tmp_path: Path) -> None:
    home = tmp_path / "home"
    root = a1111(home / "stable-diffusion-webui")
    detection = detect_all(host(home), [AddedPath(root, "a1111", "mine")])
    assert [(t.name, t.root) for t in detection.tools] == [("mine", root)]


def test_an_added_folder_that_is_gone_is_a_problem(tmp_path: Path) -> None:
    detection = detect_all(host(tmp_path), [AddedPath(tmp_path / "gone", "fooocus", "fooocus")])
    assert detection.tools == []
    assert "no longer holds Fooocus" in detection.problems[0]


def test_tools_are_listed_in_kind_order(tmp_path: Path) -> None:
    home = tmp_path / "home"
    fooocus(home / "Fooocus")
    a1111(home / "stable-diffusion-webui")
    comfyui(home / "ComfyUI")
    assert [t.kind for t in detect_all(host(home)).tools] == ["comfyui", "a1111", "fooocus"]


def test_every_kind_has_a_marker_text_and_a_detector() -> None:
    assert set(MARKERS) == set(TOOL_KINDS)
    with pytest.raises(ValueError, match="unknown tool kind"):
        detect_at(Path("/"), host(Path("/")), "paint")


def test_a_file_is_no_tool(tmp_path: Path) -> None:
    assert detect_at(touch(tmp_path / "f"), host(tmp_path)) is None


def test_an_unreadable_config_is_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = comfyui(tmp_path / "ComfyUI")
    yaml = touch(root / "extra_model_paths.yaml", "a:\n  vae: /v\n")
    real = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == yaml:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    tool = detect_at(root, host(tmp_path))
    assert tool is not None and tool.folders["vae"] == [root / "models" / "vae"]
    assert any("cannot be read (Permission denied)" in n for n in tool.notes)


def test_a_symlink_loop_and_odd_names_do_not_raise(tmp_path: Path) -> None:
    home = tmp_path / "h"
    home.mkdir()
    (home / "ComfyUI").symlink_to(home / "ComfyUI")
    (home / "invokeai").symlink_to(tmp_path / "nowhere")
    root = comfyui(tmp_path / "c")
    touch(
        root / "extra_model_paths.yaml", 'a:\n  vae: "/x/\\u0000y"\n  loras: ' + "x/" * 3000 + "\n"
    )
    assert detect_all(host(home)).tools == []
    tool = detect_at(root, host(home))
    assert tool is not None and any("NUL" in n for n in tool.notes)


def test_a_huge_config_is_not_read(tmp_path: Path) -> None:
    root = comfyui(tmp_path / "c")
    with open(root / "extra_model_paths.yaml", "wb") as fh:
        fh.truncate(5 * 1024 * 1024)
    tool = detect_at(root, host(tmp_path))
    assert tool is not None and any("too large" in n for n in tool.notes)


def test_expand_uses_the_given_home_and_env(tmp_path: Path) -> None:
    h = host(tmp_path, "windows", MODELS="D:\\m", USERPROFILE="C:\\Users\\u")
    assert h.expand("~/x") == f"{tmp_path}/x"
    assert h.expand("%models%\\sd") == "D:\\m\\sd"
    assert h.expand("$MODELS/a ${MODELS} $NOPE") == "D:\\m/a D:\\m $NOPE"
    assert host(tmp_path).expand("%MODELS%") == "%MODELS%"
    assert h.appdata == tmp_path / "AppData" / "Roaming"
