"""Destinations in the app: the default choice, what a source can use, the one layout factory."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from manager_unit_helpers import record

from hfsuite.app.download.destinations import (
    ByNameLayout,
    default_destination,
    destination_for,
    files_folder,
    layout_for,
)
from hfsuite.app.download.operation import DownloadRequest, request_destination
from hfsuite.app.queue.tasks import TaskOptions, request_for, spec_for
from hfsuite.config import Settings
from hfsuite.core.destination import Destination, DestinationKind
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import Layout, RepoRef, RepoType, SourceKind, TaskState
from hfsuite.engine.layouts import HFCacheLayout, LocalDirLayout

COMMIT = "c" * 40
HF = RepoRef("acme/gpt2")
MS = RepoRef("qwen/Qwen2-0.5B", source=SourceKind.MODELSCOPE)
URL = RepoRef("https://example.org/f.safetensors", source=SourceKind.URL)


def _settings(tmp_path: Path, layout: Layout = Layout.HF_CACHE) -> Settings:
    return Settings(download_dir=tmp_path / "dl", hf_home=tmp_path / "hf", layout=layout)


# --- the default choice ---------------------------------------------------------------------


def test_default_follows_the_layout_setting_for_hub_repositories(tmp_path: Path) -> None:
    cache, folder = _settings(tmp_path), _settings(tmp_path, Layout.LOCAL_DIR)
    assert default_destination(cache, HF) == Destination.hf_cache(tmp_path / "hf" / "hub")
    assert default_destination(folder, HF) == Destination.folder(tmp_path / "dl" / "gpt2")


def test_an_explicit_kind_overrides_the_setting(tmp_path: Path) -> None:
    folder_setting = _settings(tmp_path, Layout.LOCAL_DIR)
    assert default_destination(folder_setting, HF, DestinationKind.HF_CACHE).is_hf_cache
    cache_setting = _settings(tmp_path)
    assert default_destination(cache_setting, HF, DestinationKind.FOLDER) == Destination.folder(
        tmp_path / "dl" / "gpt2"
    )


def test_sources_without_an_hf_cache_default_to_a_folder(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    for kind in (None, DestinationKind.HF_CACHE):
        assert default_destination(settings, MS, kind) == Destination.folder(
            tmp_path / "dl" / "Qwen2-0.5B"
        )
        assert default_destination(settings, URL, kind) == Destination.folder(tmp_path / "dl")


def test_without_a_repository_the_folder_is_download_dir(tmp_path: Path) -> None:
    settings = _settings(tmp_path, Layout.LOCAL_DIR)
    assert default_destination(settings) == Destination.folder(tmp_path / "dl")
    assert default_destination(settings, kind=DestinationKind.HF_CACHE).is_hf_cache


# --- what was chosen, and what a source can use -------------------------------------------------


def test_a_chosen_destination_wins_and_home_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    settings = _settings(tmp_path, Layout.LOCAL_DIR)
    chosen = Destination.hf_cache("~/cache")
    assert destination_for(settings, HF, chosen) == Destination.hf_cache(tmp_path / "home/cache")
    for ref in (HF, MS, URL):
        assert destination_for(settings, ref, Destination.folder("/x")) == Destination.folder("/x")


def test_a_cache_chosen_for_another_source_gives_way_to_its_folder(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    cache = Destination.hf_cache(tmp_path / "c")
    assert destination_for(settings, MS, cache) == Destination.folder(tmp_path / "dl/Qwen2-0.5B")
    assert destination_for(settings, URL, cache) == Destination.folder(tmp_path / "dl")


def test_a_direct_download_defaults_to_the_cache_whatever_the_setting(tmp_path: Path) -> None:
    settings = _settings(tmp_path, Layout.LOCAL_DIR)
    assert request_destination(settings, DownloadRequest(HF)).is_hf_cache
    assert request_destination(settings, DownloadRequest(URL)) == Destination.folder(
        tmp_path / "dl"
    )


def test_queued_tasks_store_the_destination_and_read_it_back(tmp_path: Path) -> None:
    settings = _settings(tmp_path, Layout.LOCAL_DIR)
    spec = spec_for(HF, TaskOptions(), settings)
    assert (spec.layout, spec.destination) == (Layout.LOCAL_DIR, str(tmp_path / "dl" / "gpt2"))
    chosen = TaskOptions(destination=Destination.hf_cache("rel/cache"))
    spec = spec_for(HF, chosen, settings)
    assert (spec.layout, spec.destination) == (Layout.HF_CACHE, str(Path.cwd() / "rel/cache"))
    task = replace(record(1, TaskState.QUEUED), destination=spec.destination, layout=spec.layout)
    assert request_for(task).destination == Destination.hf_cache(Path.cwd() / "rel/cache")


# --- the one layout factory -------------------------------------------------------------------


def test_layout_for_builds_the_engine_layout_of_each_kind(tmp_path: Path) -> None:
    remote = RemoteFile("sub/w.bin", 1, "http://h/w", blob_id="b" * 40)
    snapshot = RepoSnapshot(HF, COMMIT, (remote,))
    cache = layout_for(Destination.hf_cache(tmp_path / "c"), snapshot)
    assert isinstance(cache, HFCacheLayout) and cache.root == tmp_path / "c"
    assert cache.target(remote).final_path == (
        tmp_path / "c" / "models--acme--gpt2" / "snapshots" / COMMIT / "sub" / "w.bin"
    )
    folder = layout_for(Destination.folder(tmp_path / "f"), snapshot)
    assert isinstance(folder, LocalDirLayout) and folder.root == tmp_path / "f"
    assert folder.target(remote).final_path == tmp_path / "f" / "sub" / "w.bin"
    # a tool's folder takes files by name (docs/profiles.md)
    tool = layout_for(Destination.tool_folder("comfyui", "loras", tmp_path / "f"), snapshot)
    assert isinstance(tool, ByNameLayout) and tool.root == tmp_path / "f"
    assert tool.target(remote).final_path == tmp_path / "f" / "w.bin"


def test_files_folder_is_the_repository_folder_in_the_cache() -> None:
    cache = Destination.hf_cache("/hf")
    assert files_folder(cache, "org/data", RepoType.DATASET) == Path("/hf/datasets--org--data")
    assert files_folder(cache, None, RepoType.MODEL) == Path("/hf")
    assert files_folder(Destination.folder("/m"), "acme/gpt2", RepoType.MODEL) == Path("/m")


def test_engine_layouts_are_built_in_one_place_only() -> None:
    package = Path(__file__).parents[3] / "src" / "hfsuite"
    builds = re.compile(r"\b(HFCacheLayout|LocalDirLayout)\(")
    places = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.parts[-2] not in ("engine", "testing") and builds.search(path.read_text())
    )
    assert places == ["app/download/destinations.py"]
