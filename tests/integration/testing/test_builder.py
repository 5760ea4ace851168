"""The builder API: histories, folders, legacy ids, hash caching, synthetic content."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from hfsuite.testing import HubEmulator, git_blob_sha1, synthetic


def test_commit_history_operations(hub):
    repo = hub.create_repo("acme/ops")
    repo.commit({"a/x.txt": b"1", "a/y.txt": b"2", "b.txt": b"3"})
    base = repo.sha
    repo.commit(delete=["a/"], message="drop folder")
    assert set(repo.files()) == {"b.txt"}
    assert set(repo.files(base)) == {"a/x.txt", "a/y.txt", "b.txt"}
    assert repo.create_branch("old", base) == base
    assert repo.revision_sha("refs/heads/old") == base
    repo.commit({"c.txt": "text"}, branch="feature")  # new branch from main's head
    assert set(repo.files("feature")) == {"b.txt", "c.txt"}
    assert repo.files("feature")["c.txt"].git_sha1 == git_blob_sha1(b"text")
    with pytest.raises(KeyError):
        repo.revision_sha("nope")


def test_synthetic_blobs_are_deterministic_and_distinct():
    a, b = synthetic(3 << 20, seed=1), synthetic(3 << 20, seed=1)
    assert a.read_all() == b.read_all() and a.sha256 == b.sha256
    assert synthetic(3 << 20, seed=2).read_all() != a.read_all()
    data = a.read_all()
    assert a.read(1_048_570, 20) == data[1_048_570:1_048_590]  # across a block boundary
    assert data[: 1 << 20] != data[1 << 20 : 2 << 20]


def test_folder_layout_and_hash_cache(tmp_path):
    root = tmp_path / "root"
    for rel in ("acme/m/w.bin", "datasets/acme/d/x.csv", "spaces/acme/s/app.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(rel.encode())
    (root / "acme/m/.git").mkdir()
    (root / "acme/m/.git/HEAD").write_text("ref: refs/heads/main\n")
    store = tmp_path / "hashes.json"
    with HubEmulator(root, hash_cache=store) as hub:
        assert set(hub.repo("acme/m").files()) == {"w.bin"}
        assert hub.repo("acme/d", "dataset").files()["x.csv"].read_all() == b"datasets/acme/d/x.csv"
        assert hub.repo("acme/s", "space").sha
        hub.prehash(background=False)
    digests = json.loads(store.read_text())
    (entry,) = [v for k, v in digests.items() if k.endswith("w.bin") or "/w.bin:" in k]
    assert entry["sha1"] == git_blob_sha1(b"acme/m/w.bin")


def test_legacy_single_segment_ids_and_case_redirects(hub):
    hub.create_repo("gpt2", files={"config.json": b"{}"})
    hub.rename_repo("gpt2", "openai/gpt2")
    r = httpx.get(f"{hub.url}/api/models/gpt2/revision/main")
    assert r.status_code == 307
    assert r.headers["Location"] == "/api/models/openai/gpt2/revision/main"
    r = httpx.head(f"{hub.url}/OpenAI/GPT2/resolve/main/config.json")
    assert r.status_code == 307 and r.headers["Location"].startswith("/openai/gpt2/resolve/main/")
    assert httpx.get(f"{hub.url}/api/models/OpenAI/gpt2", follow_redirects=True).json()["id"] == (
        "openai/gpt2"
    )


def test_visibility_changes_and_whoami_without_token(hub):
    repo = hub.create_repo("acme/vis", files={"f": b"x"})
    url = f"{hub.url}/acme/vis/resolve/main/f"
    assert httpx.get(url).status_code == 200
    repo.set_private(True)
    r = httpx.get(url)
    assert r.status_code == 401 and r.headers["X-Error-Code"] == "RepoNotFound"
    assert httpx.get(f"{hub.url}/api/whoami-v2").status_code == 401
    assert httpx.get(f"{hub.url}/api/models").json() == []


def test_fixture_file_content_served_from_disk(hub, tmp_path: Path):
    path = tmp_path / "weights.bin"
    path.write_bytes(synthetic(70_000, seed=11).read_all())
    hub.create_repo("acme/disk", files={"w.bin": path})
    r = httpx.get(f"{hub.url}/acme/disk/resolve/main/w.bin", headers={"Range": "bytes=69990-"})
    assert r.status_code == 206 and r.content == path.read_bytes()[69990:]
