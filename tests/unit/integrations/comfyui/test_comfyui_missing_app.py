"""``check_missing`` in the app layer: which install, present/elsewhere/missing, and the
resolvers in their order (workflow URL, index, history, library, search), on a temporary home
and database; the Hub search is replaced by a recorded function (tested on its own)."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from safetensors.numpy import save_file

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "app"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from manager_unit_helpers import make_suite
from tools_layouts import comfyui

from hfsuite.app.comfyui_fetch import plan_fetch, request_for
from hfsuite.app.comfyui_missing import KNOWN_MODELS_ENV, check_missing, pick_comfyui
from hfsuite.app.suite import Suite
from hfsuite.core.errors import UsageError, WorkflowError
from hfsuite.core.types import Outcome, SourceKind
from hfsuite.integrations.comfyui.resolve import Candidate
from hfsuite.storage.records import HistorySpec, ManifestEntry


@pytest.fixture
def suite(tmp_path: Path) -> Iterator[Suite]:
    made = make_suite(tmp_path)
    yield made
    made.close()


@pytest.fixture
def root(sandbox: Path) -> Path:
    return comfyui(sandbox / "ComfyUI")


def _flow(tmp_path: Path, *nodes: tuple[str, list[Any]], models: list[Any] | None = None) -> Path:
    data: dict[str, Any] = {
        "nodes": [
            {"id": i + 1, "type": t, "mode": 0, "widgets_values": w}
            for i, (t, w) in enumerate(nodes)
        ],
        "links": [],
    }
    if models:
        data["models"] = models
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(data))
    return path


class Searched:
    """A stand-in for the Hub search: records the names asked."""

    def __init__(self, answers: dict[str, list[Candidate]] | None = None):
        self.asked: list[str] = []
        self.answers = answers or {}

    def __call__(self, name: str) -> list[Candidate]:
        self.asked.append(name)
        return self.answers.get(name, [])


def test_one_install_is_picked_or_named(suite: Suite, root: Path, sandbox: Path) -> None:
    assert pick_comfyui(suite, None).root == root
    assert pick_comfyui(suite, str(root)).root == root
    assert pick_comfyui(suite, "comfyui").root == root
    with pytest.raises(UsageError, match="no such folder"):
        pick_comfyui(suite, str(sandbox / "nope"))
    (sandbox / "empty").mkdir()
    with pytest.raises(UsageError, match="not a ComfyUI install"):
        pick_comfyui(suite, str(sandbox / "empty"))
    with pytest.raises(UsageError, match="no ComfyUI install has that name"):
        pick_comfyui(suite, "comfyui-7")


def test_no_install_and_several_installs_are_errors(suite: Suite, sandbox: Path) -> None:
    with pytest.raises(UsageError, match="No ComfyUI install was found") as caught:
        pick_comfyui(suite, None)
    assert caught.value.exit_code == 2
    comfyui(sandbox / "ComfyUI")
    comfyui(sandbox / "comfy" / "ComfyUI")
    with pytest.raises(UsageError, match="2 ComfyUI installs are known"):
        pick_comfyui(suite, None)


def test_not_a_workflow_is_a_workflow_error(suite: Suite, root: Path, tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"a": 1}')
    with pytest.raises(WorkflowError):
        check_missing(suite, tmp_path / "x.json", use_search=False)
    with pytest.raises(WorkflowError):
        check_missing(suite, tmp_path / "none.json", use_search=False)


def test_the_resolvers_in_order(suite: Suite, root: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    index = tmp_path / "index.json"
    index.write_text(json.dumps({"format": "hfsuite-known-models", "models": [
        {"name": "declared.safetensors", "folder": "loras", "url": "https://example.org/index/declared.safetensors"},
        {"name": "indexed.safetensors", "folder": "loras", "url": "https://example.org/i.safetensors"},
    ]}))  # fmt: skip
    monkeypatch.setenv(KNOWN_MODELS_ENV, str(index))
    with suite.database.write() as uow:
        uow.history.add(
            HistorySpec(
                SourceKind.HUGGINGFACE, Outcome.COMPLETED, "/x", time.time(), repo_id="acme/old",
                files=[ManifestEntry("sub/history.safetensors", 10, "c" * 64)],
            )
        )  # fmt: skip
    searched = Searched(
        {
            "found.safetensors": [
                Candidate("search", "medium", "hub", "Comfy-Org/r", None, "found.safetensors")
            ]
        }
    )
    flow = _flow(
        tmp_path,
        ("LoraLoader", ["declared.safetensors", 1, 1]),
        ("LoraLoader", ["indexed.safetensors", 1, 1]),
        ("LoraLoader", ["history.safetensors", 1, 1]),
        ("LoraLoader", ["found.safetensors", 1, 1]),
        ("LoraLoader", ["nowhere.safetensors", 1, 1]),
        models=[{"name": "declared.safetensors", "directory": "loras",
                 "url": "https://huggingface.co/acme/d/resolve/main/declared.safetensors"}],
    )  # fmt: skip
    report = check_missing(suite, flow, search=searched)
    got = {i.ref.value: i.resolution for i in report.items}
    assert got["declared.safetensors"] == Candidate(
        "workflow", "high", "hub", "acme/d", "main", "declared.safetensors",
        "https://huggingface.co/acme/d/resolve/main/declared.safetensors",
    )  # fmt: skip
    indexed = got["indexed.safetensors"]
    assert indexed is not None and (indexed.source, indexed.kind) == ("index", "url")
    history = got["history.safetensors"]
    assert history is not None
    assert (history.source, history.repo_id, history.file) == (
        "history",
        "acme/old",
        "sub/history.safetensors",
    )
    assert got["found.safetensors"] is not None and got["found.safetensors"].source == "search"
    assert got["nowhere.safetensors"] is None
    assert searched.asked == ["found.safetensors", "nowhere.safetensors"]
    assert report.counts()["resolved"] == 4 and report.counts()["unresolved"] == 1
    steps = plan_fetch(report)
    assert [s.destination for s in steps] == [
        root / "models" / "loras" / n
        for n in (
            "declared.safetensors",
            "indexed.safetensors",
            "history.safetensors",
            "found.safetensors",
        )
    ]
    plain = request_for(report.tool, steps[1])
    assert plain.ref.source is SourceKind.URL and plain.destination is not None
    assert plain.destination.path == root / "models" / "loras"
    hub = request_for(report.tool, steps[0])
    assert (hub.ref.repo_id, list(hub.paths)) == ("acme/d", ["declared.safetensors"])


def test_elsewhere_on_disk_is_not_downloaded(suite: Suite, root: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-models"
    other.mkdir()
    save_file({"w": np.zeros((4,), dtype=np.float32)}, str(other / "kept.safetensors"))
    (root / "models" / "loras" / "here.safetensors").write_bytes(b"x")
    suite.library.scan([str(other)])
    searched = Searched()
    flow = _flow(
        tmp_path,
        ("LoraLoader", ["kept.safetensors", 1, 1]),
        ("LoraLoader", ["here.safetensors", 1, 1]),
    )
    report = check_missing(suite, flow, search=searched)
    items = {i.ref.value: i for i in report.items}
    assert items["here.safetensors"].status == "present"
    assert items["kept.safetensors"].status == "elsewhere"
    assert items["kept.safetensors"].found_at == other / "kept.safetensors"
    assert searched.asked == [] and plan_fetch(report) == []


def test_two_nodes_naming_one_file_make_one_download(
    suite: Suite, root: Path, tmp_path: Path
) -> None:
    answer = [Candidate("search", "medium", "hub", "o/r", None, "Wan/x.safetensors")]
    flow = _flow(
        tmp_path,
        ("LoraLoader", ["Wan/x.safetensors", 1, 1]),
        ("LoraLoaderModelOnly", ["Wan/x.safetensors", 1]),
    )
    report = check_missing(suite, flow, search=Searched({"x.safetensors": answer}))
    steps = plan_fetch(report)
    assert len(steps) == 1 and len(steps[0].items) == 2
    assert steps[0].destination == root / "models" / "loras" / "Wan" / "x.safetensors"


def test_a_downloaded_file_is_renamed_and_a_wrong_hash_moved_aside(tmp_path: Path) -> None:
    import hashlib

    from hfsuite.app.comfyui_fetch import FetchStep, _finish
    from hfsuite.app.comfyui_missing import MissingItem
    from hfsuite.core.errors import IntegrityError
    from hfsuite.integrations.comfyui.refs import ModelRef

    folder = tmp_path / "embeddings"
    folder.mkdir()
    landed = folder / "download.bin"
    landed.write_bytes(b"good")
    good = hashlib.sha256(b"good").hexdigest()
    ref = ModelRef("1", "x", "text", "neg.pt", "embeddings", hash=good, hash_type="sha256")
    step = FetchStep(folder / "neg.pt", "embeddings", Candidate("workflow", "high", "url", url="u"))
    step.items.append(MissingItem(ref, "missing", destination=step.destination))
    _finish(step, landed)
    assert (folder / "neg.pt").read_bytes() == b"good" and not landed.exists()

    bad = ModelRef("1", "x", "text", "neg2.pt", "embeddings", hash="0" * 64, hash_type="sha256")
    (folder / "neg2.pt").write_bytes(b"evil")
    step = FetchStep(
        folder / "neg2.pt", "embeddings", Candidate("workflow", "high", "url", url="u")
    )
    step.items.append(MissingItem(bad, "missing", destination=step.destination))
    with pytest.raises(IntegrityError, match=r"not the 0+ the workflow declares"):
        _finish(step, folder / "neg2.pt")
    assert not (folder / "neg2.pt").exists()
    assert (folder / "neg2.pt.sha256-mismatch").read_bytes() == b"evil"


def _documented_rows() -> list[Any]:
    import re

    doc = (Path(__file__).resolve().parents[4] / "docs" / "errors.md").read_text(encoding="utf-8")
    start = doc.index("## Missing models")
    section = doc[start : doc.index("\n## ", start + 1)]
    return [
        re.compile(
            "^"
            + "".join(
                ".+" if p.startswith("<") else re.escape(p) for p in re.split(r"(<[^>]+>)", m)
            )
            + "$"
        )
        for m in re.findall(r"^\| `([^`]+)` \| \d+ \|", section, flags=re.M)
    ]


def test_every_message_of_the_install_choice_is_documented(suite: Suite, sandbox: Path) -> None:
    rows = _documented_rows()
    messages: list[str] = []
    (sandbox / "empty").mkdir()
    for name in (None, str(sandbox / "nope"), str(sandbox / "empty"), "comfyui-9"):
        with pytest.raises(UsageError) as caught:
            pick_comfyui(suite, name)
        messages.append(caught.value.message)
    comfyui(sandbox / "ComfyUI")
    comfyui(sandbox / "comfy" / "ComfyUI")
    with pytest.raises(UsageError) as caught:
        pick_comfyui(suite, None)
    messages.append(caught.value.message)
    undocumented = [m for m in messages if not any(r.match(m) for r in rows)]
    assert not undocumented


def test_cancel_stops_the_running_download_and_keeps_its_partial_data(
    hub_factory: Any, tmp_path: Path, root: Path
) -> None:
    import threading

    from hfsuite.app.comfyui_fetch import FetchStep, run_fetch
    from hfsuite.app.comfyui_missing import MissingItem
    from hfsuite.core.errors import OperationCancelled
    from hfsuite.core.events import TransferProgressed
    from hfsuite.integrations.comfyui.refs import ModelRef

    hub = hub_factory(lfs_threshold=1024)
    hub.create_repo("o/big", files={"big.safetensors": os.urandom(2 << 20)})
    hub.throttle(total_bps=256 << 10)
    suite = make_suite(tmp_path / "s", HF_ENDPOINT=hub.url)
    try:
        tool = pick_comfyui(suite, str(root))
        dest = root / "models" / "loras" / "big.safetensors"
        ref = ModelRef("1", "LoraLoader", "lora_name", "big.safetensors", "loras")
        first = FetchStep(
            dest, "loras", Candidate("search", "medium", "hub", "o/big", None, "big.safetensors")
        )
        first.items.append(MissingItem(ref, "missing", destination=dest))
        second = FetchStep(root / "models" / "loras" / "b.safetensors", "loras", first.candidate)
        cancel = threading.Event()

        def on_event(event: object) -> None:
            if isinstance(event, TransferProgressed) and event.done_bytes > 0:
                cancel.set()

        with pytest.raises(OperationCancelled):
            run_fetch(suite, tool, [first, second], on_event=on_event, cancel=cancel, poll_s=0.05)
        assert cancel.is_set()
        assert not dest.exists()
        assert second.result == "planned"
        kept = [
            p for p in (root / "models" / "loras").rglob("*") if p.is_file() and p.stat().st_size
        ]
        assert kept, "the partial data is kept for the next run"
    finally:
        suite.close()


SHARED = Path(__file__).resolve().parents[5] / "shared" / "testdata" / "comfyui"


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared ComfyUI test data not found at {SHARED}")
def test_real_workflows_and_model_path_files(suite: Suite, root: Path) -> None:
    """Workflows and images from public repositories against an install with a real
    extra_model_paths.yaml: every reference gets a status, a refused one a reason, and every
    destination is inside its key's download folder."""
    yaml = next((SHARED / "extra_model_paths").glob("comfyui_official*"))
    (root / "extra_model_paths.yaml").write_text(yaml.read_text(encoding="utf-8"))
    tool = pick_comfyui(suite, str(root))
    checked = 0
    for folder in ("ui_json", "api_json", "images"):
        for path in sorted((SHARED / folder).iterdir()):
            try:
                report = check_missing(suite, path, str(root), use_search=False)
            except WorkflowError:
                continue
            for item in report.items:
                assert item.status in ("present", "elsewhere", "missing", "refused", "inactive")
                if item.status == "refused":
                    assert item.reason
                if item.destination is not None:
                    key = item.ref.folder
                    assert key is not None
                    assert item.destination.is_relative_to(tool.default_folder[key])
                checked += 1
    assert checked > 50
