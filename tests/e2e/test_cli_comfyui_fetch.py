"""``hfsuite comfyui missing`` and ``comfyui fetch`` through the installed command against the
emulator: a ComfyUI tree with an ``extra_model_paths.yaml``, a workflow whose missing models
are found through the URL it declares, the known-models index and a Hub search, downloaded into
the right folders; then nothing is missing."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from json_documents import document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "integrations"))
from tools_layouts import comfyui

KIB = 1 << 10
QUIET = {"OLLAMA_MODELS": "", "INVOKEAI_ROOT": "", "COMMANDLINE_ARGS": ""}

_SYSTEM_COMFYUI = [
    p for p in ("/opt/ComfyUI", "/workspace/ComfyUI", "/ComfyUI") if Path(p).exists()
]


def _node(node_id: int, node_type: str, widgets: list[Any], **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "mode": 0, "widgets_values": widgets, **extra}


def workflow(url: str, sha256: str) -> dict[str, Any]:
    """A UI workflow: a checkpoint present in the yaml's folder, a LoRA in a subfolder with a
    declared URL, a VAE only the index knows, a text encoder only a Hub search finds, a
    bypassed loader, and a hostile name."""
    declared = {"name": "declared_lora.safetensors", "url": url, "directory": "loras",
                "hash": sha256, "hash_type": "sha256"}  # fmt: skip
    return {
        "last_node_id": 6,
        "nodes": [
            _node(1, "CheckpointLoaderSimple", ["shared_base.safetensors"]),
            _node(
                2,
                "LoraLoader",
                ["Wan/declared_lora.safetensors", 1.0, 1.0],
                properties={"models": [declared]},
            ),
            _node(3, "VAELoader", ["indexed_vae.safetensors"]),
            _node(4, "CLIPLoader", ["zorblax_t5_fp8.safetensors", "wan", "default"]),
            {**_node(5, "LoraLoader", ["muted.safetensors", 1.0, 1.0]), "mode": 4},
            _node(6, "LoraLoader", ["../../escape.safetensors", 1.0, 1.0]),
        ],
        "links": [],
    }


@pytest.fixture
def world(hub_factory, sandbox: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    if _SYSTEM_COMFYUI:
        pytest.skip(f"a system-wide ComfyUI ({_SYSTEM_COMFYUI[0]}) would make it ambiguous")
    hub = hub_factory(lfs_threshold=4 * KIB)
    lora, vae, t5, decoy = (os.urandom(24 * KIB) for _ in range(4))
    hub.create_repo("acme/declared", files={"loras/declared_lora.safetensors": lora})
    hub.create_repo("acme/vae-pack", files={"vae/indexed_vae.safetensors": vae})
    # the search: Comfy-Org's repackaged files win over a more downloaded copy elsewhere
    hub.create_repo(
        "Comfy-Org/zorblax_repackaged",
        files={"split_files/text_encoders/zorblax_t5_fp8.safetensors": t5},
        downloads=10,
    )
    hub.create_repo(
        "someone/zorblax-mirror", files={"zorblax_t5_fp8.safetensors": decoy}, downloads=500
    )
    root = comfyui(sandbox / "ComfyUI")
    shared = tmp_path / "shared-models"
    (shared / "checkpoints").mkdir(parents=True)
    (shared / "checkpoints" / "shared_base.safetensors").write_bytes(b"ckpt")
    (root / "extra_model_paths.yaml").write_text(
        f"shared:\n  base_path: {shared}\n  checkpoints: checkpoints\n"
        f"mine:\n  base_path: {tmp_path / 'mine'}\n  is_default: true\n  vae: vae\n"
    )
    index = tmp_path / "known.json"
    index.write_text(
        json.dumps(
            {
                "format": "hfsuite-known-models",
                "version": 1,
                "source": "test",
                "license": "-",
                "models": [
                    {
                        "name": "indexed_vae.safetensors",
                        "folder": "vae",
                        "url": "https://huggingface.co/acme/vae-pack/resolve/main/vae/indexed_vae.safetensors",
                    }
                ],
            }
        )
    )
    url = f"{hub.url}/acme/declared/resolve/main/loras/declared_lora.safetensors"
    flow = tmp_path / "workflow.json"
    flow.write_text(json.dumps(workflow(url, hashlib.sha256(lora).hexdigest())))
    env = {**QUIET, "HF_ENDPOINT": hub.url, "HFSUITE_KNOWN_MODELS": str(index)}
    return root, flow, env, {"lora": lora, "vae": vae, "t5": t5}, tmp_path


def _ok(result) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_fetch_puts_every_missing_model_in_its_folder(hfsuite_cmd, world) -> None:  # type: ignore[no-untyped-def]
    root, flow, env, data, tmp_path = world
    result = hfsuite_cmd("comfyui", "missing", str(flow), "--comfyui", str(root), "--json", env=env)
    _ok(result)
    doc = document(result.stdout, "comfyui-missing")
    items = {i["value"]: i for i in doc["items"]}
    assert items["shared_base.safetensors"]["status"] == "present"
    assert items["shared_base.safetensors"]["found_at"].endswith("shared_base.safetensors")
    assert items["muted.safetensors"]["status"] == "inactive"
    assert items["../../escape.safetensors"]["status"] == "refused"
    lora = items["Wan/declared_lora.safetensors"]
    assert lora["status"] == "missing"
    assert lora["resolution"]["source"] == "workflow"
    assert lora["resolution"]["confidence"] == "high"
    assert (lora["resolution"]["kind"], lora["resolution"]["repo_id"]) == ("hub", "acme/declared")
    assert lora["destination"] == str(
        root / "models" / "loras" / "Wan" / "declared_lora.safetensors"
    )
    vae = items["indexed_vae.safetensors"]
    assert (vae["resolution"]["source"], vae["resolution"]["repo_id"]) == ("index", "acme/vae-pack")
    assert vae["destination"] == str(tmp_path / "mine" / "vae" / "indexed_vae.safetensors")
    t5 = items["zorblax_t5_fp8.safetensors"]
    assert t5["resolution"]["source"] == "search"
    assert t5["resolution"]["repo_id"] == "Comfy-Org/zorblax_repackaged"
    assert t5["resolution"]["file"] == "split_files/text_encoders/zorblax_t5_fp8.safetensors"
    assert t5["destination"] == str(
        root / "models" / "text_encoders" / "zorblax_t5_fp8.safetensors"
    )
    assert doc["counts"] == {"present": 1, "elsewhere": 0, "missing": 3, "resolved": 3,
                             "unresolved": 0, "refused": 1, "inactive": 1}  # fmt: skip

    fetched = hfsuite_cmd(
        "comfyui", "fetch", str(flow), "--comfyui", str(root), "--yes", "--json", env=env
    )
    _ok(fetched)
    report = document(fetched.stdout, "comfyui-fetch")
    assert (report["downloaded"], report["failed"], report["ok"]) == (3, 0, True)
    assert (root / "models" / "loras" / "Wan" / "declared_lora.safetensors").read_bytes() == data[
        "lora"
    ]
    assert (tmp_path / "mine" / "vae" / "indexed_vae.safetensors").read_bytes() == data["vae"]
    assert (root / "models" / "text_encoders" / "zorblax_t5_fp8.safetensors").read_bytes() == data[
        "t5"
    ]
    assert not (tmp_path / "ComfyUI" / "escape.safetensors").exists()

    again = hfsuite_cmd("comfyui", "missing", str(flow), "--comfyui", str(root), "--json", env=env)
    _ok(again)
    counts = document(again.stdout, "comfyui-missing")["counts"]
    assert (counts["missing"], counts["present"]) == (0, 4)
    second = hfsuite_cmd("comfyui", "fetch", str(flow), "--comfyui", str(root), "--yes", env=env)
    _ok(second)
    assert "Nothing to download." in second.stdout


def test_dry_run_changes_nothing_and_no_terminal_without_yes_is_refused(hfsuite_cmd, world) -> None:  # type: ignore[no-untyped-def]
    root, flow, env, _, _ = world
    dry = hfsuite_cmd(
        "comfyui", "fetch", str(flow), "--comfyui", str(root), "--dry-run", "--json", env=env
    )
    _ok(dry)
    doc = document(dry.stdout, "comfyui-fetch")
    assert doc["dry_run"] is True and doc["downloaded"] == 0
    assert {i["result"] for i in doc["items"] if i["status"] == "missing"} == {"planned"}
    assert not (root / "models" / "loras" / "Wan").exists()
    refused = hfsuite_cmd("comfyui", "fetch", str(flow), "--comfyui", str(root), env=env, input="")
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    assert "--yes" in refused.stderr


def test_a_declared_hash_that_does_not_match_is_an_error(hfsuite_cmd, world) -> None:  # type: ignore[no-untyped-def]
    root, flow, env, _, _ = world
    data = json.loads(flow.read_text())
    data["nodes"][1]["properties"]["models"][0]["hash"] = "0" * 64
    data["nodes"] = data["nodes"][1:2]
    flow.write_text(json.dumps(data))
    result = hfsuite_cmd(
        "comfyui", "fetch", str(flow), "--comfyui", str(root), "--yes", "--json", env=env
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    doc = document(result.stdout, "comfyui-fetch")
    assert (doc["failed"], doc["ok"]) == (1, False)
    item = next(i for i in doc["items"] if i["status"] == "missing")
    assert item["result"] == "failed" and item["error"]["type"] == "IntegrityError"
    assert not (root / "models" / "loras" / "Wan" / "declared_lora.safetensors").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["missing", "{tmp}/nope.json"], "nope.json"),
        (["missing", "{tmp}/not_a_workflow.json"], "not a ComfyUI workflow"),
        (["missing", "{flow}", "--comfyui", "{tmp}/no-such-dir"], "no such folder"),
        (["missing", "{flow}", "--comfyui", "{tmp}"], "is not a ComfyUI install"),
        # without --yes and a terminal, a missing file is still named first
        (["fetch", "{tmp}/nope.json"], "nope.json"),
        (["fetch", "{tmp}/not_a_workflow.json"], "not a ComfyUI workflow"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(hfsuite_cmd, world, args, needle) -> None:  # type: ignore[no-untyped-def]
    _, flow, env, _, tmp_path = world
    (tmp_path / "not_a_workflow.json").write_text('{"hello": "world"}')
    argv = [a.format(tmp=tmp_path, flow=flow) for a in args]
    result = hfsuite_cmd("comfyui", *argv, env=env)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert needle in result.stderr


def test_no_comfyui_found_is_a_clear_error(hfsuite_cmd, sandbox: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if _SYSTEM_COMFYUI:
        pytest.skip("a system-wide ComfyUI is installed")
    flow = tmp_path / "w.json"
    flow.write_text(json.dumps(workflow("https://example.invalid/x.safetensors", "0" * 64)))
    result = hfsuite_cmd("comfyui", "missing", str(flow), "--json", env=QUIET)
    assert result.returncode == 2
    assert "No ComfyUI install was found" in result.stderr
    assert json.loads(result.stdout)["error"]["exit_code"] == 2


def test_a_plain_url_is_downloaded_verified_and_named_as_the_workflow_says(
    hfsuite_cmd, world
) -> None:  # type: ignore[no-untyped-def]
    root, flow, env, _, _ = world
    hub_url = env["HF_ENDPOINT"]
    # the same server by another name: not the configured endpoint, so a plain file URL
    port = hub_url.rsplit(":", 1)[1]
    url = f"http://localhost:{port}/acme/declared/resolve/main/loras/declared_lora.safetensors"
    body = json.loads(flow.read_text())
    declared = body["nodes"][1]["properties"]["models"][0]
    body["nodes"] = [
        {"id": 9, "type": "UpscaleModelLoader", "mode": 0, "widgets_values": ["4x_plain.pth"],
         "properties": {"models": [{**declared, "name": "4x_plain.pth", "url": url,
                                    "directory": "upscale_models"}]}},
    ]  # fmt: skip
    flow.write_text(json.dumps(body))
    result = hfsuite_cmd(
        "comfyui", "fetch", str(flow), "--comfyui", str(root), "--yes", "--json", env=env
    )
    _ok(result)
    doc = document(result.stdout, "comfyui-fetch")
    item = doc["items"][0]
    assert (item["resolution"]["kind"], item["resolution"]["source"]) == ("url", "workflow")
    assert item["result"] == "downloaded"
    landed = root / "models" / "upscale_models" / "4x_plain.pth"
    assert hashlib.sha256(landed.read_bytes()).hexdigest() == declared["hash"]
    assert not (root / "models" / "upscale_models" / "declared_lora.safetensors").exists()
