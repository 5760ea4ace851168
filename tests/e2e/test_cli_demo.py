"""`hfsuite demo` end to end: the installed command downloads the generated repositories into
its sandbox, the bytes are the ones served, and the user's home is never touched."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hfsuite.app.demo.repos import CHECKPOINT, LORA, WORKFLOW, demo_repos

DOC = (Path(__file__).parents[2] / "docs" / "errors.md").read_text(encoding="utf-8")


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _state(folder: Path) -> list[tuple[str, int, int]]:
    """Every entry under ``folder`` with its size and modification time."""
    return sorted(
        (str(p.relative_to(folder)), p.lstat().st_size, p.lstat().st_mtime_ns)
        for p in folder.rglob("*")
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _safetensors_header(path: Path) -> dict[str, dict[str, object]]:
    """The header of a safetensors file, checked: its tensors' bytes fill the rest exactly."""
    with open(path, "rb") as fh:
        (length,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(length))
    header.pop("__metadata__", None)
    spans = sorted(tuple(t["data_offsets"]) for t in header.values())  # type: ignore[arg-type]
    assert spans[0][0] == 0
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert 8 + length + spans[-1][1] == path.stat().st_size
    return header


@pytest.fixture
def demo_env(sandbox: Path, tmp_path: Path) -> dict[str, str]:
    """The user's environment: HOME is the test's sandbox home; temp files go to a folder of
    the test's (so a left-over temporary sandbox would show)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    return dict(os.environ, TMPDIR=str(tmp), TEMP=str(tmp), TMP=str(tmp), PYTHONUNBUFFERED="1")


def test_demo_downloads_the_served_bytes_and_stays_in_its_sandbox(
    hfsuite_exe: str, sandbox: Path, tmp_path: Path, demo_env: dict[str, str]
) -> None:
    (sandbox / "notes.txt").write_text("the user's own file\n")
    before = _state(sandbox)
    kept = tmp_path / "kept-demo"
    result = subprocess.run(
        [hfsuite_exe, "demo", "--home", str(kept), "--speed", "64M"],
        capture_output=True,
        text=True,
        env=demo_env,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Where the files went" in result.stdout
    assert "The ComfyUI workflow finds the checkpoint and the LoRA it loads." in result.stdout

    served = {repo.repo_id: repo.files for repo in demo_repos()}
    llm, diffusion = served.values()
    home = kept / "home"
    snapshots = list(
        (home / ".cache/huggingface/hub/models--hfsuite-demo--tiny-llm/snapshots").iterdir()
    )
    assert len(snapshots) == 1
    for name, blob in llm.items():
        path = snapshots[0] / name
        expected = blob.sha256 if hasattr(blob, "sha256") else hashlib.sha256(blob).hexdigest()
        assert _sha256(path) == expected, name
    comfy = home / "ComfyUI"
    checkpoint = comfy / "models/checkpoints" / CHECKPOINT
    lora = comfy / "models/loras" / LORA
    for path, name in ((checkpoint, CHECKPOINT), (lora, LORA)):
        assert _sha256(path) == diffusion[name].sha256  # type: ignore[union-attr]
    header = _safetensors_header(snapshots[0] / "model.safetensors")
    assert header["model.embed_tokens.weight"]["dtype"] == "BF16"
    assert "lora_unet_input_blocks_0_1_transformer_blocks_0_attn1_to_q.lora_up.weight" in (
        _safetensors_header(lora)
    )
    _safetensors_header(checkpoint)
    workflow = json.loads((comfy / "user/default" / WORKFLOW).read_text())
    loaders = {
        n["type"]: n["widgets_values"][0] for n in workflow["nodes"] if "Loader" in n["type"]
    }
    assert loaders == {"CheckpointLoaderSimple": CHECKPOINT, "LoraLoader": LORA}

    # Nothing of the user's was written: home as it was, no temporary folder left.
    assert _state(sandbox) == before
    assert _tree(Path(demo_env["TMPDIR"])) == []
    # The suite's own state is in the sandbox.
    assert (home / ".config/hfsuite/settings.toml").is_file()
    assert (home / ".local/share/hfsuite/hfsuite.db").is_file()
    assert (home / ".local/state/hfsuite/log/hfsuite.log").is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGINT are POSIX")
def test_ctrl_c_stops_the_demo_and_removes_its_temporary_sandbox(
    hfsuite_exe: str, sandbox: Path, demo_env: dict[str, str]
) -> None:
    before = _state(sandbox)
    tmp = Path(demo_env["TMPDIR"])
    proc = subprocess.Popen(
        [hfsuite_exe, "demo", "--speed", "256k"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=demo_env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    deadline = time.monotonic() + 60
    blobs: list[Path] = []
    while not blobs and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        blobs = [p for p in tmp.glob("*/home/.cache/huggingface/hub/*/blobs/*") if p.stat().st_size]
    assert blobs, "the download never started"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole group gets it
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stdout + stderr
    notice = "The demo was interrupted; nothing outside its sandbox was touched."
    assert notice in stderr
    assert f"Notice (exit 130): `{notice}`" in DOC
    assert _tree(tmp) == []  # the temporary sandbox is gone, emulator and all
    assert _state(sandbox) == before


def test_demo_refuses_a_home_that_is_not_its_own(hfsuite_cmd, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "projects"
    folder.mkdir()
    (folder / "important.txt").write_text("keep me")
    result = hfsuite_cmd("demo", "--home", str(folder))
    assert result.returncode == 2
    assert f"--home {folder} is not empty and was not made by hfsuite demo." in result.stderr
    assert _tree(folder) == ["important.txt"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is Linux's")
def test_demo_gui_without_a_display_says_so_before_starting(
    hfsuite_exe: str, demo_env: dict[str, str]
) -> None:
    pytest.importorskip("PySide6")
    env = {
        k: v
        for k, v in demo_env.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(
        [hfsuite_exe, "demo", "--gui"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 11
    assert "No display to open the desktop app on" in result.stderr
    assert "Sandbox:" not in result.stdout  # stopped before building anything
    assert _tree(Path(demo_env["TMPDIR"])) == []
