"""Listings without sizes or hashes (older mirrors, proxies): each file's HEAD fills them in."""

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
from hfsuite.core.types import RepoRef
from hfsuite.sources.huggingface import HuggingFaceSource
from hfsuite.testing import HubEmulator

MIB = 1024 * 1024


def _bytes(size: int, seed: int) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest() * 2048
    return (block * (size // len(block) + 1))[:size]


FILES = {
    "config.json": b'{"model_type": "sparse"}',
    "README.md": b"# sparse\n",
    "empty.txt": b"",
    "weights/model.safetensors": _bytes(3 * MIB + 17, seed=3),
    "weights/extra.bin": _bytes(2 * MIB, seed=4),
}


@pytest.fixture
def suite(tmp_path: Path) -> Suite:
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    s = Suite(
        store.load(
            env={
                "HFSUITE_DB_URL": os.environ.get(
                    "HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"
                )
            }
        ),
        store,
    )
    yield s
    s.close()


@pytest.fixture
def sparse_hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=1 * MIB, sparse_listing=True)
    hub.create_repo("acme/sparse", files=FILES)
    return hub


def _get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


def test_the_knob_strips_sizes_and_hashes_from_every_listing(sparse_hub) -> None:  # type: ignore[no-untyped-def]
    info = _get_json(f"{sparse_hub.url}/api/models/acme/sparse?blobs=true")
    assert isinstance(info, dict)
    assert all(set(s) == {"rfilename"} for s in info["siblings"])
    tree = _get_json(f"{sparse_hub.url}/api/models/acme/sparse/tree/main?recursive=true")
    assert isinstance(tree, list)
    assert {e["path"] for e in tree if e["type"] == "file"} == set(FILES)
    assert all(set(e) == {"type", "path"} for e in tree if e["type"] == "file")
    sparse_hub.settings.update({"sparse_listing": False})
    full = _get_json(f"{sparse_hub.url}/api/models/acme/sparse?blobs=true")
    assert isinstance(full, dict)
    assert all("size" in s and "blobId" in s for s in full["siblings"])


def test_snapshot_fills_sizes_and_etags_by_head(sparse_hub) -> None:  # type: ignore[no-untyped-def]
    snap = HuggingFaceSource(sparse_hub.url).snapshot(RepoRef("acme/sparse"))
    by_path = {f.path: f for f in snap.files}
    assert sorted(by_path) == sorted(FILES)
    for path, content in FILES.items():
        assert by_path[path].size == len(content), path
    weights = by_path["weights/model.safetensors"]
    assert weights.lfs and weights.sha256 == hashlib.sha256(FILES[weights.path]).hexdigest()
    config = by_path["config.json"]
    assert (
        not config.lfs
        and config.blob_id == sparse_hub.repo("acme/sparse").files()["config.json"].git_sha1
    )
    deadline = time.monotonic() + 5  # a request is logged just after its answer is sent
    while True:
        heads = [r for r in sparse_hub.log.records if r.method == "HEAD" and "resolve" in r.path]
        if len(heads) >= len(FILES) or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert len(heads) == len(FILES)
    assert all(snap.commit in r.path for r in heads)


def test_hf_cache_download_from_a_sparse_listing(suite, sparse_hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "hf-cache"
    outcome = download(
        suite,
        DownloadRequest(
            RepoRef("acme/sparse"), endpoint=sparse_hub.url, destination=Destination.hf_cache(cache)
        ),
    )
    assert outcome.downloaded_bytes == sum(len(v) for v in FILES.values())
    from huggingface_hub import hf_hub_download

    blobs = cache / "models--acme--sparse" / "blobs"
    lfs_blob = blobs / hashlib.sha256(FILES["weights/model.safetensors"]).hexdigest()
    assert lfs_blob.read_bytes() == FILES["weights/model.safetensors"]
    git_id = sparse_hub.repo("acme/sparse").files()["config.json"].git_sha1
    assert (blobs / git_id).read_bytes() == FILES["config.json"]
    for path, content in FILES.items():
        local = hf_hub_download("acme/sparse", path, cache_dir=cache, local_files_only=True)
        assert Path(local).read_bytes() == content, path


def test_local_dir_download_from_a_sparse_listing(suite, sparse_hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    local = tmp_path / "models"
    req = DownloadRequest(
        RepoRef("acme/sparse"), endpoint=sparse_hub.url, destination=Destination.folder(local)
    )
    outcome = download(suite, req)
    assert outcome.downloaded_bytes == sum(len(v) for v in FILES.values())
    for path, content in FILES.items():
        assert (local / path).read_bytes() == content, path
    again = download(suite, req)
    assert again.downloaded_bytes == 0


def test_head_without_size_is_a_clear_error(monkeypatch, sparse_hub) -> None:  # type: ignore[no-untyped-def]
    import huggingface_hub
    from huggingface_hub.file_download import HfFileMetadata

    from hfsuite.core.errors import ServerError

    def no_size(url: str, **kwargs: object) -> HfFileMetadata:
        return HfFileMetadata(
            commit_hash=None, etag='"abc"', location=url, size=None, xet_file_data=None
        )

    monkeypatch.setattr(huggingface_hub, "get_hf_file_metadata", no_size)
    with pytest.raises(ServerError, match="did not say the size of") as caught:
        HuggingFaceSource(sparse_hub.url).snapshot(RepoRef("acme/sparse"))
    assert "acme/sparse" in str(caught.value)


def test_the_knob_from_the_command_line_and_the_control_endpoint(hub_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from hfsuite.testing.hub import _emulator, build_parser

    args = build_parser().parse_args(["serve", "--root", str(tmp_path), "--sparse-listing"])
    served = _emulator(args)
    try:
        assert served.settings.sparse_listing
    finally:
        served.stop()
    hub = hub_factory()
    request = urllib.request.Request(
        f"{hub.url}/_emulator/faults",
        data=json.dumps({"sparse_listing": True}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).close()
    assert hub.settings.sparse_listing
    assert _get_json(f"{hub.url}/_emulator/faults")["sparse_listing"] is True  # type: ignore[index]


def test_one_files_metadata_asks_about_that_file_only(sparse_hub) -> None:  # type: ignore[no-untyped-def]
    remote = HuggingFaceSource(sparse_hub.url).file_metadata(RepoRef("acme/sparse"), "README.md")
    assert remote.size == len(FILES["README.md"]) and remote.blob_id
    time.sleep(0.2)  # a request is logged just after its answer is sent
    heads = [r.path for r in sparse_hub.log.records if r.method == "HEAD"]
    assert len(heads) == 1 and heads[0].endswith("/README.md")
