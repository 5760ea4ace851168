"""Downloads into the HF cache and a local dir, accepted by huggingface_hub itself."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from engine_helpers import read_tree

from hfsuite.app.download.operation import DownloadRequest, download, plan
from hfsuite.core.destination import Destination
from hfsuite.core.events import FileCompleted, FileVerified, TransferProgressed
from hfsuite.core.types import RepoRef


def test_hf_cache_download_is_accepted_by_huggingface_hub(suite, tiny_hub, repo_files, cache_dir):  # type: ignore[no-untyped-def]
    events: list = []
    outcome = download(
        suite,
        DownloadRequest(
            RepoRef("acme/tiny"),
            endpoint=tiny_hub.url,
            destination=Destination.hf_cache(cache_dir),
            connections=4,
        ),
        on_event=events.append,
    )
    assert outcome.downloaded_bytes == sum(len(v) for v in repo_files.values())
    verified = {e.path: e.method for e in events if isinstance(e, FileVerified)}
    assert verified["weights/model.safetensors"] == "sha256"
    assert verified["config.json"] == "git-sha1"
    assert any(isinstance(e, TransferProgressed) for e in events)

    from huggingface_hub import hf_hub_download, scan_cache_dir

    for path, content in repo_files.items():
        local = hf_hub_download("acme/tiny", path, cache_dir=cache_dir, local_files_only=True)
        assert Path(local).read_bytes() == content, path
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        info = scan_cache_dir(cache_dir)
    assert not info.warnings
    (repo,) = info.repos
    assert repo.repo_id == "acme/tiny" and repo.nb_files == len(repo_files)
    (rev,) = repo.revisions
    assert "main" in rev.refs
    assert (cache_dir / "models--acme--tiny" / "refs" / "main").read_text() == rev.commit_hash
    snap = (
        cache_dir / "models--acme--tiny" / "snapshots" / rev.commit_hash / "weights" / "small.bin"
    )
    assert snap.is_symlink() and not Path(snap.readlink()).is_absolute()


def test_second_run_downloads_nothing(suite, tiny_hub, cache_dir):  # type: ignore[no-untyped-def]
    req = DownloadRequest(
        RepoRef("acme/tiny"), endpoint=tiny_hub.url, destination=Destination.hf_cache(cache_dir)
    )
    download(suite, req)
    tiny_hub.log.clear()
    events: list = []
    outcome = download(suite, req, on_event=events.append)
    assert outcome.downloaded_bytes == 0
    assert all(e.skipped for e in events if isinstance(e, FileCompleted))
    assert not [r for r in tiny_hub.log.records if "/resolve/" in r.path or r.origin == "cdn"]


def test_local_dir_then_hf_download_fetches_nothing(suite, tiny_hub, repo_files, tmp_path):  # type: ignore[no-untyped-def]
    local = tmp_path / "models"
    download(
        suite,
        DownloadRequest(
            RepoRef("acme/tiny"), endpoint=tiny_hub.url, destination=Destination.folder(local)
        ),
    )
    assert read_tree(local) == repo_files
    meta = (local / ".cache/huggingface/download/weights/model.safetensors.metadata").read_text()
    commit = tiny_hub.repo("acme/tiny").sha
    assert meta.splitlines()[0] == commit

    tiny_hub.log.clear()
    from huggingface_hub import snapshot_download

    snapshot_download(
        "acme/tiny", local_dir=local, endpoint=tiny_hub.url, cache_dir=tmp_path / "hfcache"
    )
    fetched = [
        r
        for r in tiny_hub.log.records
        if r.method == "GET" and ("/resolve/" in r.path or r.origin == "cdn")
    ]
    assert fetched == [], f"huggingface_hub re-downloaded: {[r.path for r in fetched]}"
    assert read_tree(local) == repo_files


def test_include_exclude_and_paths_follow_hf_semantics(suite, tiny_hub, cache_dir):  # type: ignore[no-untyped-def]
    def selected(**kw):  # type: ignore[no-untyped-def]
        _, _, p = plan(
            suite,
            DownloadRequest(
                RepoRef("acme/tiny"),
                endpoint=tiny_hub.url,
                destination=Destination.hf_cache(cache_dir),
                **kw,
            ),
            dry_run=True,
        )
        return sorted(f.remote.path for f in p.files)

    assert selected(include=["*.json"]) == ["config.json"]
    assert selected(include=["weights/*"], exclude=["*.bin"]) == ["weights/model.safetensors"]
    assert selected(paths=["weights"]) == ["weights/model.safetensors", "weights/small.bin"]
    assert selected(paths=["README.md", "tokenizer/"]) == ["README.md", "tokenizer/vocab.txt"]
    assert not cache_dir.exists(), "a dry run writes nothing"


def test_unknown_path_is_an_entry_not_found_error(suite, tiny_hub, cache_dir):  # type: ignore[no-untyped-def]
    from hfsuite.core.errors import EntryNotFoundError

    with pytest.raises(EntryNotFoundError, match=r"nope\.bin"):
        plan(
            suite,
            DownloadRequest(
                RepoRef("acme/tiny"),
                endpoint=tiny_hub.url,
                destination=Destination.hf_cache(cache_dir),
                paths=["nope.bin"],
            ),
        )
