"""Corpus check: the model references of real workflows, scored against what they declare.

Ground truth is each workflow's own download list: a node's ``properties.models`` and the
top-level ``models`` (file name + folder key). A declared model counts as **found** when the
reader produces a reference from a widget or input (not merely echoing the list) with that file
name and that folder key. Two sources:

* every template of the ``comfyui_workflow_templates_json`` package (official ComfyUI
  templates, installed with the test dependencies);
* the shared test data (``../shared/testdata/comfyui`` beside the checkout) when present:
  workflows and images collected from public repositories; skipped with a reason when absent.

Run with ``pytest -s`` to see the figures (docs/comfyui.md quotes them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hfsuite.core.errors import WorkflowError
from hfsuite.integrations.comfyui import media
from hfsuite.integrations.comfyui.names import basename, canonical_folder
from hfsuite.integrations.comfyui.reader import read_refs

SHARED = Path(__file__).resolve().parents[4] / "shared" / "testdata" / "comfyui"
THRESHOLD = 0.98


def _templates_dir() -> Path | None:
    try:
        import comfyui_workflow_templates_json as package
    except ImportError:
        return None
    return Path(package.__file__).parent / "templates"


def _nodes(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every node, top level and in every subgraph definition (any depth)."""
    yield from (n for n in doc.get("nodes") or [] if isinstance(n, dict))
    for sg in (doc.get("definitions") or {}).get("subgraphs") or []:
        yield from _nodes(sg)


def _strings(node: dict[str, Any]) -> set[str]:
    raw = node.get("widgets_values")
    values = raw.values() if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    return {basename(v) for v in values if isinstance(v, str)}


@dataclass
class Score:
    """Declared models and how many were found, for one source."""

    name: str
    total: int = 0
    found: int = 0
    in_use: int = 0
    in_use_found: int = 0
    listed: int = 0
    files: int = 0
    misses: list[str] = field(default_factory=list)

    def rate(self) -> float:
        return self.found / self.total if self.total else 1.0

    def in_use_rate(self) -> float:
        return self.in_use_found / self.in_use if self.in_use else 1.0

    def line(self) -> str:
        return (
            f"{self.name}: {self.found}/{self.total} declared models found "
            f"({100 * self.rate():.1f} %) in {self.files} workflows; "
            f"declared models a widget still names: {self.in_use_found}/{self.in_use} "
            f"({100 * self.in_use_rate():.1f} %); listed (found or declared-only): "
            f"{self.listed}/{self.total}"
        )


def _score_workflow(score: Score, label: str, doc: dict[str, Any], path: Path) -> None:
    declared: list[tuple[dict[str, Any] | None, dict[str, Any]]] = []
    all_strings: set[str] = set()
    for node in _nodes(doc):
        all_strings |= _strings(node)
        for entry in (node.get("properties") or {}).get("models") or []:
            declared.append((node, entry))
    declared += [(None, entry) for entry in doc.get("models") or []]
    if not declared:
        return
    found = read_refs(path)
    produced = {(basename(r.value), r.folder) for r in found.refs if r.origin != "declared"}
    listed = {(basename(r.value), r.folder) for r in found.refs}
    score.files += 1
    for node, entry in declared:
        key = (basename(entry["name"].replace("\\", "/")), canonical_folder(entry.get("directory")))
        used = key[0] in (_strings(node) if node is not None else all_strings)
        score.total += 1
        score.in_use += used
        score.listed += key in listed
        if key in produced:
            score.found += 1
            score.in_use_found += used
        else:
            where = node.get("type") if node is not None else "top-level models"
            score.misses.append(f"{label}: {where} {key}{'' if used else ' (no widget names it)'}")


def test_templates_corpus() -> None:
    templates = _templates_dir()
    if templates is None:
        pytest.skip("comfyui_workflow_templates_json is not installed (a test dependency)")
    score = Score("workflow templates (comfyui_workflow_templates_json)")
    read = 0
    for path in sorted(templates.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or "nodes" not in doc:
            continue  # the package's index and search settings
        result = read_refs(path)  # every template reads, with or without a models list
        assert result.source_format == "ui-json", path.name
        read += 1
        _score_workflow(score, path.name, doc, path)
    print(f"\n{score.line()} ({read} templates read)")
    for miss in score.misses:
        print("  missed:", miss)
    assert score.total > 1000
    assert score.rate() >= THRESHOLD, score.misses


def _embedded_workflow(path: Path) -> dict[str, Any] | None:
    with path.open("rb") as stream:
        container = media.sniff(stream.read(16))
        if container is None:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            return loaded if isinstance(loaded, dict) else None
        text = media.read_embedded(stream, container).texts.get("workflow")
    return json.loads(text) if text else None


needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"shared ComfyUI test data not found at {SHARED}"
)


