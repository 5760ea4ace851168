"""`hfsuite updates --apply` on an HF cache download: the new snapshot is whole.

The journey a transformers user makes: download a model into the HF cache, the model changes
upstream, apply the update, run the queue; then huggingface_hub (offline) must find every file
of the new commit in the snapshot `refs/main` points at, and `updates` must say "up to date"
only when the destination really holds what upstream has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from huggingface_hub import errors as hf_errors
from huggingface_hub import hf_hub_download, snapshot_download
from json_documents import document

from hfsuite.testing import HubEmulator

LFS_THRESHOLD = 1024
WEIGHTS = bytes(range(256)) * 40  # 10 KiB: stored with LFS (etag = sha256)
FILES = {
    "config.json": b'{"model_type": "tiny", "v": 1}',
    "model.safetensors": WEIGHTS,
    "tokenizer.json": b'{"vocab": {}}',
    "notes/README.md": b"# tiny\n",
}


def _files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _entry(hfsuite_cmd: Any, env: dict[str, str]) -> dict[str, Any]:
    result = hfsuite_cmd("updates", "--json", env=env)
    assert result.returncode == 0, result.stderr
    (entry,) = document(result.stdout, "updates")["repos"]
    return entry  # type: ignore[no-any-return]


def test_apply_in_the_hf_cache_keeps_every_file_of_the_new_commit(
    hfsuite_cmd: Any, hub_factory: Any, tmp_path: Path
) -> None:
    hub: HubEmulator = hub_factory(lfs_threshold=LFS_THRESHOLD)
    repo = hub.create_repo("acme/evolving", files=FILES)
    cache = tmp_path / "hf-cache"
    env = {"HF_ENDPOINT": hub.url}
    got = hfsuite_cmd("download", "acme/evolving", "--cache-dir", str(cache), env=env)
    assert got.returncode == 0, got.stderr
    # the server appends a record a moment after its answer: wait for the weights' GET
    hub.log.wait_for(lambda rs: any(r.path.endswith("/model.safetensors") for r in rs))
    weight_requests = len(hub.log.filter(path="*/model.safetensors"))

    repo.commit({"config.json": b'{"model_type": "tiny", "v": 2}'}, message="v2")
    applied = hfsuite_cmd("updates", "--apply", "--json", env=env)
    assert applied.returncode == 0, applied.stderr
    assert len(document(applied.stdout, "updates")["queued_task_ids"]) == 1
    run = hfsuite_cmd("queue", "run", env=env)
    assert run.returncode == 0, run.stderr

    repo_dir = cache / "models--acme--evolving"
    assert (repo_dir / "refs" / "main").read_text() == repo.sha
    folder = Path(snapshot_download("acme/evolving", local_files_only=True, cache_dir=str(cache)))
    assert folder == repo_dir / "snapshots" / repo.sha
    assert _files_under(folder) == set(FILES)
    assert (folder / "config.json").read_bytes() == b'{"model_type": "tiny", "v": 2}'
    weights = hf_hub_download(
        "acme/evolving", "model.safetensors", local_files_only=True, cache_dir=str(cache)
    )
    assert Path(weights).read_bytes() == WEIGHTS
    # The unchanged weights were linked to the blob already there, not fetched again.
    assert len(list((repo_dir / "blobs").iterdir())) == len(FILES) + 1
    assert len(hub.log.filter(path="*/model.safetensors")) == weight_requests

    entry = _entry(hfsuite_cmd, env)
    assert entry["downloaded_commit"] == repo.sha
    assert entry["update_available"] is False and entry["changes"] == []
    text = hfsuite_cmd("updates", env=env)
    assert "up to date" in text.stdout


def test_updates_is_not_up_to_date_while_added_or_removed_files_remain(
    hfsuite_cmd: Any, hub_factory: Any, tmp_path: Path
) -> None:
    hub: HubEmulator = hub_factory(lfs_threshold=LFS_THRESHOLD)
    repo = hub.create_repo("acme/evolving", files=FILES)
    cache = tmp_path / "hf-cache"
    env = {"HF_ENDPOINT": hub.url}
    got = hfsuite_cmd(
        "download", "acme/evolving", "--cache-dir", str(cache), "--exclude", "notes/*", env=env
    )
    assert got.returncode == 0, got.stderr

    repo.commit(
        {
            "config.json": b'{"model_type": "tiny", "v": 2}',
            "generation_config.json": b"{}",
            "notes/CHANGELOG.md": b"v2",  # outside the download's selection
        },
        delete=["tokenizer.json"],
    )
    before = _entry(hfsuite_cmd, env)
    assert {(c["path"], c["kind"]) for c in before["changes"]} == {
        ("config.json", "modified"),
        ("generation_config.json", "added"),
        ("tokenizer.json", "removed"),
    }

    # Without --include-added only config.json is fetched: the added file is still missing.
    assert hfsuite_cmd("updates", "--apply", env=env).returncode == 0
    assert hfsuite_cmd("queue", "run", env=env).returncode == 0
    folder = cache / "models--acme--evolving" / "snapshots" / repo.sha
    assert _files_under(folder) == {"config.json", "model.safetensors"}
    # huggingface_hub (2.4+, reading the commit's listing the cache keeps) agrees.
    incomplete = getattr(hf_errors, "IncompleteSnapshotError", None)
    if incomplete is not None:
        with pytest.raises(incomplete, match=r"generation_config\.json"):
            snapshot_download(
                "acme/evolving",
                local_files_only=True,
                cache_dir=str(cache),
                ignore_patterns="notes/*",
            )
    after = _entry(hfsuite_cmd, env)
    assert after["downloaded_commit"] == repo.sha
    assert after["update_available"] is True
    assert {(c["path"], c["kind"]) for c in after["changes"]} == {
        ("generation_config.json", "added")
    }
    assert "up to date" not in hfsuite_cmd("updates", env=env).stdout

    assert hfsuite_cmd("updates", "--apply", "--include-added", env=env).returncode == 0
    assert hfsuite_cmd("queue", "run", env=env).returncode == 0
    assert _files_under(folder) == {"config.json", "model.safetensors", "generation_config.json"}
    found = snapshot_download(
        "acme/evolving", local_files_only=True, cache_dir=str(cache), ignore_patterns="notes/*"
    )
    assert Path(found) == folder
    final = _entry(hfsuite_cmd, env)
    assert final["update_available"] is False and final["changes"] == []


def test_removed_files_left_in_a_folder_keep_the_download_out_of_date(
    hfsuite_cmd: Any, hub: HubEmulator, tmp_path: Path
) -> None:
    repo = hub.create_repo("acme/folder", files={"a.txt": b"a", "gone.txt": b"x"})
    dest = tmp_path / "d"
    env = {"HF_ENDPOINT": hub.url}
    got = hfsuite_cmd("download", "acme/folder", "--local-dir", str(dest), env=env)
    assert got.returncode == 0, got.stderr
    repo.commit({"a.txt": b"A"}, delete=["gone.txt"])
    assert hfsuite_cmd("updates", "--apply", env=env).returncode == 0
    assert hfsuite_cmd("queue", "run", env=env).returncode == 0
    assert (dest / "a.txt").read_bytes() == b"A"

    kept = _entry(hfsuite_cmd, env)
    assert kept["update_available"] is True
    assert [(c["path"], c["kind"]) for c in kept["changes"]] == [("gone.txt", "removed")]
    text = hfsuite_cmd("updates", env=env).stdout
    assert "up to date" not in text and "gone.txt" in text

    (dest / "gone.txt").unlink()  # what the hint tells the user to do
    assert _entry(hfsuite_cmd, env)["changes"] == []
