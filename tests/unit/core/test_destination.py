"""Destination: the three kinds, what callers ask of them, and their two text forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfsuite.core.destination import MODEL_KINDS, Destination, DestinationKind
from hfsuite.core.types import Layout


def test_constructors_and_what_callers_ask() -> None:
    cache = Destination.hf_cache("/hf/hub")
    folder = Destination.folder(Path("/models/gpt2"))
    tool = Destination.tool_folder("comfyui", "loras", "/comfy/models/loras")
    assert (cache.kind, cache.path, cache.is_hf_cache) == (
        DestinationKind.HF_CACHE,
        Path("/hf/hub"),
        True,
    )
    assert (folder.kind, folder.is_hf_cache, folder.tool) == (DestinationKind.FOLDER, False, None)
    assert (tool.tool, tool.model_kind, tool.is_hf_cache) == ("comfyui", "loras", False)
    assert [d.layout for d in (cache, folder, tool)] == [
        Layout.HF_CACHE,
        Layout.LOCAL_DIR,
        Layout.LOCAL_DIR,
    ]


def test_values_compare_and_hash_by_content() -> None:
    assert Destination.folder("/a") == Destination.folder(Path("/a"))
    assert Destination.folder("/a") != Destination.hf_cache("/a")
    assert len({Destination.folder("/a"), Destination.folder("/a")}) == 1
    with pytest.raises(AttributeError):
        Destination.folder("/a").path = Path("/b")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("tool", "kind"),
    [("", "loras"), ("Comfy UI", "loras"), ("comfyui", "nope"), ("comfyui", None)],
)
def test_tool_folder_refuses_bad_tool_or_model_kind(tool: str, kind: str | None) -> None:
    with pytest.raises(ValueError):
        Destination(DestinationKind.TOOL_FOLDER, Path("/x"), tool, kind)


def test_only_a_tool_folder_has_a_tool() -> None:
    with pytest.raises(ValueError, match="no tool"):
        Destination(DestinationKind.FOLDER, Path("/x"), "comfyui", "loras")


def test_model_kinds_are_comfyui_folder_keys() -> None:
    assert {"checkpoints", "loras", "vae", "controlnet", "upscale_models"} <= set(MODEL_KINDS)
    assert len(set(MODEL_KINDS)) == len(MODEL_KINDS)


def test_paths_expand_home_and_become_absolute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/ann")
    tool = Destination.tool_folder("comfyui", "vae", "~/comfy/vae")
    assert tool.expanded() == Destination.tool_folder("comfyui", "vae", "/home/ann/comfy/vae")
    relative = Destination.folder("models").absolute()
    assert relative.path == Path.cwd() / "models" and relative.kind is DestinationKind.FOLDER


def test_subfolder_keeps_the_kind_but_not_for_the_cache() -> None:
    tool = Destination.tool_folder("comfyui", "loras", "/c/loras")
    assert tool.subfolder("style") == Destination.tool_folder("comfyui", "loras", "/c/loras/style")
    assert Destination.folder("/m").subfolder("gpt2") == Destination.folder("/m/gpt2")
    with pytest.raises(ValueError):
        Destination.hf_cache("/hf").subfolder("gpt2")


@pytest.mark.parametrize(
    ("destination", "text"),
    [
        (Destination.hf_cache("/hf/hub"), "hf-cache:/hf/hub"),
        (Destination.folder("/m/a:b"), "folder:/m/a:b"),
        (Destination.tool_folder("comfyui", "loras", "/c/loras"), "tool:comfyui/loras:/c/loras"),
    ],
)
def test_text_form_is_stable_and_round_trips(destination: Destination, text: str) -> None:
    assert destination.to_text() == text == str(destination)
    assert Destination.parse(text) == destination


@pytest.mark.parametrize(
    "text", ["", "/just/a/path", "folder:", "cloud:/x", "tool:comfyui:/x", "tool:comfyui/loras:"]
)
def test_parse_refuses_what_is_not_a_destination(text: str) -> None:
    with pytest.raises(ValueError):
        Destination.parse(text)


def test_database_columns_map_both_ways() -> None:
    cache = Destination.hf_cache("/hf/hub")
    folder = Destination.folder("/m/gpt2")
    assert cache.stored() == (Layout.HF_CACHE, "/hf/hub")
    assert folder.stored() == (Layout.LOCAL_DIR, "/m/gpt2")
    assert Destination.from_stored(*cache.stored()) == cache
    assert Destination.from_stored(*folder.stored()) == folder


def test_a_stored_tool_folder_reads_back_as_the_folder_it_resolves_to() -> None:
    tool = Destination.tool_folder("comfyui", "loras", "/c/m/loras")
    assert tool.stored() == (Layout.LOCAL_DIR, "/c/m/loras")
    assert Destination.from_stored(*tool.stored()) == Destination.folder("/c/m/loras")


def test_kind_of_the_layout_setting() -> None:
    assert DestinationKind.of_layout(Layout.HF_CACHE) is DestinationKind.HF_CACHE
    assert DestinationKind.of_layout(Layout.LOCAL_DIR) is DestinationKind.FOLDER
