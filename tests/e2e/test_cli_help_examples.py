"""Every example of every ``--help`` runs, as written, against the emulator.

The examples are read from the commands' help (the Typer app walked with
``typer.main.get_command``), and each runs in a shell through the installed command, in a
throwaway HOME prepared once like a user's: one download done (task 1, history entry 1), two
tasks waiting paused (tasks 2 and 3), a ``models.txt`` in the working folder. The emulator
serves every repository the examples name. Nothing of an example is replaced: the endpoint is
HF_ENDPOINT (MODELSCOPE_ENDPOINT for ModelScope), the token HF_TOKEN, and ``$TOKEN`` for the
example that pipes one in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from hfsuite.cli.main import app
from hfsuite.testing import HubEmulator

TOKEN = "hf_" + "E" * 34
KIB = 1 << 10

SKIPPED = {
    "hfsuite queue run --watch": "waits for new tasks until Ctrl-C",
    "hfsuite gui": "opens a window and waits until it is closed",
    "hfsuite gui --tab browse --theme dark": "opens a window and waits until it is closed",
    "hfsuite download https://example.org/file.safetensors --sha256 <hex> --local-dir ./models": (
        "a file on another web server; <hex> stands for its SHA-256"
    ),
}
"""Examples that cannot run in a test, and why (the list stays short)."""


def _commands() -> list[tuple[str, str]]:
    """Every command and group of the CLI with its help text, as ``(path, help)``."""
    found: list[tuple[str, str]] = []

    def walk(command: Any, ctx: Any, path: str) -> None:
        found.append((path, getattr(command, "help", None) or ""))
        # Through Click's group API: the root group imports a command's module on lookup.
        for name in sorted(getattr(command, "list_commands", lambda _ctx: [])(ctx)):
            sub = command.get_command(ctx, name)
            walk(sub, sub.context_class(sub, info_name=name, parent=ctx), f"{path} {name}")

    root = typer.main.get_command(app)
    walk(root, root.context_class(root, info_name="hfsuite"), "hfsuite")
    return found


def examples_of(help_text: str) -> list[str]:
    """The example command lines of a help text: the indented lines after ``Examples:``."""
    if "Examples:" not in help_text:
        return []
    lines: list[str] = []
    for line in help_text.split("Examples:", 1)[1].splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            break  # the examples end where unindented text begins
        lines.append(line.strip())
    return lines


EXAMPLES = [(path, example) for path, text in _commands() for example in examples_of(text)]


def test_every_command_has_examples() -> None:
    without = [path for path, text in _commands() if not examples_of(text)]
    assert without == []
    for path, example in EXAMPLES:
        assert "hfsuite " + path.removeprefix("hfsuite").strip() in example, (path, example)


def test_the_skip_list_is_short_and_names_real_examples() -> None:
    assert len(SKIPPED) <= 4
    assert set(SKIPPED) <= {example for _, example in EXAMPLES}


def _serve(hub: HubEmulator) -> None:
    """The repositories the examples name."""
    gpt2 = hub.create_repo(
        "openai-community/gpt2",
        files={
            "config.json": b'{"model_type": "gpt2"}',
            "model.safetensors": os.urandom(64 * KIB),
            "tokenizer.json": b'{"version": "1.0"}',
            "onnx/model.onnx": os.urandom(8 * KIB),
        },
        downloads=1000,
        likes=50,
        pipeline_tag="text-generation",
        tags=["transformers", "license:mit"],
    )
    gpt2.create_tag("v1.0")
    hub.create_repo(
        "openai-community/gpt2-medium",
        files={"config.json": b"{}", "model.safetensors": os.urandom(32 * KIB)},
    )
    hub.create_repo(
        "rajpurkar/squad", "dataset", files={"train.csv": b"q,a\nwho,me\n"}, downloads=10
    )
    hub.create_repo(
        "stabilityai/sd-turbo",
        files={"model_index.json": b"{}"},
        library_name="diffusers",
        tags=["diffusers"],
    )
    hub.create_repo(
        "openai/whisper-tiny",
        files={"config.json": b"{}"},
        pipeline_tag="automatic-speech-recognition",
    )
    hub.create_repo(
        "meta-llama/Llama-3.2-1B", gated="manual", files={"config.json": b"{}"}, likes=9
    )
    hub.create_repo("qwen/Qwen2-0.5B", files={"config.json": b"{}", "model.bin": b"q" * KIB})
    hub.add_token(TOKEN, user="alice", role="read")
    hub.grant_access("meta-llama/Llama-3.2-1B", "alice")


def _env(world: Path, hub: HubEmulator) -> dict[str, str]:
    home = world / "home"
    keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TMPDIR", "USER")}
    return {
        **keep,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "HF_ENDPOINT": hub.url,
        "MODELSCOPE_ENDPOINT": hub.url,
        "HF_TOKEN": TOKEN,
        "TOKEN": TOKEN,
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_XET": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        # Anything but loopback goes to a closed port: an example never reaches the Internet.
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "ALL_PROXY": "http://127.0.0.1:9",
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


def _comfyui_files(work: Path) -> None:
    """A workflow and an image ComfyUI saved, as the ``comfyui`` examples name them."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    workflow = {
        "version": 0.4,
        "links": [],
        "nodes": [{"id": 4, "type": "CheckpointLoaderSimple", "widgets_values": ["v1-5.ckpt"]}],
    }
    (work / "workflow.json").write_text(json.dumps(workflow))
    info = PngInfo()
    info.add_text("workflow", json.dumps(workflow))
    Image.new("RGB", (8, 8)).save(work / "ComfyUI_00001_.png", pnginfo=info)


