"""InvokeAI, Fooocus, LM Studio, Ollama and Stability Matrix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tools_layouts import fooocus, invokeai, stability_matrix, touch

from hfsuite.integrations.tools.detect import detect_all, detect_at
from hfsuite.integrations.tools.host import Host


def host(home: Path, platform: str = "linux", **env: str) -> Host:
    return Host(home=home, env=env, platform=platform, system=False)  # type: ignore[arg-type]


def test_invokeai_from_its_env_var_with_a_moved_models_dir(tmp_path: Path) -> None:
    root = invokeai(tmp_path / "ai", yaml="schema_version: 4.0.2\nmodels_dir: ../store\n")
    store = tmp_path / "store"
    (store / "sdxl" / "lora").mkdir(parents=True)
    [tool] = detect_all(host(tmp_path / "home", INVOKEAI_ROOT=str(root))).tools
    assert (tool.kind, tool.version) == ("invokeai", "5.6.0")
    assert tool.folders == {"loras": [store / "sdxl" / "lora"]}
    assert tool.default_folder == {}  # files are installed through InvokeAI, never dropped in
    assert any("Model Manager" in n for n in tool.notes)


def test_invokeai_in_the_home_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    root = invokeai(home / "invokeai")
    [tool] = detect_all(host(home, "windows", USERPROFILE=str(home))).tools
    assert tool.folders["checkpoints"] == [root / "models" / "sdxl" / "main"]
    assert tool.folders["embeddings"] == [root / "models" / "sd-1" / "embedding"]
    assert tool.folders["clip_vision"] == [root / "models" / "any" / "clip_vision"]


def test_fooocus_config_txt(tmp_path: Path) -> None:
    home = tmp_path / "home"
    config = {"path_checkpoints": ["/m/a", "/m/b"], "path_loras": "../loras", "path_vae": 3}
    root = fooocus(home / "Fooocus", config=config)
    [tool] = detect_all(host(home)).tools
    assert (tool.kind, tool.version) == ("fooocus", "2.5.5")
    assert tool.folders["checkpoints"] == [Path("/m/a"), Path("/m/b")]
    assert tool.folders["loras"] == [home / "loras"]
    assert tool.folders["vae"] == [root / "models" / "vae"]
    assert any("'path_vae'" in n for n in tool.notes)


def test_fooocus_windows_download_folder_and_broken_config(tmp_path: Path) -> None:
    root = fooocus(tmp_path / "Fooocus_win64" / "Fooocus", config="{broken")
    tool = detect_at(tmp_path / "Fooocus_win64", host(tmp_path))
    assert tool is not None and tool.root == root
    assert tool.folders["embeddings"] == [root / "models" / "embeddings"]
    assert any("not valid JSON" in n for n in tool.notes)


@pytest.mark.parametrize("platform", ["linux", "darwin", "windows"])
def test_lmstudio_default_and_moved_models(tmp_path: Path, platform: str) -> None:
    home = tmp_path / "home"
    (home / ".lmstudio" / "models").mkdir(parents=True)
    [tool] = detect_all(host(home, platform, USERPROFILE=str(home))).tools
    assert tool.folders == {"llm": [home / ".lmstudio" / "models"]}
    assert tool.default_folder == {"llm": home / ".lmstudio" / "models"}
    touch(home / ".lmstudio" / "settings.json", json.dumps({"downloadsFolder": "/big/models"}))
    [tool] = detect_all(host(home, platform)).tools
    assert tool.default_folder == {"llm": Path("/big/models")}
    assert any("two folders down" in n for n in tool.notes)


def test_lmstudio_legacy_cache_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".cache" / "lm-studio" / "models").mkdir(parents=True)
    [tool] = detect_all(host(home)).tools
    assert (tool.kind, tool.variant) == ("lmstudio", "legacy")


def test_ollama_from_ollama_models_and_the_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".ollama" / "models" / "manifests").mkdir(parents=True)
    moved = tmp_path / "moved"
    (moved / "blobs").mkdir(parents=True)
    tools = detect_all(host(home, OLLAMA_MODELS=str(moved))).tools
    assert [(t.name, t.root) for t in tools] == [
        ("ollama", moved),
        ("ollama-2", home / ".ollama" / "models"),
    ]
    assert tools[0].default_folder == {}
    assert any("OLLAMA_MODELS" in n for n in tools[0].notes)


def test_ollama_models_naming_a_missing_folder_is_ignored(tmp_path: Path) -> None:
    assert detect_all(host(tmp_path, OLLAMA_MODELS=str(tmp_path / "nope"))).tools == []


def test_stability_matrix_library_json_and_its_packages(tmp_path: Path) -> None:
    home = tmp_path / "home"
    library = stability_matrix(tmp_path / "SMData")
    touch(
        home / ".config" / "StabilityMatrix" / "library.json",
        json.dumps({"LibraryPath": str(library)}),
    )
    tools = {t.kind: t for t in detect_all(host(home)).tools}
    assert set(tools) == {"stability-matrix", "comfyui", "forge"}
    sm = tools["stability-matrix"]
    assert sm.root == library
    assert sm.folders["loras"] == [library / "Models" / "Lora", library / "Models" / "LyCORIS"]
    assert sm.default_folder["checkpoints"] == library / "Models" / "StableDiffusion"
    assert any("'..'" in n for n in sm.notes)
    comfy = tools["comfyui"]
    assert comfy.variant == "stability-matrix"
    assert comfy.version == "abcdef0"
    assert comfy.folders["checkpoints"][-1] == library / "Models" / "StableDiffusion"
    assert tools["forge"].version == "f2.0.1"


def test_stability_matrix_portable_and_model_override(tmp_path: Path) -> None:
    app = tmp_path / "StabilityMatrix"
    library = stability_matrix(app / "Data", override="/models/shared", portable=True)
    tool = detect_at(app, host(tmp_path), "stability-matrix")
    assert tool is not None and tool.root == library and tool.variant == "portable"
    assert tool.default_folder["vae"] == Path("/models/shared/VAE")
    assert any("/models/shared" in n and "does not exist" in n for n in tool.notes)


def test_stability_matrix_on_windows_appdata(tmp_path: Path) -> None:
    home = tmp_path / "home"
    appdata = tmp_path / "roaming"
    library = stability_matrix(tmp_path / "Lib")
    touch(appdata / "StabilityMatrix" / "library.json", json.dumps({"LibraryPath": str(library)}))
    tools = detect_all(host(home, "windows", APPDATA=str(appdata))).tools
    assert "stability-matrix" in {t.kind for t in tools}


def test_stability_matrix_broken_settings(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    touch(library / "settings.json", "[1, 2")
    (library / "Models").mkdir()
    tool = detect_at(library, host(tmp_path))
    assert tool is not None and tool.kind == "stability-matrix"
    assert any("not valid JSON" in n for n in tool.notes)


def test_stability_matrix_library_dir_in_its_settings(tmp_path: Path) -> None:
    home = tmp_path / "home"
    library = stability_matrix(tmp_path / "Elsewhere")
    touch(
        home / ".config" / "StabilityMatrix" / "settings.json",
        json.dumps({"LibraryDir": str(library)}),
    )
    kinds = {t.kind: t.root for t in detect_all(host(home)).tools}
    assert kinds["stability-matrix"] == library


def test_a_folder_with_only_models_is_no_lm_studio_unless_the_type_says_so(tmp_path: Path) -> None:
    # A ComfyUI base folder (models/, custom_nodes/, no code) was added as LM Studio.
    base = tmp_path / "ComfyUI"
    (base / "models" / "loras").mkdir(parents=True)
    (base / "custom_nodes").mkdir()
    assert detect_at(base, host(tmp_path)) is None
    tool = detect_at(base, host(tmp_path), "lmstudio")
    assert tool is not None and tool.kind == "lmstudio"


@pytest.mark.parametrize("layout", ["settings", "named", "inside"])
def test_an_lm_studio_home_is_found_without_its_type(tmp_path: Path, layout: str) -> None:
    if layout == "settings":
        home = tmp_path / "lms"
        (home / "models").mkdir(parents=True)
        touch(home / "settings.json", "{}")
    elif layout == "named":
        home = tmp_path / ".lmstudio"
        (home / "models").mkdir(parents=True)
    else:
        home = tmp_path / "me"
        (home / ".lmstudio" / "models").mkdir(parents=True)
    tool = detect_at(home, host(tmp_path))
    assert tool is not None and tool.kind == "lmstudio"
