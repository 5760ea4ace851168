"""Whatever a tool's config files hold, detection reports the tool (with notes) and never
raises: launch scripts, JSON settings, INI and YAML filled with arbitrary text."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tools_layouts import a1111, comfyui, fooocus, stability_matrix, touch

from hfsuite.integrations.tools.detect import detect_all, detect_at
from hfsuite.integrations.tools.host import Host, Notes
from hfsuite.integrations.tools.launch import commandline_args, option_values

BITS = st.sampled_from(
    [
        "export COMMANDLINE_ARGS=",
        "set COMMANDLINE_ARGS=",
        "--ckpt-dir ",
        "--lora-dir=",
        "--data-dir ",
        "--forge-ref-a1111-home ",
        "--forge-ref-comfy-yaml ",
        "$COMMANDLINE_ARGS",
        "%COMMANDLINE_ARGS%",
        '"',
        "'",
        "\\",
        "..",
        "/",
        "~",
        "\n",
        "\r\n",
        "#",
        "rem ",
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        '"LibraryPath"',
        '"downloadsFolder"',
        '"path_loras"',
        "null",
        "\x00",
        "é",
        "[DEFAULT]\ndefault_workspace = ",
    ]
)
TEXT = st.lists(BITS | st.text(max_size=6), max_size=25).map("".join)


@settings(max_examples=200, deadline=None)
@given(TEXT, st.booleans())
def test_launch_scripts_never_raise(text: str, windows: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        script = touch(Path(folder) / "webui-user.sh", text)
        args = commandline_args(script, Notes(), windows=windows) or []
        option_values(args, ["--ckpt-dir", "--lora-dir"], many=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, TEXT, TEXT)
def test_every_detector_survives_arbitrary_configs(script: str, json_text: str, yaml: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        home = root / "home"
        comfy = comfyui(home / "ComfyUI")
        touch(comfy / "extra_model_paths.yaml", yaml)
        a1111(home / "stable-diffusion-webui", forge=True, script=script)
        fooocus(home / "Fooocus", config=json_text)
        touch(home / ".lmstudio" / "settings.json", json_text)
        touch(home / ".config" / "comfy-cli" / "config.ini", script)
        touch(home / ".config" / "ComfyUI" / "config.json", json_text)
        touch(home / ".config" / "ComfyUI" / "extra_models_config.yaml", yaml)
        library = stability_matrix(root / "sm")
        touch(library / "settings.json", json_text)
        touch(home / ".config" / "StabilityMatrix" / "library.json", json_text)
        host = Host(home=home, env={"COMMANDLINE_ARGS": script}, system=False)
        kinds = {t.kind for t in detect_all(host).tools}
        assert {"comfyui", "forge", "fooocus", "lmstudio"} <= kinds
        assert detect_at(library, host) is not None
