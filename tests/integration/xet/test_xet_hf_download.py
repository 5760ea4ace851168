"""``hf download`` with hf_xet and Xet ON gets byte-identical files from the emulator's Xet
path; our engine downloads the same Xet-backed files through the resolve redirect with Range."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from xet_helpers import random_bytes, run_hf_xet

from hfsuite.testing import HubEmulator

pytest.importorskip("hf_xet", reason="hf download takes the Xet path only with hf_xet installed")

LFS_THRESHOLD = 64 * 1024
FILES = {
    "config.json": b'{"model_type": "tiny"}\n',
    "weights/model.safetensors": random_bytes(6_000_000, 31),
    "weights/text.bin": b"the same line again and again\n" * 40_000,
    "small.bin": random_bytes(200_000, 32),
}


@pytest.fixture
def xet_hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=LFS_THRESHOLD, xet=True)
    hub.create_repo("acme/tiny", files=FILES)
    return hub


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(folder).parts
    }


def _assert_xet_path_used(hub: HubEmulator, lfs_paths: list[str]) -> None:
    hub.log.wait_for(lambda rs: sum(r.origin == "cas" and "/xorbs/" in r.path for r in rs) > 0)
    cas = hub.log.filter(origin="cas")
    recon = [r for r in cas if "/reconstructions/" in r.path]
    xorbs = [r for r in cas if r.path.startswith("/xorbs/")]
    assert len({r.path.rsplit("/", 1)[1] for r in recon if r.status == 200}) == len(lfs_paths)
    assert xorbs and all(r.status == 206 and r.range for r in xorbs)
    # no byte of an LFS file came over the HTTP bridge (the CDN)
    assert not hub.log.filter(origin="cdn")
    for path in lfs_paths:
        # one HEAD at most: with ``xetHash`` in the tree listing, huggingface_hub may take its
        # tree-cache shortcut and skip it
        heads = [r for r in hub.log.filter(path=f"*/{path}") if r.method == "HEAD"]
        assert len(heads) <= 1 and all(h.status == 302 for h in heads)
        assert not [r for r in hub.log.filter(path=f"*/{path}") if r.method == "GET"]


def test_hf_download_into_the_hf_cache_is_byte_identical(xet_hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = Path(run_hf_xet(xet_hub.url, tmp_path / "hf-home", "acme/tiny"))
    assert folder.parent.name == "snapshots"
    assert _tree(folder) == FILES
    _assert_xet_path_used(xet_hub, [p for p in FILES if len(FILES[p]) > LFS_THRESHOLD])
    # blobs are named by sha256, as for any LFS file in the HF cache
    blobs = folder.parent.parent / "blobs"
    sha = xet_hub.repo("acme/tiny").files()["weights/model.safetensors"].sha256
    assert (blobs / sha).read_bytes() == FILES["weights/model.safetensors"]


def test_hf_download_into_a_local_dir_is_byte_identical(xet_hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    run_hf_xet(xet_hub.url, tmp_path / "hf-home", "acme/tiny", "--local-dir", str(out))
    assert _tree(out) == FILES
    _assert_xet_path_used(xet_hub, [p for p in FILES if len(FILES[p]) > LFS_THRESHOLD])


def test_hf_download_falls_back_to_v1_reconstructions(xet_hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    xet_hub.xet_store.reconstruction_v2 = False
    out = tmp_path / "out"
    run_hf_xet(
        xet_hub.url,
        tmp_path / "hf-home",
        "acme/tiny",
        "weights/model.safetensors",
        "--local-dir",
        str(out),
    )
    assert (out / "weights/model.safetensors").read_bytes() == FILES["weights/model.safetensors"]
    recon = [r for r in xet_hub.log.filter(origin="cas") if "/reconstructions/" in r.path]
    assert {r.path.split("/")[1] for r in recon if r.status == 200} == {"v1"}
    assert [r.status for r in recon if r.path.startswith("/v2/")] in ([404], [])


def test_hf_download_through_a_per_connection_cap_and_a_transient_fault(xet_hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    xet_hub.throttle(per_connection_bps=4_000_000)
    xet_hub.add_fault("/v2/reconstructions/*", status=503, count=1, origin="cas")
    out = tmp_path / "out"
    t0 = time.monotonic()
    run_hf_xet(
        xet_hub.url,
        tmp_path / "hf-home",
        "acme/tiny",
        "weights/model.safetensors",
        "--local-dir",
        str(out),
    )
    elapsed = time.monotonic() - t0
    assert (out / "weights/model.safetensors").read_bytes() == FILES["weights/model.safetensors"]
    recon = [r for r in xet_hub.log.filter(origin="cas") if "/reconstructions/" in r.path]
    assert recon[0].status == 503 and any(r.status == 200 for r in recon)
    xorbs = [r for r in xet_hub.log.filter(origin="cas") if r.path.startswith("/xorbs/")]
    # each xorb body went through the 4 MB/s per-connection bucket
    slowest = max(r.duration_s for r in xorbs)
    biggest = max(r.bytes_sent for r in xorbs)
    assert slowest >= 0.6 * (biggest - 4_000_000) / 4_000_000
    assert elapsed > 0.5


def test_serve_command_with_xet(tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "root" / "acme" / "served"
    root.mkdir(parents=True)
    for path, data in FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    log = tmp_path / "requests.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hfsuite.testing.hub",
            "serve",
            "--root",
            str(tmp_path / "root"),
            "--lfs-threshold",
            str(LFS_THRESHOLD),
            "--xet",
            "--request-log",
            str(log),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "HFSUITE_HUB_XET"},
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        out = tmp_path / "out"
        run_hf_xet(url, tmp_path / "hf-home", "acme/served", "--local-dir", str(out))
        assert _tree(out) == FILES
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    origins = [json.loads(line)["origin"] for line in log.read_text().splitlines()]
    assert "cas" in origins and "cdn" not in origins


def test_our_engine_downloads_xet_files_through_the_resolve_redirect(xet_hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from hfsuite.app.download.operation import DownloadRequest, download
    from hfsuite.app.suite import Suite
    from hfsuite.config import SettingsStore
    from hfsuite.core.destination import Destination
    from hfsuite.core.types import RepoRef

    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    suite = Suite(
        store.load(
            env={
                "HFSUITE_DB_URL": os.environ.get(
                    "HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"
                )
            }
        ),
        store,
    )
    try:
        out = tmp_path / "ours"
        download(
            suite,
            DownloadRequest(
                RepoRef("acme/tiny"),
                endpoint=xet_hub.url,
                destination=Destination.folder(out),
                connections=4,
                xet="off",  # auto would take the Xet path for the 6 MB file
            ),
        )
    finally:
        suite.close()
    assert _tree(out) == FILES
    # the LFS bytes came from the CDN after the resolve 302, in ranged requests
    cdn = xet_hub.log.filter(origin="cdn")
    assert cdn and all(r.status in (200, 206) for r in cdn)
    assert any(r.range for r in cdn)
    assert not [r for r in xet_hub.log.filter(origin="cas") if r.path.startswith("/xorbs/")]
