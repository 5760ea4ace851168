"""Where ComfyUI looks for a model (its folders per key, legacy folders, extra paths) and where a
download may be written: never outside the key's folder, whatever the workflow says."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools_layouts import comfyui

from hfsuite.integrations.comfyui.search_paths import find_present, folders_for, place
from hfsuite.integrations.tools.comfyui import detect_install
from hfsuite.integrations.tools.host import Host


@pytest.fixture
def install(tmp_path: Path):  # type: ignore[no-untyped-def]
    root = comfyui(tmp_path / "ComfyUI")
    shared = tmp_path / "shared"
    (shared / "lora_dir").mkdir(parents=True)
    (root / "extra_model_paths.yaml").write_text(
        f"shared:\n  base_path: {shared}\n  loras: lora_dir\n  unet: unets\n"
        f"mine:\n  base_path: {tmp_path / 'mine'}\n  is_default: true\n  vae: vae\n"
    )
    return detect_install(root, "folder", Host(home=tmp_path, system=False))


def test_search_folders_follow_comfyui_order_with_legacy_and_extra_paths(install, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = install.root
    assert folders_for(install.folders, "unet") == folders_for(install.folders, "diffusion_models")
    assert folders_for(install.folders, "diffusion_models")[:2] == [
        root / "models" / "unet",
        root / "models" / "diffusion_models",
    ]
    assert tmp_path / "shared" / "unets" in folders_for(install.folders, "diffusion_models")
    assert folders_for(install.folders, "loras") == [
        root / "models" / "loras",
        tmp_path / "shared" / "lora_dir",
    ]
    assert folders_for(install.folders, "vae")[0] == tmp_path / "mine" / "vae"
    assert install.default_folder["vae"] == tmp_path / "mine" / "vae"
    assert folders_for(install.folders, None) == []


def test_a_file_is_present_in_any_folder_of_its_key(install, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = install.root
    (root / "models" / "unet" / "Wan").mkdir(parents=True)
    (root / "models" / "unet" / "Wan" / "old.safetensors").write_bytes(b"x")
    found = find_present(install.folders, "diffusion_models", "Wan/old.safetensors")
    assert found == root / "models" / "unet" / "Wan" / "old.safetensors"
    (tmp_path / "shared" / "lora_dir" / "style.safetensors").write_bytes(b"x")
    assert find_present(install.folders, "loras", "style.safetensors") is not None
    assert find_present(install.folders, "checkpoints", "style.safetensors") is None
    assert find_present(install.folders, "loras", "../lora_dir/style.safetensors") is None
    assert find_present(install.folders, "loras", "Wan") is None  # a folder is not a file


def test_an_embedding_is_present_under_any_of_its_extensions(tmp_path: Path) -> None:
    folders = {"embeddings": [tmp_path / "emb"]}
    (tmp_path / "emb").mkdir()
    (tmp_path / "emb" / "easynegative.pt").write_bytes(b"x")
    assert (
        find_present(folders, "embeddings", "easynegative") == tmp_path / "emb" / "easynegative.pt"
    )
    assert find_present(folders, "loras", "easynegative") is None


def test_place_keeps_the_subfolder(tmp_path: Path) -> None:
    where = place(tmp_path / "loras", "Wan/lora.safetensors")
    assert where.refused is None
    assert where.path == tmp_path / "loras" / "Wan" / "lora.safetensors"
    assert place(tmp_path, "flux\\dev.safetensors").path == tmp_path / "flux" / "dev.safetensors"


@pytest.mark.parametrize(
    "value",
    [
        "../../x.safetensors",
        "a/../../x.safetensors",
        "..\\..\\x.safetensors",
        "/etc/passwd",
        "C:\\Windows\\x.safetensors",
        "c:x.safetensors",
        "\\\\server\\share\\x.safetensors",
        "a/CON.safetensors",
        "a/b:c.safetensors",
        "x\x00.safetensors",
        "none",
        "",
        "x" * 2000,
    ],
)
def test_hostile_values_are_refused_with_a_reason(tmp_path: Path, value: str) -> None:
    where = place(tmp_path / "loras", value)
    assert where.path is None
    assert where.refused


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "loras"
    folder.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, folder / "out")
    where = place(folder, "out/x.safetensors")
    assert where.path is None and "link" in (where.refused or "")
    os.symlink(outside / "x", folder / "file.safetensors")
    assert place(folder, "file.safetensors").path is None


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=60),
        st.lists(
            st.sampled_from(["..", ".", "", "a", "b.safetensors", "C:", "/", "\\", "~", "x:y"]),
            max_size=8,
        ).map("/".join),
        st.lists(st.sampled_from(["..", "a", "\\", "/", "C:", " "]), max_size=8).map("".join),
    )
)
def test_a_placed_path_never_leaves_the_folder(tmp_path: Path, value: str) -> None:
    folder = tmp_path / "models" / "loras"
    where = place(folder, value)
    assert (where.path is None) != (where.refused is None)
    if where.path is not None:
        base = os.path.normpath(folder)
        path = os.path.normpath(where.path)
        assert path != base
        assert os.path.commonpath([base, path]) == base
        assert ".." not in Path(os.path.relpath(path, base)).parts
        assert where.path.is_relative_to(folder)