@needs_shared
def test_shared_corpus() -> None:
    score = Score("shared test data (ui_json, images, other_metadata)")
    for folder in ("ui_json", "images", "other_metadata"):
        for path in sorted((SHARED / folder).iterdir()):
            doc = _embedded_workflow(path)
            if doc is not None and "nodes" in doc:
                _score_workflow(score, f"{folder}/{path.name}", doc, path)
    print(f"\n{score.line()}")
    for miss in score.misses:
        print("  missed:", miss)
    assert score.total >= 50
    # Every declared model is listed with its folder, and every one a widget still names is
    # found from that widget. The rest are stale entries: the user picked another file in the
    # widget and the download list kept the old name (ComfyUI's editor ignores those too).
    assert score.listed == score.total
    assert score.in_use_rate() >= THRESHOLD, score.misses


# What the example images load (their embedded workflows declare no models; read by hand).
EXPECTED_IMAGES: dict[str, set[tuple[str, str]]] = {
    "ex__2_pass_txt2img__hiresfix_esrgan_workflow.png": {
        ("RealESRGAN_x4plus.pth", "upscale_models"),
        ("v2-1_768-ema-pruned.ckpt", "checkpoints"),
    },
    "ex__controlnet__mixing_controlnets.png": {
        ("AOM3A1.safetensors", "checkpoints"),
        ("control_openpose.safetensors", "controlnet"),
        ("control_scribble.safetensors", "controlnet"),
        ("kl-f8-anime2.ckpt", "vae"),
    },
    "ex__flux__flux_depth_lora_example.png": {
        ("ae.safetensors", "vae"),
        ("clip_l.safetensors", "text_encoders"),
        ("flux1-depth-dev-lora.safetensors", "loras"),
        ("flux1-dev.safetensors", "diffusion_models"),
        ("t5xxl_fp16.safetensors", "text_encoders"),
    },
    "ex__flux__flux_redux_model_example.png": {
        ("ae.safetensors", "vae"),
        ("clip_l.safetensors", "text_encoders"),
        ("flux1-dev.safetensors", "diffusion_models"),
        ("flux1-redux-dev.safetensors", "style_models"),
        ("sigclip_vision_patch14_384.safetensors", "clip_vision"),
        ("t5xxl_fp16.safetensors", "text_encoders"),
    },
    "ex__flux__flux_kontext_example_comic.webp": {
        ("ae.safetensors", "vae"),
        ("clip_l.safetensors", "text_encoders"),
        ("flux1-kontext-dev.safetensors", "diffusion_models"),
        ("t5xxl_fp16.safetensors", "text_encoders"),
    },
    "ex__gligen__gligen_textbox_example.png": {
        ("gligen_sd14_textbox_pruned.safetensors", "gligen"),
        ("v1-5-pruned-emaonly.ckpt", "checkpoints"),
    },
    "ex__hypernetworks__hypernetwork_example.png": {
        ("dantionMarbleStatues_10.pt", "hypernetworks"),
        ("v1-5-pruned-emaonly.ckpt", "checkpoints"),
    },
    "ex__lora__lora_multiple.png": {
        ("epiNoiseoffset_v2.safetensors", "loras"),
        ("theovercomer8sContrastFix_sd15.safetensors", "loras"),
        ("v1-5-pruned-emaonly.ckpt", "checkpoints"),
    },
    "ex__sd3__sd3.5_text_encoders_example.png": {
        ("clip_g.safetensors", "text_encoders"),
        ("clip_l.safetensors", "text_encoders"),
        ("sd3.5_large.safetensors", "checkpoints"),
        ("t5xxl_fp16.safetensors", "text_encoders"),
    },
    "ex__sdxl__sdxl_revision_text_prompts.png": {
        ("clip_vision_g.safetensors", "clip_vision"),
        ("sd_xl_base_1.0.safetensors", "checkpoints"),
    },
    "ex__textual_inversion_embeddings__embedding_example.png": {
        ("SDA768.pt", "embeddings"),
        ("v2-1_768-ema-pruned.ckpt", "checkpoints"),
    },
    "ex__3d__stable_zero123_example.png": {("stable_zero123.ckpt", "checkpoints")},
    "ex__wan22__text_to_video_wan22_14B.webp": {
        ("umt5_xxl_fp8_e4m3fn_scaled.safetensors", "text_encoders"),
        ("wan2.2_t2v_high_noise_14B_fp8_scaled.safetensors", "diffusion_models"),
        ("wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors", "diffusion_models"),
        ("wan_2.1_vae.safetensors", "vae"),
    },
}
EXPECTED_OTHER: dict[str, set[tuple[str, str]]] = {
    "sdparsers__ComfyUI__noisy_latents_3_subjects_cropped.png": {
        ("Anything-V3.0.ckpt", "checkpoints"),
        ("v1-inference_clip_skip_2.yaml", "configs"),
        ("vae-ft-mse-840000-ema-pruned.safetensors", "vae"),
    },
    "sdparsers__ComfyUI__unclip_2pass_cropped.png": {
        ("cardosAnimated_v20.safetensors", "checkpoints"),
        ("kl-f8-anime2.ckpt", "vae"),
        ("wd-1-5-beta2-aesthetic-unclip-h-fp32.safetensors", "checkpoints"),
    },
    "sdparsers__AUTOMATIC1111__automatic1111_cropped.png": {
        ("realistic_realisticVisionV20_v20", "checkpoints")
    },
    "sdparsers__AUTOMATIC1111__automatic1111_cropped.jpg": {
        ("realistic_realisticVisionV20_v20", "checkpoints")
    },
    "sdparsers__Fooocus__fooocus1_cropped.png": {("juggernautXL_v8Rundiffusion", "checkpoints")},
}


