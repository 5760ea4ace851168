"""One home with every tool in its usual place, read as Linux, macOS and Windows would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tools_layouts import a1111, comfyui, fooocus, invokeai, sdnext, stability_matrix, touch

from hfsuite.integrations.tools.detect import detect_all
from hfsuite.integrations.tools.host import Host

SETTINGS = {
    # platform: (Desktop app's settings folder, Stability Matrix's settings folder)
    "linux": (".config/ComfyUI", ".config/StabilityMatrix"),
    "darwin": ("Library/Application Support/ComfyUI", ".config/StabilityMatrix"),
    "windows": ("AppData/Roaming/ComfyUI", "AppData/Roaming/StabilityMatrix"),
}


@pytest.mark.parametrize("platform", ["linux", "darwin", "windows"])
def test_every_tool_in_its_usual_place(tmp_path: Path, platform: str) -> None:
    home = tmp_path / f"home-{platform}"
    desktop_dir, sm_dir = SETTINGS[platform]
    if platform == "windows":
        comfy = comfyui(home / "Downloads" / "ComfyUI_windows_portable" / "ComfyUI")
        (comfy.parent / "python_embeded").mkdir()
    else:
        comfy = comfyui(home / "ComfyUI")
    base = home / "Documents" / "ComfyUI Desktop"
    (base / "models").mkdir(parents=True)
    touch(home / desktop_dir / "config.json", json.dumps({"basePath": str(base)}))
    webui = a1111(home / "stable-diffusion-webui")
    forge = a1111(home / "stable-diffusion-webui-forge", forge=True)
    next_ = sdnext(home / "automatic")
    invoke = invokeai(home / "invokeai")
    foo = fooocus(home / "Fooocus")
    (home / ".lmstudio" / "models").mkdir(parents=True)
    (home / ".ollama" / "models" / "blobs").mkdir(parents=True)
    library = stability_matrix(tmp_path / "SM-Library")
    touch(home / sm_dir / "library.json", json.dumps({"LibraryPath": str(library)}))

    host = Host(home=home, env={"USERPROFILE": str(home)}, platform=platform, system=False)  # type: ignore[arg-type]
    found = {t.name: (t.kind, t.root, t.variant) for t in detect_all(host).tools}

    assert found == {
        "comfyui": ("comfyui", comfy, "portable" if platform == "windows" else "folder"),
        "comfyui-desktop": ("comfyui", base, "desktop"),
        "comfyui-2": ("comfyui", library / "Packages" / "ComfyUI", "stability-matrix"),
        "a1111": ("a1111", webui, "folder"),
        "forge": ("forge", forge, "folder"),
        "forge-2": (
            "forge",
            library / "Packages" / "stable-diffusion-webui-forge",
            "stability-matrix",
        ),
        "sdnext": ("sdnext", next_, "folder"),
        "invokeai": ("invokeai", invoke, None),
        "fooocus": ("fooocus", foo, "folder"),
        "lmstudio": ("lmstudio", home / ".lmstudio", None),
        "ollama": ("ollama", home / ".ollama" / "models", None),
        "stability-matrix": ("stability-matrix", library, None),
    }
