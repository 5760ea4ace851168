"""A1111, Forge and SD.Next: markers, launch-script options, Forge's shared folders."""

from __future__ import annotations

from pathlib import Path

from tools_layouts import a1111, comfyui, git_repo, sdnext, touch

from hfsuite.integrations.tools.detect import detect_all, detect_at
from hfsuite.integrations.tools.host import Host


def host(home: Path, platform: str = "linux", **env: str) -> Host:
    return Host(home=home, env=env, platform=platform, system=False)  # type: ignore[arg-type]


def test_a1111_defaults_and_version_from_its_tag(tmp_path: Path) -> None:
    home = tmp_path / "home"
    root = a1111(home / "stable-diffusion-webui")
    git_repo(root, "b" * 40, tag="v1.10.1")
    [tool] = detect_all(host(home)).tools
    models = root / "models"
    assert (tool.kind, tool.version, tool.variant) == ("a1111", "v1.10.1", "git")
    assert tool.folders["checkpoints"] == [models / "Stable-diffusion"]
    assert tool.folders["loras"] == [models / "Lora", models / "LyCORIS"]
    assert tool.folders["embeddings"] == [root / "embeddings"]
    assert tool.default_folder["vae"] == models / "VAE"
    assert "text_encoders" not in tool.folders


def test_untagged_checkout_shows_branch_and_commit(tmp_path: Path) -> None:
    root = a1111(tmp_path / "webui")
    git_repo(root, "c" * 40, branch="dev")
    assert detect_at(root, host(tmp_path)).version == "dev@ccccccc"  # type: ignore[union-attr]


def test_launch_script_options_move_and_add_folders(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (tmp_path / "ckpt").mkdir()
    script = (
        "#!/bin/bash\n"
        '# export COMMANDLINE_ARGS="--lora-dir /commented/out"\n'
        f'export COMMANDLINE_ARGS="--xformers --ckpt-dir {tmp_path}/ckpt"\n'
        "export COMMANDLINE_ARGS=\"$COMMANDLINE_ARGS --lora-dir '"
        f"{tmp_path}/my loras' --embeddings-dir=../emb --data-dir {tmp_path}/data\"\n"
    )
    root = a1111(home / "stable-diffusion-webui", script=script)
    tool = detect_at(root, host(home))
    assert tool is not None
    data = tmp_path / "data"
    assert tool.folders["checkpoints"] == [tmp_path / "ckpt", data / "models" / "Stable-diffusion"]
    assert tool.default_folder["checkpoints"] == tmp_path / "ckpt"
    assert tool.folders["loras"] == [tmp_path / "my loras", data / "models" / "LyCORIS"]
    assert tool.folders["embeddings"] == [home / "emb"]
    assert root / "webui-user.sh" in tool.config_files
    assert any("'..'" in n for n in tool.notes)
    assert any(str(tmp_path / "my loras") in n and "does not exist" in n for n in tool.notes)


def test_windows_bat_options(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bat = (
        "@echo off\r\n"
        "rem set COMMANDLINE_ARGS=--vae-dir C:\\old\r\n"
        'set COMMANDLINE_ARGS=--vae-dir "D:\\My Models\\VAE" --lora-dir D:\\loras\r\n'
        "call webui.bat\r\n"
    )
    root = a1111(home / "stable-diffusion-webui", bat=bat, script='export COMMANDLINE_ARGS=""\n')
    [tool] = detect_all(host(home, "windows", USERPROFILE=str(home))).tools
    assert tool.folders["vae"][0] == root / "D:\\My Models\\VAE"  # a Windows path, read on Linux
    assert tool.folders["loras"][0] == root / "D:\\loras"
    assert tool.config_files == [root / "webui-user.bat"]


def test_commandline_args_from_the_environment(tmp_path: Path) -> None:
    root = a1111(tmp_path / "w")
    tool = detect_at(root, host(tmp_path, COMMANDLINE_ARGS=f"--vae-dir {tmp_path}/v"))
    assert tool is not None and tool.default_folder["vae"] == tmp_path / "v"


def test_unbalanced_quotes_are_a_note(tmp_path: Path) -> None:
    root = a1111(tmp_path / "w", script="export COMMANDLINE_ARGS='--ckpt-dir \"/x\n")
    tool = detect_at(root, host(tmp_path))
    assert tool is not None and any("quotes" in n for n in tool.notes)


def test_forge_with_a1111_and_comfyui_homes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    old = a1111(tmp_path / "a1111")
    comfy = comfyui(tmp_path / "comfy")
    touch(comfy / "extra.yaml", "x:\n  ipadapter: /ip\n")
    script = (
        f"export COMMANDLINE_ARGS='--forge-ref-a1111-home {old} --forge-ref-comfy-home {comfy} "
        f"--forge-ref-comfy-yaml {comfy / 'extra.yaml'}'\n"
    )
    root = a1111(home / "stable-diffusion-webui-forge", forge=True, script=script)
    tools = {t.kind: t for t in detect_all(host(home)).tools}
    forge = tools["forge"]
    models = root / "models"
    assert forge.folders["checkpoints"] == [
        models / "Stable-diffusion",
        old / "models" / "Stable-diffusion",
        comfy / "models" / "checkpoints",
    ]
    assert forge.default_folder["checkpoints"] == models / "Stable-diffusion"
    assert forge.folders["text_encoders"] == [
        models / "text_encoder",
        comfy / "models/text_encoders",
    ]
    assert forge.folders["ipadapter"] == [Path("/ip")]
    assert comfy / "extra.yaml" in forge.config_files


def test_sdnext_settings_move_folders(tmp_path: Path) -> None:
    home = tmp_path / "home"
    root = sdnext(home / "automatic", config={"lora_dir": "/data/lora", "ckpt_dir": 5})
    [tool] = detect_all(host(home)).tools
    assert (tool.kind, tool.version) == ("sdnext", "2025.11.3")
    assert tool.folders["loras"] == [Path("/data/lora")]
    assert tool.folders["embeddings"] == [root / "models" / "embeddings"]
    assert tool.folders["checkpoints"] == [root / "models" / "Stable-diffusion"]


def test_sdnext_broken_settings_are_a_note(tmp_path: Path) -> None:
    root = sdnext(tmp_path / "sdnext")
    touch(root / "config.json", "{not json")
    tool = detect_at(root, host(tmp_path), "sdnext")
    assert tool is not None and any("not valid JSON" in n for n in tool.notes)


def test_kinds_are_told_apart(tmp_path: Path) -> None:
    assert detect_at(a1111(tmp_path / "a"), host(tmp_path)).kind == "a1111"  # type: ignore[union-attr]
    forge = a1111(tmp_path / "f", forge=True)
    assert detect_at(forge, host(tmp_path)).kind == "forge"  # type: ignore[union-attr]
    assert detect_at(forge, host(tmp_path), "a1111") is None
    assert detect_at(sdnext(tmp_path / "s"), host(tmp_path)).kind == "sdnext"  # type: ignore[union-attr]
