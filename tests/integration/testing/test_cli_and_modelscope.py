"""End to end: ``python -m hfsuite.testing.hub serve`` in a subprocess, driven by the official
``hf download`` CLI and by raw HTTP (runtime control, ModelScope routes)."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from emulator_test_helpers import run_hf, serve, tree_bytes

from hfsuite.testing import HubEmulator, synthetic

LFS_THRESHOLD = 65_536


@pytest.fixture
def served_root(tmp_path: Path) -> Path:
    """A folder with a model (one file above the LFS threshold) and a dataset."""
    root = tmp_path / "root"
    model = root / "acme" / "cli-model"
    (model / "weights").mkdir(parents=True)
    (model / "config.json").write_text('{"hidden": 8}\n')
    (model / "weights" / "model.safetensors").write_bytes(synthetic(300_000, seed=9).read_all())
    dataset = root / "datasets" / "acme" / "table"
    dataset.mkdir(parents=True)
    (dataset / "data.csv").write_text("x,y\n1,2\n")
    return root


@pytest.fixture
def server(served_root: Path, tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    """The CLI server as a subprocess: yields (base URL, request log file, process)."""
    log_file = tmp_path / "requests.jsonl"
    with serve(
        "--root",
        str(served_root),
        "--lfs-threshold",
        str(LFS_THRESHOLD),
        "--request-log",
        str(log_file),
        "--token",
        "hf_cli:alice:read",
    ) as (url, proc):
        yield url, log_file, proc


def test_hf_cli_downloads_from_the_served_folder(server, served_root, tmp_path):
    url, log_file, proc = server
    expected = tree_bytes(served_root / "acme" / "cli-model")
    cached = run_hf(url, tmp_path / "hf-home", "acme/cli-model")
    assert Path(cached).parent.name == "snapshots"
    assert tree_bytes(Path(cached)) == expected
    local = tmp_path / "local"
    run_hf(url, tmp_path / "hf-home-2", "acme/cli-model", "--local-dir", str(local))
    assert tree_bytes(local) == expected
    data = run_hf(url, tmp_path / "hf-home", "acme/table", "--repo-type", "dataset")
    assert tree_bytes(Path(data)) == {"data.csv": b"x,y\n1,2\n"}

    # the LFS weight went through the CDN; the log file has one JSON line per request
    lines = [json.loads(line) for line in log_file.read_text().splitlines()]
    cdn = [r for r in lines if r["origin"] == "cdn"]
    assert cdn and all(r["path"].endswith("/weights/model.safetensors") for r in cdn)
    assert sum(r["bytes_sent"] for r in cdn) == 2 * 300_000

    # runtime reconfiguration of the other process over HTTP
    r = httpx.post(
        f"{url}/_emulator/faults", json={"rules": [{"path": "*/config.json", "status": 503}]}
    )
    assert r.status_code == 200
    assert httpx.get(f"{url}/acme/cli-model/resolve/main/config.json").status_code == 503
    logged = httpx.get(f"{url}/_emulator/requests", params={"path": "*/config.json"}).json()
    assert logged[-1]["status"] == 503
    whoami = httpx.get(f"{url}/api/whoami-v2", headers={"Authorization": "Bearer hf_cli"})
    assert whoami.json()["name"] == "alice"

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0


def test_folder_commit_sha_is_deterministic(served_root):
    first = HubEmulator(served_root).repo("acme/cli-model").sha
    second = HubEmulator(served_root).repo("acme/cli-model").sha
    assert first == second and first is not None and len(first) == 40


def test_modelscope_routes(hub_factory):
    hub = hub_factory(lfs_threshold=LFS_THRESHOLD)
    repo = hub.create_repo(
        "acme/ms",
        files={"configuration.json": b"{}", "sub/w.bin": synthetic(100_000, seed=5)},
        downloads=3,
    )
    repo.create_tag("v1.0.0")
    base = f"{hub.url}/api/v1/models/acme/ms"
    info = httpx.get(base).json()
    assert set(info) == {"Code", "Data", "Message", "RequestId", "Success"}
    assert info["Success"] and info["Data"]["Downloads"] == 3
    files = httpx.get(f"{base}/repo/files", params={"Revision": "master", "Recursive": "True"})
    entries = {f["Path"]: f for f in files.json()["Data"]["Files"]}
    weight = entries["sub/w.bin"]
    assert weight["Type"] == "blob" and weight["Size"] == 100_000
    assert weight["Sha256"] == repo.files()["sub/w.bin"].sha256 and weight["Revision"] == repo.sha
    assert entries["sub"]["Type"] == "tree"
    top = httpx.get(f"{base}/repo/files", params={"Revision": "master"}).json()["Data"]["Files"]
    assert sorted(f["Path"] for f in top) == ["configuration.json", "sub"]
    r = httpx.get(
        f"{base}/repo",
        params={"Revision": "master", "FilePath": "configuration.json"},
        headers={"Range": "bytes=1-"},
    )
    assert r.status_code == 206 and r.content == b"}"
    r = httpx.get(
        f"{base}/repo",
        params={"Revision": "v1.0.0", "FilePath": "sub/w.bin"},
        follow_redirects=True,
    )
    assert r.content == synthetic(100_000, seed=5).read_all()
    revisions = httpx.get(f"{base}/revisions").json()["Data"]["RevisionMap"]
    assert revisions["Branches"][0]["Revision"] == "master"
    assert [t["Revision"] for t in revisions["Tags"]] == ["v1.0.0"]
    missing = httpx.get(f"{hub.url}/api/v1/models/acme/nope/repo/files")
    assert missing.status_code == 404 and missing.json()["Success"] is False
    hub.create_repo("acme/ds", "dataset", files={"a.jsonl": b"{}\n", "b.jsonl": b"{}\n"})
    page = httpx.get(
        f"{hub.url}/api/v1/datasets/acme/ds/repo/tree",
        params={"Revision": "master", "Recursive": "True", "PageNumber": 2, "PageSize": 1},
    )
    assert [f["Path"] for f in page.json()["Data"]["Files"]] == ["b.jsonl"]
