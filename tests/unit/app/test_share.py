"""app.share: ComfyUI's extra_model_paths.yaml section for another tool, and linking files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integrations"))
from tools_layouts import a1111, comfyui, touch

from hfsuite.app.share import (
    LinkOutcome,
    apply_links,
    apply_yaml,
    parse_kinds,
    plan_links,
    plan_yaml,
    resolve_pair,
    section_name,
)
from hfsuite.app.tools import DetectedTool, Detection, ToolRegistry
from hfsuite.core.errors import UsageError
from hfsuite.integrations.comfyui.extra_paths import read_extra_paths
from hfsuite.integrations.tools.host import Host

USER_YAML = """\
# my own paths, keep this comment
other:
    base_path: /data/models   # the NAS
    checkpoints: ckpt
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    comfyui(home / "ComfyUI")
    sd = a1111(home / "stable-diffusion-webui")
    for sub in ("ESRGAN", "ControlNet"):
        (sd / "models" / sub).mkdir(parents=True)
    (sd / "embeddings").mkdir()
    touch(sd / "models" / "Lora" / "style.safetensors", "L" * 100)
    touch(sd / "models" / "Lora" / "sdxl" / "detail.safetensors", "D" * 50)
    touch(sd / "models" / "Stable-diffusion" / "model.safetensors", "C" * 300)
    touch(sd / "models" / "Stable-diffusion" / "model.yaml", "cfg")
    touch(sd / "models" / "VAE" / "vae.pt", "V" * 30)
    return home


def detection(home: Path) -> Detection:
    return ToolRegistry(home / ".config" / "hfsuite", Host(home=home, system=False)).detect()


def tools(home: Path) -> tuple[DetectedTool, DetectedTool]:
    return resolve_pair(detection(home), "a1111", "comfyui")


def test_the_section_maps_the_detected_folders_to_comfyui_keys(home: Path) -> None:
    src, dst = tools(home)
    plan = plan_yaml(src, dst, None)
    assert plan.section == section_name(src) == "hfsuite_a1111"
    assert plan.base_path == str(home / "stable-diffusion-webui")
    assert plan.folders == {
        "checkpoints": ["models/Stable-diffusion"],
        "configs": ["models/Stable-diffusion"],
        "vae": ["models/VAE"],
        "loras": ["models/Lora"],  # LyCORIS does not exist here: left out
        "embeddings": ["embeddings"],
        "upscale_models": ["models/ESRGAN"],
        "controlnet": ["models/ControlNet"],
    }
    assert any("no folder on disk" in s for s in plan.skipped)
    # ComfyUI reads it as meant: the section's folders resolve to A1111's
    parsed = read_extra_paths(plan.new_text, dst.root).folders()
    assert parsed["loras"] == [home / "stable-diffusion-webui" / "models" / "Lora"]
    assert parsed["upscale_models"] == [home / "stable-diffusion-webui" / "models" / "ESRGAN"]


def test_merge_keeps_comments_and_other_sections_writes_a_backup_and_is_idempotent(
    home: Path,
) -> None:
    yaml_file = touch(home / "ComfyUI" / "extra_model_paths.yaml", USER_YAML)
    src, dst = tools(home)
    plan = plan_yaml(src, dst, None)
    assert plan.changed and plan.exists
    backup = apply_yaml(plan, now=1_750_000_000.0)
    assert backup is not None and backup.read_text() == USER_YAML
    text = yaml_file.read_text()
    assert text.startswith(USER_YAML)  # every byte of the user's part kept
    assert "# the NAS" in text and "hfsuite_a1111:" in text
    parsed = read_extra_paths(text, dst.root).folders()
    assert Path("/data/models/ckpt") in parsed["checkpoints"]
    # detection now sees A1111's loras in ComfyUI too
    _, dst_after = tools(home)
    assert home / "stable-diffusion-webui" / "models" / "Lora" in dst_after.folders["loras"]
    # again: nothing to change, no second section, no second backup
    again = plan_yaml(*tools(home), None)
    assert not again.changed and again.diff() == ""
    assert apply_yaml(again) is None
    assert text.count("hfsuite_a1111:") == 1
    assert len(list(yaml_file.parent.glob("extra_model_paths.yaml.bak-*"))) == 1


def test_a_new_source_folder_replaces_the_section_in_place(home: Path) -> None:
    touch(home / "ComfyUI" / "extra_model_paths.yaml", USER_YAML)
    apply_yaml(plan_yaml(*tools(home), None))
    (home / "stable-diffusion-webui" / "models" / "LyCORIS").mkdir()
    plan = plan_yaml(*tools(home), None)
    assert "+    loras: |" in plan.diff() or "models/LyCORIS" in plan.diff()
    apply_yaml(plan)
    text = (home / "ComfyUI" / "extra_model_paths.yaml").read_text()
    assert text.count("hfsuite_a1111:") == 1 and "models/LyCORIS" in text


def test_dry_run_plan_writes_nothing_and_creates_a_missing_file_when_applied(
    home: Path,
) -> None:
    src, dst = tools(home)
    plan = plan_yaml(src, dst, ("loras",))
    target = home / "ComfyUI" / "extra_model_paths.yaml"
    assert not target.exists() and not plan.exists
    assert plan.diff().startswith("--- /dev/null")
    assert plan.folders == {"loras": ["models/Lora"]}
    assert apply_yaml(plan) is None  # no old file, no backup
    assert target.read_text() == plan.new_text