def _shell(line: str, world: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", line],
        cwd=world / "work",
        env=env,
        input=TOKEN + "\n",  # what a user types at a prompt for the token
        capture_output=True,
        text=True,
        timeout=120,
    )


class World:
    """A user's HOME and working folder, prepared once and restored before each example."""

    def __init__(self, root: Path, hub: HubEmulator):
        self.path = root / "world"
        self.snapshot = root / "snapshot"
        self.env = _env(self.path, hub)

    def prepare(self) -> None:
        (self.path / "home").mkdir(parents=True)
        (self.path / "work").mkdir()
        (self.path / "work" / "models.txt").write_text(
            "# models to fetch\nopenai-community/gpt2\ndatasets/rajpurkar/squad\n"
        )
        _comfyui_files(self.path / "work")  # for `hfsuite comfyui refs`
        comfy = self.path / "home" / "apps" / "ComfyUI"  # a tool for `hfsuite tools`
        for name in ("main.py", "folder_paths.py", "comfy/__init__.py"):
            (comfy / name).parent.mkdir(parents=True, exist_ok=True)
            (comfy / name).write_text("")
        webui = self.path / "home" / "stable-diffusion-webui"  # for `hfsuite share`
        for name in ("webui.py", "launch.py", "modules/__init__.py", "models/Lora/x.safetensors"):
            (webui / name).parent.mkdir(parents=True, exist_ok=True)
            (webui / name).write_text("")
        for line in (
            "hfsuite download openai-community/gpt2",
            "hfsuite queue add openai-community/gpt2-medium datasets/rajpurkar/squad --paused",
            "hfsuite tools add ~/apps/ComfyUI",
            "hfsuite profiles detect",  # comfyui-loras… for `--profile` and `hfsuite profiles`
        ):
            done = _shell(line, self.path, self.env)
            assert done.returncode == 0, (line, done.stderr)
        # Absolute paths are stored (destinations): the world is restored at the same place.
        shutil.copytree(self.path, self.snapshot, symlinks=True)

    def run(self, line: str) -> subprocess.CompletedProcess[str]:
        shutil.rmtree(self.path)
        shutil.copytree(self.snapshot, self.path, symlinks=True)
        return _shell(line, self.path, self.env)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    hub = HubEmulator(lfs_threshold=16 * KIB).start()
    try:
        _serve(hub)
        made = World(tmp_path_factory.mktemp("examples"), hub)
        made.prepare()
        yield made
    finally:
        hub.stop()


@pytest.mark.slow
@pytest.mark.parametrize(("command", "example"), EXAMPLES, ids=[e for _, e in EXAMPLES])
def test_help_example_runs(world: World, command: str, example: str) -> None:
    if example in SKIPPED:
        pytest.skip(SKIPPED[example])
    result = world.run(example)
    assert result.returncode == 0, f"{command}: {example}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
