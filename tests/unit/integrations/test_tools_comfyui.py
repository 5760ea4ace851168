"""ComfyUI detection: git install, Windows portable, Desktop app, comfy-cli workspaces, and the
model folders ComfyUI itself would search."""

from __future__ import annotations

from pathlib import Path

import pytest
from tools_layouts import comfyui, comfyui_portable, git_repo, touch

from hfsuite.integrations.tools.detect import detect_all, detect_at
from hfsuite.integrations.tools.host import Host


def host(home: Path, platform: str = "linux", **env: str) -> Host:
    return Host(home=home, env=env, platform=platform, system=False)  # type: ignore[arg-type]


def test_a_git_install_with_extra_model_paths(tmp_path: Path) -> None:
    home = tmp_path / "home"
    root = comfyui(home / "ComfyUI")
    git_repo(root, "a" * 40, tag="v0.3.60")
    (root / "comfyui_version.py").unlink()
    shared = tmp_path / "shared"
    (shared / "loras").mkdir(parents=True)
    touch(
        root / "extra_model_paths.yaml",
        "# my models\nshared:\n    base_path: " + str(shared) + "\n    is_default: true\n"
        "    loras: loras\n    unet: unet\nwebui:\n    base_path: ../webui\n"
        "    checkpoints: models/Stable-diffusion\n    custom_nodes: custom_nodes\n",
    )
    [tool] = detect_all(host(home)).tools
    models = root / "models"
    assert (tool.name, tool.kind, tool.version, tool.root, tool.variant) == (
        "comfyui",
        "comfyui",
        "v0.3.60",
        root,
        "git",
    )
    assert tool.folders["loras"] == [shared / "loras", models / "loras"]
    assert tool.default_folder["loras"] == shared / "loras"
    assert tool.folders["diffusion_models"] == [
        shared / "unet",
        models / "unet",
        models / "diffusion_models",
    ]
    assert tool.folders["checkpoints"] == [
        models / "checkpoints",
        home / "webui" / "models" / "Stable-diffusion",
    ]
    assert tool.default_folder["checkpoints"] == models / "checkpoints"
    # ComfyUI searches models/unet first; new files go to today's folder name
    assert tool.default_folder["text_encoders"] == models / "text_encoders"
    assert "custom_nodes" not in tool.folders
    assert tool.config_files == [root / "extra_model_paths.yaml"]
    assert any(str(shared / "unet") in n and "does not exist" in n for n in tool.notes)


def test_version_from_the_version_file_then_pyproject(tmp_path: Path) -> None:
    root = comfyui(tmp_path / "c", version="0.3.70")
    assert detect_at(root, host(tmp_path))
    assert detect_at(root, host(tmp_path)).version == "0.3.70"  # type: ignore[union-attr]
    (root / "comfyui_version.py").unlink()
    touch(root / "pyproject.toml", '[project]\nname = "ComfyUI"\nversion = "0.3.71"\n')
    assert detect_at(root, host(tmp_path)).version == "0.3.71"  # type: ignore[union-attr]


def test_windows_portable_with_a_launch_script_config(tmp_path: Path) -> None:
    home = tmp_path / "home"
    portable = home / "Desktop" / "ComfyUI_windows_portable"
    extra = portable / "more_paths.yaml"
    root = comfyui_portable(portable, bat_args=f'--extra-model-paths-config "{extra}"')
    touch(extra, "more:\n  vae: D:/models/vae\n")
    [tool] = detect_all(host(home, "windows", USERPROFILE=str(home))).tools
    assert tool.root == root
    assert tool.variant == "portable"
    assert tool.folders["vae"][0] == root / "models" / "vae"
    assert len(tool.folders["vae"]) == 2
    assert portable / "run_nvidia_gpu.bat" in tool.config_files
    assert extra in tool.config_files


def test_the_portable_folder_itself_can_be_given(tmp_path: Path) -> None:
    portable = tmp_path / "ComfyUI_windows_portable"
    root = comfyui_portable(portable)
    tool = detect_at(portable, host(tmp_path, "windows"), "comfyui")
    assert tool is not None and tool.root == root and tool.variant == "portable"