def test_broken_yaml_is_refused_and_left_alone(home: Path) -> None:
    broken = "a: [1, 2\n"
    yaml_file = touch(home / "ComfyUI" / "extra_model_paths.yaml", broken)
    with pytest.raises(UsageError, match="not valid YAML"):
        plan_yaml(*tools(home), None)
    assert yaml_file.read_text() == broken


def test_tool_mistakes(home: Path, tmp_path: Path) -> None:
    found = detection(home)
    with pytest.raises(UsageError, match="same tool"):
        resolve_pair(found, "comfyui", str(home / "ComfyUI"))
    with pytest.raises(UsageError, match="Did you mean comfyui") as caught:
        resolve_pair(found, "a1111", "comfyu")
    assert "--to " not in (caught.value.hint or "") or ":KIND" not in (caught.value.hint or "")
    src, dst = resolve_pair(found, "comfyui", "a1111")
    with pytest.raises(UsageError, match="Only ComfyUI reads") as not_comfy:
        plan_yaml(src, dst, None)
    assert "--link" in (not_comfy.value.hint or "")
    with pytest.raises(UsageError, match="Did you mean loras"):
        parse_kinds("lora", found.tools[1] if found.tools[1].kind == "a1111" else found.tools[0])


def test_links_only_the_kinds_both_have_and_skip_what_is_there(home: Path) -> None:
    src, dst = tools(home)
    plan = plan_links(src, dst, ("loras", "vae", "checkpoints"), "hardlink")
    links = {a.target.relative_to(dst.root).as_posix(): a for a in plan.of(LinkOutcome.LINK)}
    assert set(links) == {
        "models/loras/style.safetensors",
        "models/loras/sdxl/detail.safetensors",
        "models/vae/vae.pt",
        "models/checkpoints/model.safetensors",
        "models/checkpoints/model.yaml",
    }
    assert plan.bytes_to_share == 100 + 50 + 30 + 300 + 3
    report = apply_links(plan)
    assert (report.linked, report.shared_bytes, report.failed) == (5, 483, [])
    lora = dst.root / "models" / "loras" / "style.safetensors"
    src_lora = src.root / "models" / "Lora" / "style.safetensors"
    assert os.path.samefile(lora, src_lora) and src_lora.stat().st_nlink == 2
    # again: everything is there, nothing is linked or counted twice
    again = plan_links(*tools(home), ("loras", "vae", "checkpoints"), "hardlink")
    assert again.of(LinkOutcome.LINK) == [] and again.bytes_to_share == 0
    assert len(again.of(LinkOutcome.PRESENT)) == 5
    assert apply_links(again).linked == 0
    assert src_lora.stat().st_nlink == 2


def test_a_different_file_of_the_same_name_is_a_conflict_never_overwritten(
    home: Path,
) -> None:
    theirs = touch(home / "ComfyUI" / "models" / "loras" / "style.safetensors", "mine")
    same_size = touch(home / "ComfyUI" / "models" / "vae" / "vae.pt", "x" * 30)
    src, dst = tools(home)
    plan = plan_links(src, dst, ("loras", "vae"), "symlink")
    conflict = [a.target for a in plan.of(LinkOutcome.CONFLICT)]
    assert conflict == [theirs]
    assert "another file of that name" in plan.of(LinkOutcome.CONFLICT)[0].reason
    assert [a.target for a in plan.of(LinkOutcome.PRESENT)] == [same_size]
    report = apply_links(plan)
    assert report.linked == 1
    assert theirs.read_text() == "mine"
    detail = dst.root / "models" / "loras" / "sdxl" / "detail.safetensors"
    assert detail.is_symlink() and os.path.samefile(
        detail, src.root / "models" / "Lora" / "sdxl" / "detail.safetensors"
    )
    # a symbolic link to the same file counts as present next time
    again = plan_links(*tools(home), ("loras",), "symlink")
    assert [a.target for a in again.of(LinkOutcome.PRESENT)] == [detail]


def test_no_common_kind_and_bad_mode(home: Path, tmp_path: Path) -> None:
    lms = home / ".lmstudio"
    touch(lms / "settings.json", "{}")
    (lms / "models").mkdir()
    found = detection(home)
    src, dst = resolve_pair(found, "a1111", "lmstudio")
    with pytest.raises(UsageError, match="no kind of model folder in common"):
        plan_links(src, dst, None, "hardlink")
    with pytest.raises(UsageError, match="not a link mode"):
        plan_links(src, dst, None, "copy")


def test_a_hard_link_across_file_systems_is_refused_with_a_hint(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hfsuite.app.share as share

    monkeypatch.setattr(share, "_device_of", lambda path: -42)
    with pytest.raises(UsageError, match="different file systems") as caught:
        plan_links(*tools(home), ("loras",), "hardlink")
    assert "--link symlink" in (caught.value.hint or "")
    assert not (home / "ComfyUI" / "models" / "loras" / "style.safetensors").exists()
