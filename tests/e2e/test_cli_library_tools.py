"""The library scans the model folders of the tools found on the machine: a file downloaded
`--to comfyui:loras` is in `library ls` after a plain `hfsuite scan`, and a tool folder the
user removes from the roots stays out."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from json_documents import document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "integrations"))
from tools_layouts import comfyui

QUIET = {"OLLAMA_MODELS": "", "INVOKEAI_ROOT": "", "COMMANDLINE_ARGS": ""}
_SYSTEM_COMFYUI = [
    p for p in ("/opt/ComfyUI", "/workspace/ComfyUI", "/ComfyUI") if Path(p).exists()
]
pytestmark = pytest.mark.skipif(
    bool(_SYSTEM_COMFYUI),
    reason=f"a system-wide ComfyUI ({', '.join(_SYSTEM_COMFYUI)}) would be scanned too",
)


def _ok(result):  # type: ignore[no-untyped-def]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def test_a_plain_scan_covers_the_tools_model_folders(hfsuite_cmd, hub_factory, sandbox) -> None:  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=16 << 10)
    lora = os.urandom(40 << 10)
    hub.create_repo("acme/lora", files={"style.safetensors": lora, "README.md": b"# a lora\n"})
    comfy = comfyui(sandbox / "ComfyUI")
    env = {**QUIET, "HF_ENDPOINT": hub.url}
    _ok(hfsuite_cmd("download", "acme/lora", "style.safetensors", "--to", "comfyui:loras", env=env))
    landed = comfy / "models" / "loras" / "style.safetensors"
    assert landed.read_bytes() == lora

    scanned = _ok(hfsuite_cmd("scan", env=env))
    assert f"Added scan root {comfy / 'models'}" in scanned.stdout, scanned.stdout
    listed = document(
        _ok(hfsuite_cmd("library", "ls", "--all", "--json", env=env)).stdout, "library-list"
    )
    by_path = {f["path"]: f for f in listed["files"]}
    assert str(landed) in by_path
    # The engine verified the file's SHA-256 when it finished: recorded, not read again.
    assert by_path[str(landed)]["sha256"] is not None
    roots = document(
        _ok(hfsuite_cmd("library", "roots", "ls", "--json", env=env)).stdout, "library-roots"
    )
    assert (str(comfy / "models"), "tool") in {(r["path"], r["kind"]) for r in roots["roots"]}

    # Removed by the user: not added back by the next scan.
    _ok(hfsuite_cmd("library", "roots", "rm", str(comfy / "models"), env=env))
    again = _ok(hfsuite_cmd("scan", env=env))
    assert "Added scan root" not in again.stdout
    listed = document(
        _ok(hfsuite_cmd("library", "ls", "--all", "--json", env=env)).stdout, "library-list"
    )
    assert str(landed) not in {f["path"] for f in listed["files"]}