@pytest.mark.parametrize(
    ("platform", "user_data"),
    [
        ("windows", "AppData/Roaming/ComfyUI"),
        ("darwin", "Library/Application Support/ComfyUI"),
        ("linux", ".config/ComfyUI"),
    ],
)
def test_the_desktop_app(tmp_path: Path, platform: str, user_data: str) -> None:
    home = tmp_path / "home"
    base = home / "Documents" / "ComfyUI"
    (base / "models" / "checkpoints").mkdir(parents=True)
    (base / "user").mkdir()
    data = home / user_data
    touch(data / "config.json", '{"installState": "installed", "basePath": "' + str(base) + '"}')
    touch(
        data / "extra_models_config.yaml",
        f"comfyui_desktop:\n  is_default: true\n  base_path: {base}\n"
        "  checkpoints: models/checkpoints/\n  loras: models/loras/\n",
    )
    if platform == "windows":
        code = home / "AppData/Local/Programs/@comfyorgcomfyui-electron/resources/ComfyUI"
        comfyui(code, version="0.3.65", models=False)
    [tool] = detect_all(host(home, platform)).tools
    assert (tool.name, tool.variant, tool.root) == ("comfyui-desktop", "desktop", base)
    assert tool.version == ("0.3.65" if platform == "windows" else None)
    assert tool.default_folder["checkpoints"] == base / "models" / "checkpoints"
    assert tool.folders["checkpoints"] == [base / "models" / "checkpoints"]
    assert data / "extra_models_config.yaml" in tool.config_files


def test_comfy_cli_default_workspace(tmp_path: Path) -> None:
    home = tmp_path / "home"
    workspace = tmp_path / "elsewhere" / "comfy"
    root = comfyui(workspace / "ComfyUI")
    touch(
        home / ".config" / "comfy-cli" / "config.ini",
        f"[DEFAULT]\ndefault_workspace = {workspace}\nenable_tracking = False\n",
    )
    [tool] = detect_all(host(home)).tools
    assert tool.root == root
    assert tool.variant == "comfy-cli"


def test_comfy_cli_default_location_on_windows(tmp_path: Path) -> None:
    home = tmp_path / "home"
    local = tmp_path / "local"
    root = comfyui(home / "comfy" / "ComfyUI")
    touch(local / "comfy-cli" / "config.ini", "not an ini file at all [")
    tools = detect_all(host(home, "windows", LOCALAPPDATA=str(local))).tools
    assert [t.root for t in tools] == [root]


def test_broken_yaml_and_odd_values_are_notes(tmp_path: Path) -> None:
    root = comfyui(tmp_path / "ComfyUI")
    touch(root / "extra_model_paths.yaml", "a: [broken\n")
    tool = detect_at(root, host(tmp_path))
    assert tool is not None
    assert tool.folders["loras"] == [root / "models" / "loras"]
    assert any("not valid YAML" in n for n in tool.notes)


def test_an_unreadable_yaml_is_a_note(tmp_path: Path) -> None:
    root = comfyui(tmp_path / "ComfyUI")
    (root / "extra_model_paths.yaml").mkdir()  # a folder where the file should be
    tool = detect_at(root, host(tmp_path))
    assert tool is not None and tool.folders["vae"] == [root / "models" / "vae"]


def test_a_non_utf8_yaml_is_read_with_a_note(tmp_path: Path) -> None:
    root = comfyui(tmp_path / "ComfyUI")
    (root / "extra_model_paths.yaml").write_bytes(b"a:\n  vae: /m/v\xe9\n")
    tool = detect_at(root, host(tmp_path))
    assert tool is not None
    assert any("not UTF-8" in n for n in tool.notes)
    assert len(tool.folders["vae"]) == 2


def test_a_folder_without_the_markers_is_no_comfyui(tmp_path: Path) -> None:
    touch(tmp_path / "x" / "main.py")
    (tmp_path / "x" / "models").mkdir()
    assert detect_at(tmp_path / "x", host(tmp_path), "comfyui") is None
    assert detect_at(tmp_path / "missing", host(tmp_path)) is None


def test_the_desktop_app_known_from_its_yaml_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    base = tmp_path / "Comfy Base"
    (base / "models").mkdir(parents=True)
    touch(
        home / ".config" / "ComfyUI" / "extra_models_config.yaml",
        f"comfyui_desktop:\n  base_path: {base}\n  is_default: true\n  loras: models/loras/\n",
    )
    [tool] = detect_all(host(home)).tools
    assert (tool.root, tool.variant) == (base, "desktop")
    assert tool.default_folder["loras"] == base / "models" / "loras"


def test_comfy_cli_launch_extras_add_a_config_and_move_the_base(tmp_path: Path) -> None:
    home = tmp_path / "home"
    root = comfyui(home / "comfy" / "ComfyUI")
    data = tmp_path / "data"
    (data / "models" / "loras").mkdir(parents=True)
    touch(data / "paths.yaml", "x:\n  loras: /shared/loras\n")
    touch(
        home / ".config" / "comfy-cli" / "config.ini",
        f"[DEFAULT]\ndefault_launch_extras = --base-directory {data} "
        f"--extra-model-paths-config {data / 'paths.yaml'} --listen\n",
    )
    [tool] = detect_all(host(home)).tools
    assert (tool.root, tool.variant) == (root, "comfy-cli")
    assert tool.folders["loras"] == [data / "models" / "loras", Path("/shared/loras")]
    assert home / ".config" / "comfy-cli" / "config.ini" in tool.config_files
