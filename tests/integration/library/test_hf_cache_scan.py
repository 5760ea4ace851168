"""The scanner's view of a real HF cache (written by huggingface_hub from the Hub emulator)
agrees with huggingface_hub's own ``scan_cache_dir``."""

from __future__ import annotations

from pathlib import Path

from huggingface_hub import hf_hub_download, scan_cache_dir, snapshot_download

from hfsuite.library.cache_layout import add_refs, summarize_hf_cache
from hfsuite.library.duplicates import find_duplicates
from hfsuite.library.hashing import Hasher, MemoryHashCache
from hfsuite.library.scanner import RootKind, Scanner, ScanRoot
from hfsuite.testing import HubEmulator, synthetic
from hfsuite.testing.pytest_plugin import HubFactory

CONFIG = b'{"model_type": "tiny"}\n'


def _fill_cache(hub: HubEmulator, cache: Path) -> None:
    repo = hub.create_repo(
        "acme/tiny",
        files={
            "config.json": CONFIG,
            "weights/model.safetensors": synthetic(200_000, seed=1),
            "README.md": "# tiny\n",
        },
    )
    newest = repo.commit({"weights/model.safetensors": synthetic(210_000, seed=2)})
    hub.create_repo("acme/data", "dataset", files={"train/part-0.csv": "a,b\n1,2\n"})
    snapshot_download("acme/tiny", endpoint=hub.url, cache_dir=cache)
    # an older revision: shares config.json and README.md blobs with the newer one
    older = repo.record.commits[newest].parent
    assert older is not None
    snapshot_download("acme/tiny", revision=older, endpoint=hub.url, cache_dir=cache)
    hf_hub_download(
        "acme/data", "train/part-0.csv", repo_type="dataset", endpoint=hub.url, cache_dir=cache
    )


def test_scan_agrees_with_scan_cache_dir(hub_factory: HubFactory, tmp_path: Path) -> None:
    hub = hub_factory(lfs_threshold=64 * 1024)
    cache = tmp_path / "hf-cache"
    cache.mkdir()
    _fill_cache(hub, cache)
    theirs = scan_cache_dir(cache)
    assert not theirs.warnings
    result = Scanner().scan([ScanRoot(str(cache), RootKind.HF_CACHE)])
    assert not result.problems
    ours = summarize_hf_cache(result.files.values())
    add_refs(ours, str(cache))
    assert sum(f.size for f in result.files.values()) == theirs.size_on_disk
    expected = sorted(theirs.repos, key=lambda r: (r.repo_type, r.repo_id))
    assert [(r.repo_type, r.repo_id) for r in ours] == [(r.repo_type, r.repo_id) for r in expected]
    for mine, official in zip(ours, expected, strict=True):
        assert mine.size_on_disk == official.size_on_disk
        assert mine.nb_files == official.nb_files
        assert mine.revisions == {
            rev.commit_hash: {
                f.file_path.relative_to(rev.snapshot_path).as_posix() for f in rev.files
            }
            for rev in official.revisions
        }
        assert mine.refs == {
            rev.commit_hash: set(rev.refs) for rev in official.revisions if rev.refs
        }
    assert len(ours[1].revisions) == 2 and "main" in next(iter(ours[1].refs.values()))
    blobs = {str(f.blob_path) for r in theirs.repos for rev in r.revisions for f in rev.files}
    assert set(result.files) == blobs
    # the cache's own links are not duplicates of each other
    assert find_duplicates(list(result.files.values()), Hasher(MemoryHashCache())) == []
