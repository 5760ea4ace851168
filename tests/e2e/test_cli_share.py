"""`hfsuite share` end to end: ComfyUI's extra_model_paths.yaml for an A1111 install (dry run,
write, backup, idempotence), links into another tool's folders, and the mistakes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "integrations"))
from tools_layouts import a1111, comfyui, touch

QUIET = {"OLLAMA_MODELS": "", "INVOKEAI_ROOT": "", "COMMANDLINE_ARGS": ""}

USER_YAML = "# mine\nnas:\n    base_path: /mnt/nas   # keep\n    loras: loras\n"


def _tools(home: Path) -> tuple[Path, Path]:
    comfy = comfyui(home / "ComfyUI")
    webui = a1111(home / "stable-diffusion-webui")
    touch(webui / "models" / "Lora" / "style.safetensors", "L" * 64)
    touch(webui / "models" / "Stable-diffusion" / "sd15.safetensors", "C" * 128)
    return comfy, webui


def test_share_writes_the_comfyui_section_after_a_dry_run(hfsuite_cmd, sandbox: Path) -> None:  # type: ignore[no-untyped-def]
    comfy, webui = _tools(sandbox)
    yaml_file = touch(comfy / "extra_model_paths.yaml", USER_YAML)

    dry = hfsuite_cmd("share", "--from", "a1111", "--to", "comfyui", "--dry-run", env=QUIET)
    assert dry.returncode == 0, dry.stderr
    assert "+hfsuite_a1111:" in dry.stdout and f"+    base_path: {webui}" in dry.stdout
    assert "+    loras: models/Lora" in dry.stdout
    assert "Dry run" in dry.stdout
    assert yaml_file.read_text() == USER_YAML
    assert not list(comfy.glob("extra_model_paths.yaml.bak-*"))

    refused = hfsuite_cmd("share", "--from", "a1111", "--to", "comfyui", env=QUIET)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert yaml_file.read_text() == USER_YAML

    done = hfsuite_cmd("share", "--from", "a1111", "--to", "comfyui", "--yes", env=QUIET)
    assert done.returncode == 0, done.stderr
    text = yaml_file.read_text()
    assert text.startswith(USER_YAML) and "hfsuite_a1111:" in text
    assert [p.read_text() for p in comfy.glob("extra_model_paths.yaml.bak-*")] == [USER_YAML]

    again = hfsuite_cmd("share", "--from", "a1111", "--to", "comfyui", "--yes", env=QUIET)
    assert again.returncode == 0 and "nothing to change" in again.stdout
    assert yaml_file.read_text() == text

    listed = hfsuite_cmd("tools", "ls", env=QUIET)
    assert str(webui / "models" / "Lora") in listed.stdout


def test_share_links_and_reports_conflicts(hfsuite_cmd, sandbox: Path) -> None:  # type: ignore[no-untyped-def]
    comfy, webui = _tools(sandbox)
    touch(comfy / "models" / "checkpoints" / "sd15.safetensors", "other")
    args = ("share", "--from", "a1111", "--to", "comfyui", "--link", "hardlink")
    done = hfsuite_cmd(*args, "--kinds", "loras,checkpoints", "--yes", env=QUIET)
    assert done.returncode == 0, done.stderr
    assert "conflict" in done.stderr and "sd15.safetensors" in done.stderr
    assert "Linked 1 file" in done.stdout
    linked = comfy / "models" / "loras" / "style.safetensors"
    assert os.path.samefile(linked, webui / "models" / "Lora" / "style.safetensors")
    assert (comfy / "models" / "checkpoints" / "sd15.safetensors").read_text() == "other"
    again = hfsuite_cmd(*args, "--kinds", "loras", "--yes", env=QUIET)
    assert again.returncode == 0 and "0 files to hard-link" in again.stdout
    assert "1 file already there" in again.stdout


def test_share_mistakes_exit_2_with_one_line(hfsuite_cmd, sandbox: Path) -> None:  # type: ignore[no-untyped-def]
    _tools(sandbox)
    cases = [
        (("--from", "a1111", "--to", "comfyu"), "Did you mean comfyui"),
        (("--from", "comfyui", "--to", "comfyui"), "same tool"),
        (("--from", "comfyui", "--to", "a1111"), "Only ComfyUI reads"),
        (("--from", "a1111", "--to", "comfyui", "--kinds", "lora"), "Did you mean loras"),
        (("--from", "a1111", "--to", "comfyui", "--link", "copy"), "not a link mode"),
    ]
    for args, message in cases:
        result = hfsuite_cmd("share", *args, "--yes", env=QUIET)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
