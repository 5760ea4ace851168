"""Profiles and ``--to TOOL:KIND`` in the app layer: tools laid out in a temporary home (never
the real one), profiles stored in a temporary database, files laid out by name."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integrations"))
from manager_unit_helpers import make_suite
from tools_layouts import a1111, comfyui, fooocus

from hfsuite.app.download.destinations import (
    BY_NAME_RECORD,
    ByNameLayout,
    layout_for,
    lays_out_by_name,
)
from hfsuite.app.profiles import ProfileDefaults, ProfileService, resolve_download_target
from hfsuite.app.suite import Suite
from hfsuite.app.tool_targets import find_tool, parse_to, target_destination, tool_target
from hfsuite.app.tools import ToolRegistry
from hfsuite.core.destination import Destination, DestinationKind
from hfsuite.core.errors import UsageError
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.engine.verify import Expectation
from hfsuite.integrations.tools.host import Host

COMMIT = "c" * 40
GGUF = RepoRef("TheOrg/Tiny-GGUF")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    comfyui(home / "ComfyUI")
    (home / ".lmstudio" / "models").mkdir(parents=True)
    (home / ".ollama" / "models" / "manifests").mkdir(parents=True)
    return home


@pytest.fixture
def registry(tmp_path: Path, home: Path) -> ToolRegistry:
    return ToolRegistry(tmp_path / "config", Host(home=home, system=False))


@pytest.fixture
def suite(tmp_path: Path) -> Iterator[Suite]:
    made = make_suite(tmp_path)
    yield made
    made.close()


@pytest.fixture
def service(suite: Suite, registry: ToolRegistry) -> ProfileService:
    return ProfileService(suite, registry)


# --- --to TOOL:KIND --------------------------------------------------------------------------


def test_parse_to_splits_at_the_last_colon() -> None:
    assert parse_to("comfyui:loras") == ("comfyui", "loras")
    assert parse_to(r"C:\apps\ComfyUI:loras") == (r"C:\apps\ComfyUI", "loras")
    for bad in ("comfyui", ":loras", "comfyui:", " : "):
        with pytest.raises(UsageError, match="is not TOOL:KIND"):
            parse_to(bad)


def test_find_tool_by_type_name_alias_and_folder(registry: ToolRegistry, home: Path) -> None:
    detection = registry.detect()
    assert find_tool(detection, "comfyui").root == home / "ComfyUI"
    assert find_tool(detection, "lmstudio").kind == "lmstudio"
    assert find_tool(detection, str(home / "ComfyUI")).name == "comfyui"
    assert find_tool(detection, "comfyui-1").name == "comfyui"
    with pytest.raises(UsageError, match=r"No tool is named 'comfy-ui'\. Did you mean comfyui"):
        find_tool(detection, "comfy-ui")
    with pytest.raises(UsageError, match="No known tool is installed at"):
        find_tool(detection, str(home / "elsewhere"))
    with pytest.raises(UsageError, match="No Fooocus install is known"):
        find_tool(detection, "fooocus")


def test_a_type_with_two_installs_is_ambiguous(
    registry: ToolRegistry, home: Path, tmp_path: Path
) -> None:
    other = comfyui(tmp_path / "srv" / "ComfyUI")
    registry.add(other)
    detection = registry.detect()
    with pytest.raises(UsageError) as caught:
        find_tool(detection, "comfyui")
    message = caught.value.message
    assert message.startswith("2 ComfyUI installs are known:")
    assert f"comfyui-1 ({home / 'ComfyUI'})" in message and f"comfyui-2 ({other})" in message
    assert "--to comfyui-2:KIND" in (caught.value.hint or "")
    assert find_tool(detection, "comfyui-2").root == other
    assert find_tool(detection, "comfyui-1").root == home / "ComfyUI"


def test_tool_target_kinds_and_ollama(registry: ToolRegistry, home: Path) -> None:
    detection = registry.detect()
    comfy = find_tool(detection, "comfyui")
    assert tool_target(comfy, "loras").folder == home / "ComfyUI" / "models" / "loras"
    with pytest.raises(UsageError, match=r"Unknown model kind 'lora'\. Did you mean loras"):
        tool_target(comfy, "lora")
    with pytest.raises(UsageError, match=r"ComfyUI \(comfyui\) has no folder for llm\."):
        tool_target(comfy, "llm")
    with pytest.raises(UsageError, match="Ollama is not a download destination"):
        tool_target(find_tool(detection, "ollama"), "llm")


def test_target_destination_comfyui_and_lmstudio(registry: ToolRegistry, home: Path) -> None:
    detection = registry.detect()
    loras = tool_target(find_tool(detection, "comfyui"), "loras")
    assert target_destination(loras, GGUF) == Destination.tool_folder(
        "comfyui", "loras", home / "ComfyUI" / "models" / "loras"
    )
    assert target_destination(loras, GGUF, "sdxl").path == loras.folder / "sdxl"
    llm = tool_target(find_tool(detection, "lmstudio"), "llm")
    models = home / ".lmstudio" / "models"
    assert target_destination(llm, GGUF) == Destination.folder(models / "TheOrg" / "Tiny-GGUF")
    assert target_destination(llm, RepoRef("gpt2")).path == models / "gpt2" / "gpt2"
    url = RepoRef("https://example.org/f/tiny.gguf", source=SourceKind.URL)
    assert target_destination(llm, url).path == models / "example.org" / "tiny"
    with pytest.raises(UsageError, match="does not apply to LM Studio"):
        target_destination(llm, GGUF, "x")


# --- laying files out by name --------------------------------------------------------------


def test_by_name_layout_flattens_and_refuses_two_files_of_one_name(tmp_path: Path) -> None:
    deep = RemoteFile("split_files/loras/x.safetensors", 3, "http://h/x", blob_id="b" * 40)
    twin = RemoteFile("other/x.safetensors", 3, "http://h/y", blob_id="d" * 40)
    snapshot = RepoSnapshot(GGUF, COMMIT, (deep, twin))
    layout = layout_for(Destination.tool_folder("comfyui", "loras", tmp_path / "l"), snapshot)
    assert isinstance(layout, ByNameLayout)
    target = layout.target(deep)
    assert target.remote is deep and target.final_path == tmp_path / "l" / "x.safetensors"
    assert target.partial_path.parent == tmp_path / "l" / ".cache" / "huggingface" / "download"
    target.partial_path.parent.mkdir(parents=True)
    target.partial_path.write_bytes(b"abc")
    assert layout.place(target) == tmp_path / "l" / "x.safetensors"
    assert layout.is_complete(target, Expectation(3, None, None), repair=False)
    with pytest.raises(UsageError, match=r"would both land as x\.safetensors"):
        layout.target(twin)


def test_a_file_another_repository_put_there_is_not_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "loras"
    one = RemoteFile("pytorch_lora_weights.safetensors", 3, "http://h/1", blob_id="1" * 40)
    two = RemoteFile("sub/pytorch_lora_weights.safetensors", 5, "http://h/2", blob_id="2" * 40)
    first = ByNameLayout(folder, COMMIT, "huggingface:model:acme/one")
    target = first.target(one)
    target.partial_path.parent.mkdir(parents=True)
    target.partial_path.write_bytes(b"one")
    first.place(target)

    other = ByNameLayout(folder, COMMIT, "huggingface:model:acme/two")
    with pytest.raises(UsageError, match=r"already there with other content \(from acme/one\)"):
        other.is_complete(other.target(two), Expectation.for_file(two))
    again = ByNameLayout(folder, "d" * 40, "huggingface:model:acme/one")  # a newer revision
    assert again.is_complete(again.target(two), Expectation.for_file(two)) is False
    (folder / "mine.safetensors").write_bytes(b"user")
    theirs = RemoteFile("mine.safetensors", 5, "http://h/3", blob_id="3" * 40)
    with pytest.raises(UsageError, match=r"not downloaded by hfsuite"):
        other.is_complete(other.target(theirs), Expectation.for_file(theirs))
    assert (folder / "pytorch_lora_weights.safetensors").read_bytes() == b"one"


def test_a_remembered_folder_is_laid_out_by_name_from_the_queue(tmp_path: Path) -> None:
    from hfsuite.app.download.destinations import remember_by_name

    folder = tmp_path / "models" / "loras"
    plain = Destination.folder(folder)
    assert not lays_out_by_name(plain)
    remember_by_name(folder, "comfyui", "loras")
    remember_by_name(folder, "comfyui", "loras")  # twice is once
    assert (folder / BY_NAME_RECORD).is_file()
    assert lays_out_by_name(plain) and not lays_out_by_name(Destination.hf_cache(folder))


# --- the profile service -------------------------------------------------------------------


def test_detect_is_idempotent_and_never_overwrites_a_person_s_profile(
    service: ProfileService, home: Path, tmp_path: Path
) -> None:
    first = service.detect()
    status = {p.name: s for s, p in first.results}
    assert status["comfyui-loras"] == "created" and status["lmstudio-llm"] == "created"
    assert not any(name.startswith("ollama") for name in status)
    assert {s for s, _ in service.detect().results} == {"unchanged"}

    mine = service.build("comfyui-loras", folder=tmp_path / "mine")
    replaced, stored = service.add(mine, replace_existing=True)
    assert replaced and stored.origin == "manual"
    third = {p.name: (s, p) for s, p in service.detect().results}
    assert third["comfyui-loras"][0] == "kept"
    assert third["comfyui-loras"][1].path == tmp_path / "mine"
    assert service.get("comfyui-loras").kind is DestinationKind.FOLDER


def test_detect_follows_a_moved_tool_and_names_stale_profiles(
    service: ProfileService, suite: Suite, registry: ToolRegistry, home: Path, tmp_path: Path
) -> None:
    service.detect()
    (home / "ComfyUI").rename(tmp_path / "ComfyUI")
    registry.add(tmp_path / "ComfyUI")
    again = ProfileService(suite, registry).detect()
    status = {p.name: (s, p) for s, p in again.results}
    assert status["comfyui-loras"][0] == "updated"
    assert status["comfyui-loras"][1].path == tmp_path / "ComfyUI" / "models" / "loras"
    (tmp_path / "ComfyUI").rename(tmp_path / "gone")
    last = ProfileService(suite, registry).detect()
    assert "comfyui-loras" in last.stale
    assert last.problems  # the added folder no longer holds ComfyUI


def test_add_show_rm_and_defaults(service: ProfileService, tmp_path: Path) -> None:
    defaults = ProfileDefaults(("*.gguf",), ("*f16*",), 4, 1_000_000)
    built = service.build("ggufs", to="lmstudio:llm", defaults=defaults)
    _, stored = service.add(built)
    got = service.get("ggufs")
    assert got == stored and got.defaults == defaults and got.files == "by-name"
    data = got.to_json()
    assert (data["tool_type"], data["model_kind"], data["include"]) == (
        "lmstudio",
        "llm",
        ["*.gguf"],
    )
    with pytest.raises(UsageError, match="already exists"):
        service.add(built)
    with pytest.raises(UsageError, match=r"No profile named 'gguf'\. Did you mean ggufs"):
        service.get("gguf")
    assert service.remove("ggufs").name == "ggufs"
    assert service.list_profiles() == []
    with pytest.raises(UsageError, match="needs one destination"):
        service.build("x")
    with pytest.raises(UsageError, match="Give only one of --to, --folder"):
        service.build("x", to="comfyui:loras", folder=tmp_path)
    with pytest.raises(UsageError, match="is not a profile name"):
        service.build("-x", hf_cache=True)
    with pytest.raises(UsageError, match="--subfolder applies to a tool's folder"):
        service.build("x", folder=tmp_path, subfolder="a")
    cache = service.build("cache", hf_cache=True)
    assert cache.kind is DestinationKind.HF_CACHE and cache.files == "hf-cache"


def test_resolve_download_target(service: ProfileService, suite: Suite, home: Path) -> None:
    def resolve(**kw: object) -> object:
        return resolve_download_target(suite, GGUF, service=service, **kw)  # type: ignore[arg-type]

    assert resolve() is None
    service.detect()
    found = resolve(profile="comfyui-loras", subfolder="sdxl")
    assert found.destination.path == home / "ComfyUI" / "models" / "loras" / "sdxl"  # type: ignore[attr-defined]
    assert found.by_name == ("comfyui", "loras")  # type: ignore[attr-defined]
    lm = resolve(to="lmstudio:llm")
    assert lm.destination.path == home / ".lmstudio" / "models" / "TheOrg" / "Tiny-GGUF"  # type: ignore[attr-defined]
    lm.remember()  # type: ignore[attr-defined]
    assert lays_out_by_name(lm.destination)  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match="--profile and --to both"):
        resolve(profile="comfyui-loras", to="comfyui:loras")
    with pytest.raises(UsageError, match="--profile and --local-dir both"):
        resolve(profile="comfyui-loras", chosen=Destination.folder("x"))
    with pytest.raises(UsageError, match="--to and --cache-dir both"):
        resolve(to="comfyui:loras", chosen=Destination.hf_cache("x"))
    with pytest.raises(UsageError, match="--subfolder applies with --to"):
        resolve(subfolder="x")


def test_a_profile_whose_tool_is_gone_says_so(
    service: ProfileService, home: Path, tmp_path: Path
) -> None:
    service.detect()
    (home / "ComfyUI").rename(tmp_path / "moved")
    profile = service.get("comfyui-loras")
    assert profile.to_json()["exists"] is False
    with pytest.raises(UsageError) as caught:
        service.profile_destination(profile, GGUF)
    assert "The tool of profile comfyui-loras is gone" in caught.value.message
    assert "profiles detect" in (caught.value.hint or "")


def test_other_tools_get_profiles_too(tmp_path: Path, suite: Suite) -> None:
    home = tmp_path / "h2"
    a1111(home / "stable-diffusion-webui")
    fooocus(home / "Fooocus")
    registry = ToolRegistry(tmp_path / "config2", Host(home=home, system=False))
    names = {p.name for _, p in ProfileService(suite, registry).detect().results}
    assert {"a1111-checkpoints", "a1111-loras", "fooocus-loras"} <= names


# --- the calls the command line and the window share --------------------------------------


def test_request_and_queue_with_a_profile_or_a_tool(
    service: ProfileService, suite: Suite, home: Path
) -> None:
    from hfsuite.app.download.operation import DownloadRequest
    from hfsuite.app.download_targets import queue_with_target, request_with_target
    from hfsuite.app.queue.add_ops import AddTarget
    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.app.queue.tasks import TaskOptions, request_for

    service.add(
        service.build(
            "ggufs", to="lmstudio:llm", defaults=ProfileDefaults(("*.gguf",), (), 3, None)
        )
    )
    asked = DownloadRequest(ref=GGUF, exclude=["*f16*"], connections=None)
    placed, target = request_with_target(suite, asked, profile="ggufs", service=service)
    models = home / ".lmstudio" / "models"
    assert placed.destination == Destination.folder(models / "TheOrg" / "Tiny-GGUF")
    assert (placed.include, placed.exclude, placed.connections) == (["*.gguf"], ["*f16*"], 3)
    assert target is not None and target.profile is not None
    assert lays_out_by_name(Destination.folder(models / "TheOrg" / "Tiny-GGUF"))
    dry, _ = request_with_target(
        suite, DownloadRequest(ref=RepoRef("a/b")), to="lmstudio:llm", dry_run=True,
        service=service,
    )  # fmt: skip
    assert not lays_out_by_name(dry.destination)  # a dry run writes nothing
    same, none = request_with_target(suite, asked, service=service)
    assert same is asked and none is None

    manager = DownloadManager(suite)
    targets = [AddTarget("TheOrg/Tiny-GGUF", GGUF), AddTarget("a/b", RepoRef("a/b"))]
    ids = queue_with_target(
        manager, targets, TaskOptions(paused=True), profile="ggufs", service=service
    )
    tasks = [manager.get(i) for i in ids]
    assert [t.destination for t in tasks if t] == [
        str(models / "TheOrg" / "Tiny-GGUF"),
        str(models / "a" / "b"),
    ]
    profile_id = service.get("ggufs").id
    assert all(t is not None and t.profile_id == profile_id for t in tasks)
    task = tasks[1]
    assert task is not None and list(task.include) == ["*.gguf"]
    rebuilt = request_for(task).destination
    assert rebuilt is not None and lays_out_by_name(rebuilt)  # the queue lays it out by name


def test_a_suggestion_names_each_tool_once(registry: ToolRegistry) -> None:
    with pytest.raises(UsageError) as caught:
        find_tool(registry.detect(), "comfy")
    assert caught.value.message == "No tool is named 'comfy'. Did you mean comfyui?"
