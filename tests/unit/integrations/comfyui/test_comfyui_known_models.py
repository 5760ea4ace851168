"""The known-models index: its file format, lookups, the builders from ComfyUI-Manager's list and
from workflows' declared models, and the index shipped with hfsuite."""

from __future__ import annotations

import json

import pytest

from hfsuite.integrations.comfyui.known_models import (
    KnownModel,
    dump_index,
    from_manager_list,
    from_refs,
    load_index,
    shipped_index,
)
from hfsuite.integrations.comfyui.refs import ModelRef

URL = "https://huggingface.co/Comfy-Org/pack/resolve/main/split_files/vae/ae.safetensors"


def test_an_index_round_trips_and_is_looked_up_by_name_and_folder() -> None:
    text = dump_index(
        [
            KnownModel("ae.safetensors", "vae", URL, 123, "a" * 64),
            KnownModel("ae.safetensors", "vae", URL),  # the same entry twice: once
            KnownModel("other.pt", None, "https://example.org/other.pt"),
        ],
        "test lists",
        "MIT",
    )
    index = load_index(text, "t.json")
    assert (index.source, index.license, len(index.models)) == ("test lists", "MIT", 2)
    found = index.lookup("flux/AE.safetensors", "vae")
    assert len(found) == 1
    best = found[0]
    assert (best.source, best.confidence, best.kind, best.repo_id) == (
        "index",
        "high",
        "hub",
        "Comfy-Org/pack",
    )
    assert best.file == "split_files/vae/ae.safetensors"
    assert index.lookup("ae.safetensors", "loras")[0].confidence == "medium"
    other = index.lookup("other.pt", "upscale_models")[0]
    assert (other.kind, other.confidence, other.url) == (
        "url",
        "high",
        "https://example.org/other.pt",
    )
    assert index.lookup("nothing.safetensors", None) == []


@pytest.mark.parametrize(
    "text", ["{", "[]", '{"format": "something-else"}', '{"format": 1, "models": []}']
)
def test_what_is_not_an_index_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        load_index(text, "x.json")


def test_bad_entries_are_skipped() -> None:
    text = json.dumps({
        "format": "hfsuite-known-models",
        "models": [
            {"name": "ok.safetensors", "url": URL, "size": -3, "sha256": "zz"},
            {"name": "", "url": URL},
            {"name": "no-url.safetensors"},
            "junk",
            {"name": "../../x.safetensors", "url": URL, "folder": "unet"},
        ],
    })  # fmt: skip
    index = load_index(text)
    assert [(m.name, m.folder, m.size, m.sha256) for m in index.models] == [
        ("ok.safetensors", None, None, None),
        ("x.safetensors", "diffusion_models", None, None),
    ]


def test_comfyui_manager_model_list_facts() -> None:
    data = {
        "models": [
            {"name": "TAESD", "type": "TAESD", "base": "SD1.x", "save_path": "vae_approx",
             "description": "long text", "reference": "r", "filename": "taesd_decoder.pth",
             "url": "https://github.com/madebyollin/taesd/raw/main/taesd_decoder.pth",
             "size": "4.9MB"},
            {"name": "x", "type": "lora", "save_path": "default", "filename": "l.safetensors",
             "url": "https://huggingface.co/o/r/resolve/main/l.safetensors"},
            {"name": "y", "type": "checkpoint", "save_path": "checkpoints/SDXL",
             "filename": "c.safetensors", "url": "https://example.org/c.safetensors"},
            {"name": "z", "type": "unet", "save_path": "default", "filename": "u.gguf",
             "url": "https://example.org/u.gguf"},
            {"name": "bad", "type": "lora", "filename": "b.safetensors", "url": "file:///b"},
        ]
    }  # fmt: skip
    found = [(m.name, m.folder) for m in from_manager_list(data)]
    assert found == [
        ("taesd_decoder.pth", "vae_approx"),
        ("l.safetensors", "loras"),
        ("c.safetensors", "checkpoints"),
        ("u.gguf", "diffusion_models"),
    ]
    assert from_manager_list({"models": "nope"}) == [] and from_manager_list(None) == []


def test_declared_models_of_workflows() -> None:
    refs = [
        ModelRef("1", "VAELoader", "vae_name", "ae.safetensors", "vae", url=URL, hash="b" * 64,
                 hash_type="sha256"),
        ModelRef("2", "LoraLoader", "lora_name", "x.safetensors", "loras"),
        ModelRef("3", "LoraLoader", "lora_name", "../y", "loras", url=URL, refused="'..'"),
    ]  # fmt: skip
    assert from_refs(refs) == [KnownModel("ae.safetensors", "vae", URL, None, "b" * 64)]


def test_the_shipped_index_comes_from_the_templates() -> None:
    index = shipped_index()
    assert index is not None
    assert "comfyui-workflow-templates-json" in index.source and "MIT" in index.license
    assert len(index.models) > 100
    vae = index.lookup("wan_2.1_vae.safetensors", "vae")
    assert (
        vae and vae[0].kind == "hub" and vae[0].repo_id and vae[0].repo_id.startswith("Comfy-Org/")
    )


def test_the_refresh_script_builds_an_index_from_a_manager_list(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[4] / "scripts" / "refresh_known_models.py"
    listing = tmp_path / "model-list.json"
    listing.write_text(json.dumps({"models": [
        {"name": "n", "type": "lora", "save_path": "default", "filename": "m.safetensors",
         "url": "https://huggingface.co/o/r/resolve/main/m.safetensors", "description": "d"},
    ]}))  # fmt: skip
    out = tmp_path / "known.json"
    argv = [str(script), "--manager", str(listing), "--no-templates", "--out", str(out)]
    done = subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    index = load_index(out.read_text(encoding="utf-8"))
    assert [(m.name, m.folder) for m in index.models] == [("m.safetensors", "loras")]
    assert "GPL-3.0" in index.license and "description" not in out.read_text(encoding="utf-8")