@needs_shared
@pytest.mark.parametrize(
    ("folder", "name", "expected"),
    [("images", k, v) for k, v in EXPECTED_IMAGES.items()]
    + [("other_metadata", k, v) for k, v in EXPECTED_OTHER.items()],
)
def test_shared_images(folder: str, name: str, expected: set[tuple[str, str]]) -> None:
    found = read_refs(SHARED / folder / name)
    assert {(r.value, r.folder) for r in found.refs} == expected


@needs_shared
def test_shared_details() -> None:
    sdxl = read_refs(SHARED / "ui_json" / "ell__sdxl_loras001.json")
    assert ("sdxl/SW_Poetic3_xl.safetensors", "loras") in {(r.value, r.folder) for r in sdxl.refs}
    hidream = read_refs(SHARED / "ui_json" / "ell__hidream_e1_full.json")
    hashed = [r for r in hidream.refs if r.hash]
    assert hashed and all(r.hash_type == "sha256" and "/resolve/" in (r.url or "") for r in hashed)
    gguf = read_refs(SHARED / "ui_json" / "ell__Wan_2.1_I2V_Cakeify_Lora_Effect.json")
    folders = {r.node_type: r.folder for r in gguf.refs}
    assert folders["UnetLoaderGGUF"] == "diffusion_models"
    assert folders["Power Lora Loader (rgthree)"] == "loras"


@needs_shared
def test_every_shared_file_reads_or_fails_cleanly() -> None:
    """No crash anywhere; the look-alikes and other tools' images are one clear error."""
    failed: dict[str, str] = {}
    for path in sorted(SHARED.rglob("*")):
        if not path.is_file() or path.suffix in (".tsv", ".yaml", ".example"):
            continue
        try:
            read_refs(path)
        except WorkflowError as exc:
            assert "\n" not in exc.message
            failed[path.relative_to(SHARED).as_posix()] = exc.message
    assert {p for p in failed if p.startswith("negative/")} == {
        p.relative_to(SHARED).as_posix() for p in (SHARED / "negative").iterdir()
    }
    assert all(p.startswith(("negative/", "other_metadata/")) for p in failed), failed
