"""ModelScope listings without sizes: each such file's HEAD says its size, never a 0 guess."""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.request
from pathlib import Path

import pytest

from hfsuite.app.download.operation import DownloadRequest, download
from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.core.destination import Destination
from hfsuite.core.errors import ServerError
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.engine.http import HttpClient
from hfsuite.sources.modelscope import ModelScopeSource
from hfsuite.testing import HubEmulator

MIB = 1024 * 1024
FILES = {
    "configuration.json": b'{"framework": "pytorch"}',
    "empty.txt": b"",
    "weights/model.safetensors": hashlib.sha256(b"w").digest() * (MIB // 16 + 5),
}
MODEL = RepoRef("qwen/sparse", source=SourceKind.MODELSCOPE)


@pytest.fixture
def sparse_hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB, sparse_listing=True)
    hub.create_repo("qwen/sparse", files=FILES)
    hub.create_repo("qwen/sparse-data", repo_type="dataset", files={"train.csv": b"a,b\n1,2\n"})
    return hub


@pytest.fixture
def suite(tmp_path: Path, sparse_hub: HubEmulator) -> Suite:
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    env = {
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"),
        "MODELSCOPE_ENDPOINT": sparse_hub.url,
    }
    s = Suite(store.load(env=env), store)
    yield s
    s.close()


def _heads(hub: HubEmulator, count: int) -> list[str]:
    deadline = time.monotonic() + 5  # a request is logged just after its answer is sent
    while True:
        heads = [r.path for r in hub.log.filter(method="HEAD", origin="hub")]
        if len(heads) >= count or time.monotonic() > deadline:
            return heads
        time.sleep(0.02)


def test_the_knob_strips_modelscope_sizes_and_hashes(sparse_hub: HubEmulator) -> None:
    url = f"{sparse_hub.url}/api/v1/models/qwen/sparse/repo/files?Recursive=True"
    with urllib.request.urlopen(url, timeout=10) as resp:
        entries = json.loads(resp.read())["Data"]["Files"]
    blobs = [e for e in entries if e["Type"] == "blob"]
    assert {e["Path"] for e in blobs} == set(FILES)
    assert all("Size" not in e and "Sha256" not in e for e in blobs)


def test_snapshot_learns_each_size_by_head(sparse_hub: HubEmulator) -> None:
    source = ModelScopeSource(sparse_hub.url, HttpClient())
    snap = source.snapshot(MODEL)
    by_path = {f.path: f for f in snap.files}
    assert sorted(by_path) == sorted(FILES)
    for path, content in FILES.items():
        assert by_path[path].size == len(content), path
    assert len(_heads(sparse_hub, len(FILES))) == len(FILES)

    data = source.snapshot(
        RepoRef("qwen/sparse-data", RepoType.DATASET, source=SourceKind.MODELSCOPE)
    )
    assert [(f.path, f.size) for f in data.files] == [("train.csv", 8)]


def test_download_from_a_sizeless_listing(suite: Suite, tmp_path: Path) -> None:
    local = tmp_path / "ms"
    request = DownloadRequest(MODEL, destination=Destination.folder(local))
    outcome = download(suite, request)
    assert outcome.downloaded_bytes == sum(len(v) for v in FILES.values())
    for path, content in FILES.items():
        assert (local / path).read_bytes() == content, path
    assert download(suite, request).downloaded_bytes == 0


def test_a_size_no_head_tells_is_an_error_naming_the_file(sparse_hub: HubEmulator) -> None:
    sparse_hub.add_fault("*/repo", methods=["HEAD"], status=404)
    with pytest.raises(ServerError, match=r"size of '[^']+' in qwen/sparse") as caught:
        ModelScopeSource(sparse_hub.url, HttpClient()).snapshot(MODEL)
    assert "HTTP 404" in caught.value.message
