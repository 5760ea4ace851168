"""The demo's parts: generated safetensors files, the ComfyUI workflow, and the sandbox."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from hfsuite.app.demo import close_sandbox, demo_steps, open_sandbox
from hfsuite.app.demo.repos import LORA, WORKFLOW, SafetensorsBlob, demo_repos, lora_tensors
from hfsuite.app.demo.sandbox import MARKER
from hfsuite.app.demo.workflow import comfyui_workflow, missing_models, referenced_models
from hfsuite.core.errors import UsageError


def test_safetensors_blob_is_a_header_then_the_tensors() -> None:
    blob = SafetensorsBlob([("a", "F16", (3, 5)), ("b", "F32", (7,))], seed=1)
    data = blob.read_all()
    (length,) = struct.unpack("<Q", data[:8])
    assert (8 + length) % 8 == 0
    header = json.loads(data[8 : 8 + length])
    assert header["a"] == {"dtype": "F16", "shape": [3, 5], "data_offsets": [0, 30]}
    assert header["b"]["data_offsets"] == [30, 58]
    assert blob.size == len(data) == 8 + length + 58
    # any range reads the same bytes, across the header's end too
    assert blob.read(length, 20) == data[length : length + 20]
    assert b"".join(blob.iter_chunks(chunk=7)) == data


def test_the_generated_files_are_the_same_every_time() -> None:
    lora = SafetensorsBlob(lora_tensors(), seed=303, metadata={"ss_network_dim": "32"})
    served = demo_repos()[1].files[LORA]
    assert isinstance(served, SafetensorsBlob)
    assert lora.sha256 == served.sha256
    assert demo_repos()[1].files[WORKFLOW] == demo_repos()[1].files[WORKFLOW]


def test_the_workflow_names_its_models_and_finds_them(tmp_path: Path) -> None:
    workflow = comfyui_workflow("base.safetensors", "style.safetensors")
    assert referenced_models(workflow) == [
        ("checkpoints", "base.safetensors"),
        ("loras", "style.safetensors"),
    ]
    assert missing_models(workflow, tmp_path) == referenced_models(workflow)
    (tmp_path / "checkpoints").mkdir()
    (tmp_path / "checkpoints" / "base.safetensors").write_bytes(b"x")
    assert missing_models(workflow, tmp_path) == [("loras", "style.safetensors")]
    # every link joins an output to an input of the right type
    nodes = {n["id"]: n for n in workflow["nodes"]}
    for link, src, src_slot, dst, dst_slot, kind in workflow["links"]:
        assert link in nodes[src]["outputs"][src_slot]["links"]
        assert nodes[dst]["inputs"][dst_slot] == {
            "name": nodes[dst]["inputs"][dst_slot]["name"],
            "type": kind,
            "link": link,
        }


def test_the_environment_keeps_the_suite_in_the_sandbox(tmp_path: Path) -> None:
    sandbox = open_sandbox(tmp_path / "demo")
    base = {
        "PATH": "/usr/bin",
        "DISPLAY": ":0",
        "HOME": "/home/me",
        "HF_TOKEN": "hf_secret",
        "HF_HOME": "/home/me/hf",
        "HFSUITE_DB_URL": "sqlite:////home/me/db",
        "https_proxy": "http://proxy:3128",
        "MODELSCOPE_API_TOKEN": "ms",
    }
    env = sandbox.environment("http://127.0.0.1:9", base)
    assert env["PATH"] == "/usr/bin" and env["DISPLAY"] == ":0"
    for name in ("HF_TOKEN", "HF_HOME", "HFSUITE_DB_URL", "https_proxy", "MODELSCOPE_API_TOKEN"):
        assert name not in env
    assert env["HF_ENDPOINT"] == "http://127.0.0.1:9"
    paths = [v for k, v in env.items() if k in ("HOME", "HFSUITE_CONFIG_DIR", "HFSUITE_LOG_DIR")]
    paths += [v for k, v in env.items() if k.startswith("XDG_")]
    assert len(paths) == 7
    assert all(Path(p).is_relative_to(sandbox.root) for p in paths)
    settings = (sandbox.config_dir / "settings.toml").read_text()
    assert str(sandbox.database) in settings and 'token_source = "none"' in settings
    for step in demo_steps(sandbox):
        for arg in step.args:
            if arg.startswith("/"):
                assert Path(arg).is_relative_to(sandbox.home)


def test_a_temporary_sandbox_is_removed_and_a_kept_one_reused(tmp_path: Path) -> None:
    temporary = open_sandbox()
    assert temporary.temporary and (temporary.root / MARKER).is_file()
    close_sandbox(temporary)
    assert not temporary.root.exists()

    kept = open_sandbox(tmp_path / "kept")
    (kept.home / "Models").mkdir()
    close_sandbox(kept)
    again = open_sandbox(tmp_path / "kept")
    assert (again.home / "Models").is_dir()

    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x").write_text("x")
    with pytest.raises(UsageError):
        open_sandbox(tmp_path / "other")
