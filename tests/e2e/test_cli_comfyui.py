"""``hfsuite comfyui refs`` as installed: JSON against the published schema, the table, and
one-line errors with exit 2 for files it cannot read."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from json_documents import document

DATA = Path(__file__).resolve().parents[1] / "unit" / "integrations" / "data"
sys.path.insert(0, str(DATA.parent))
from comfyui_media_builders import a1111_jpeg, comfy_png  # noqa: E402


def test_refs_json_of_a_ui_workflow(hfsuite_cmd: Any) -> None:
    done = hfsuite_cmd("comfyui", "refs", str(DATA / "comfyui_ui_subgraphs.json"), "--json")
    assert done.returncode == 0, done.stderr
    doc = document(done.stdout, "workflow-refs")
    assert (doc["source_format"], doc["contents"]) == ("ui-json", ["workflow"])
    assert doc["ref_count"] == len(doc["refs"])
    refs = {(r["node_id"], r["value"]): r for r in doc["refs"]}
    inner = refs[("10:6:3", "enc/t5.safetensors")]
    assert (inner["folder"], inner["subgraph"], inner["active"]) == ("text_encoders", "Inner", True)
    assert refs[("2", "bypassed_lora.safetensors")]["active"] is False
    assert refs[("6", "../../etc/passwd.safetensors")]["refused"]
    ckpt = refs[("1", "sdxl/base.safetensors")]
    assert ckpt["url"].endswith("/resolve/main/base.safetensors")
    assert ckpt["hash"] == "abcdef0123"
    assert set(ckpt) >= {
        "node_id",
        "node_type",
        "input",
        "value",
        "folder",
        "active",
        "url",
        "hash",
    }


def test_refs_table_of_a_png(hfsuite_cmd: Any, tmp_path: Path) -> None:
    png = comfy_png(tmp_path / "ComfyUI_00001_.png")
    done = hfsuite_cmd("comfyui", "refs", str(png), env={"COLUMNS": "160"})
    assert done.returncode == 0, done.stderr
    assert "CheckpointLoaderSimple" in done.stdout
    assert "upscale_models" in done.stdout
    assert done.stdout.strip().endswith(
        "3 model references in ComfyUI_00001_.png (png: workflow + prompt)."
    )


def test_refs_table_keeps_names_readable_on_80_columns(hfsuite_cmd: Any, tmp_path: Path) -> None:
    # The name column was folded into 18-character pieces beside an empty state column.
    name = "wan_loras/wan2.2_i2v_lightx2v_4steps_lora_v1_low.safetensors"
    workflow = {
        "1": {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": name}},
        "2": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15.ckpt"}},
    }
    path = tmp_path / "w.json"
    path.write_text(json.dumps(workflow), encoding="utf-8")
    done = hfsuite_cmd("comfyui", "refs", str(path), env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    header = done.stdout.splitlines()[0].split()
    assert header == ["node", "type", "input", "folder", "name"]  # no state is said: no column
    assert name[:40] in done.stdout  # the name's first line holds 40 characters of it
    # With a state to say, the column is there.
    bad = {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": "../../x.safetensors"}}
    path.write_text(json.dumps(workflow | {"3": bad}), encoding="utf-8")  # refused: a state
    muted = hfsuite_cmd("comfyui", "refs", str(path), env={"COLUMNS": "80"})
    assert muted.stdout.splitlines()[0].split()[-1] == "state", muted.stdout


def test_refs_json_of_an_a1111_jpeg(hfsuite_cmd: Any, tmp_path: Path) -> None:
    done = hfsuite_cmd("comfyui", "refs", str(a1111_jpeg(tmp_path / "a.jpg")), "--json")
    assert done.returncode == 0, done.stderr
    doc = document(done.stdout, "workflow-refs")
    assert doc["source_format"] == "jpeg"
    assert ("realistic_v20", "checkpoints", "c0d1994c73") in {
        (r["value"], r["folder"], r["hash"]) for r in doc["refs"]
    }


def test_unreadable_files_are_one_line_and_exit_2(hfsuite_cmd: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"nodes": [')
    done = hfsuite_cmd("comfyui", "refs", str(broken))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "Error: broken.json is not valid JSON: Expecting value (line 1, column 12)."
    )
    done = hfsuite_cmd("comfyui", "refs", str(tmp_path / "missing.png"), "--json")
    assert done.returncode == 2
    error = json.loads(done.stdout)
    assert error["schema"] == "hfsuite/error/v1"
    assert error["error"]["type"] == "WorkflowError"
    assert error["error"]["exit_code"] == 2


def test_help_lists_the_group(hfsuite_cmd: Any) -> None:
    done = hfsuite_cmd("comfyui", "--help")
    assert done.returncode == 0
    assert "refs" in done.stdout
