"""Our engine's Xet path against the emulator: byte-identical, SHA-256 verified, resumable,
throttled, and updates that fetch only the chunks that changed."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from xet_engine_helpers import MIB, run_engine
from xet_helpers import random_bytes

from hfsuite.core.errors import IntegrityError, OperationCancelled, ServerError, TransferError
from hfsuite.core.events import TransferProgressed
from hfsuite.engine.transfer import TransferControl
from hfsuite.testing import HubEmulator

pytest.importorskip("lz4", reason="the Xet path decodes LZ4 chunks")
pytest.importorskip("blake3", reason="the emulator's Xet mode hashes chunks with BLAKE3")

LFS_THRESHOLD = 64 * 1024
WEIGHTS = random_bytes(8 * MIB + 12_345, 41)
TEXT = b"a line that LZ4 packs well, again and again\n" * 60_000  # LZ4-framed chunks
FILES = {"config.json": b'{"model_type": "tiny"}\n', "model.bin": WEIGHTS, "text.bin": TEXT}


@pytest.fixture
def xet_hub(hub_factory: Any) -> HubEmulator:
    hub = hub_factory(lfs_threshold=LFS_THRESHOLD, xet=True)
    hub.create_repo("acme/tiny", files=FILES)
    hub.xet_prepare(background=False)
    return hub


def _xorb_gets(hub: HubEmulator) -> list[Any]:
    return [r for r in hub.log.filter(origin="cas") if r.path.startswith("/xorbs/")]


def _changed(old: bytes, share: float, seed: int, regions: int = 16) -> bytes:
    """``old`` with ``share`` of its bytes rewritten, in ``regions`` places spread over it."""
    rng = random.Random(seed)
    new = bytearray(old)
    length = int(len(old) * share / regions)
    step = len(old) // regions
    for k in range(regions):
        at = k * step + rng.randrange(0, step - length)
        new[at : at + length] = random_bytes(length, seed * 100 + k)
    return bytes(new)


def test_xet_on_is_byte_identical_and_fetches_only_from_the_cas(
    xet_hub: HubEmulator, tmp_path: Path
) -> None:
    result = run_engine(xet_hub.url, "acme/tiny", tmp_path / "out")
    for path, data in FILES.items():
        assert (tmp_path / "out" / path).read_bytes() == data
    # no LFS byte came over the bridge; every xorb read was a ranged 206
    assert not xet_hub.log.filter(origin="cdn")
    xorbs = _xorb_gets(xet_hub)
    assert xorbs and all(r.status == 206 and r.range for r in xorbs)
    # the text file's chunks are LZ4 frames: fewer bytes crossed the wire than it holds
    assert result.downloaded_bytes < len(WEIGHTS) + len(TEXT)
    assert result.reused_bytes == 0


def test_xet_into_the_hf_cache_is_what_huggingface_hub_reads(
    xet_hub: HubEmulator, tmp_path: Path
) -> None:
    from huggingface_hub import hf_hub_download

    run_engine(xet_hub.url, "acme/tiny", tmp_path / "cache", local_dir=False)
    path = hf_hub_download(
        "acme/tiny", "model.bin", cache_dir=tmp_path / "cache", local_files_only=True
    )
    assert Path(path).read_bytes() == WEIGHTS


def test_v1_reconstructions_when_the_cas_has_no_v2(xet_hub: HubEmulator, tmp_path: Path) -> None:
    store = xet_hub.xet_store
    assert store is not None
    store.reconstruction_v2 = False
    run_engine(xet_hub.url, "acme/tiny", tmp_path / "out")
    assert (tmp_path / "out" / "model.bin").read_bytes() == WEIGHTS
    assert any(
        r.path.startswith("/v1/") and r.status == 200 for r in xet_hub.log.filter(origin="cas")
    )


def test_a_flipped_byte_in_a_xorb_is_a_verification_error(
    xet_hub: HubEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hfsuite.testing import _xet_store

    xet_file = xet_hub.repo("acme/tiny").xet_file("model.bin")
    bad_xorb = xet_file.terms[0].xorb
    original = _xet_store.XorbBlob.read
    at = 100  # inside the first chunk's payload (raw: random bytes do not compress)

    def flipped(self: Any, offset: int, length: int) -> bytes:
        data = original(self, offset, length)
        if self.xorb is bad_xorb and offset <= at < offset + len(data):
            i = at - offset
            data = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]
        return data

    monkeypatch.setattr(_xet_store.XorbBlob, "read", flipped)
    with pytest.raises(IntegrityError):
        run_engine(xet_hub.url, "acme/tiny", tmp_path / "out")
    assert not (tmp_path / "out" / "model.bin").exists()  # no wrong file kept


def test_an_interrupted_xet_download_resumes_with_the_missing_ranges_only(
    xet_hub: HubEmulator, tmp_path: Path
) -> None:
    control = TransferControl()
    size = len(WEIGHTS) + len(TEXT)

    def on_event(event: object) -> None:
        if isinstance(event, TransferProgressed) and event.done_bytes > size // 3:
            control.cancel()

    events: list[Any] = []
    with pytest.raises(OperationCancelled):
        run_engine(
            xet_hub.url,
            "acme/tiny",
            tmp_path / "out",
            control=control,
            events=_Tee(events, on_event),
            global_bps=6 * MIB,  # slow enough to stop in the middle
            connections_per_file=4,
        )
    before = len(xet_hub.log.filter(origin="cas"))
    result = run_engine(xet_hub.url, "acme/tiny", tmp_path / "out")
    for path, data in FILES.items():
        assert (tmp_path / "out" / path).read_bytes() == data
    assert result.downloaded_bytes < 0.8 * size
    later = xet_hub.log.filter(origin="cas")[before:]
    model_id = xet_hub.repo("acme/tiny").xet_file("model.bin").file_id
    ranged = [r for r in later if r.path.endswith(model_id) and r.range]
    assert ranged and all(not str(r.range).startswith("bytes=0-") for r in ranged)


_CHILD = """
import sys
sys.path.insert(0, {folder!r})
from pathlib import Path
from xet_engine_helpers import run_engine
run_engine({url!r}, "acme/tiny", Path({dest!r}), global_bps=3 << 20, connections_per_file=4,
           checkpoint_interval_s=0.1)
"""


def test_kill_9_mid_xet_download_then_resume(xet_hub: HubEmulator, tmp_path: Path) -> None:
    dest = tmp_path / "out"
    state = dest / ".cache" / "huggingface" / "download" / "model.bin.hfsuite.json"
    code = _CHILD.format(folder=str(Path(__file__).parent), url=xet_hub.url, dest=str(dest))
    child = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 60
        have = 0
        while time.monotonic() < deadline and child.poll() is None:
            try:
                ranges = json.loads(state.read_text())["ranges"]
                have = sum(b - a for a, b in ranges)
            except (OSError, ValueError, KeyError):
                have = 0
            if have > len(WEIGHTS) // 3:
                break
            time.sleep(0.05)  # polling another process's file: no clock to inject
        assert child.poll() is None, "the child finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert have > len(WEIGHTS) // 3
    before = len(xet_hub.log.filter(origin="cas"))
    result = run_engine(xet_hub.url, "acme/tiny", dest)
    for path, data in FILES.items():
        assert (dest / path).read_bytes() == data
    model = next(f for f in result.files if f.remote.path == "model.bin")
    assert model.downloaded_bytes < len(WEIGHTS) - have + 2 * MIB
    xet_hub.log.wait_for(lambda rs: sum(r.origin == "cas" for r in rs) > before)


class _Tee(list[Any]):
    """An events list that also calls a function for each event."""

    def __init__(self, keep: list[Any], call: Any) -> None:
        super().__init__()
        self._keep, self._call = keep, call

    def append(self, item: Any) -> None:
        self._keep.append(item)
        self._call(item)


def test_the_throttle_meters_xet_transfers(xet_hub: HubEmulator, tmp_path: Path) -> None:
    started = time.monotonic()
    result = run_engine(xet_hub.url, "acme/tiny", tmp_path / "out", global_bps=4 * MIB)
    elapsed = time.monotonic() - started
    # the bucket holds a quarter second of burst: the rest waits for the rate
    assert elapsed >= (result.downloaded_bytes - MIB) / (4 * MIB), elapsed
    assert (tmp_path / "out" / "model.bin").read_bytes() == WEIGHTS


def test_auto_fetches_a_fresh_file_through_the_redirect_and_records_its_chunks(
    xet_hub: HubEmulator, tmp_path: Path
) -> None:
    run_engine(xet_hub.url, "acme/tiny", tmp_path / "out", xet="auto")
    for path, data in FILES.items():
        assert (tmp_path / "out" / path).read_bytes() == data
    xet_hub.log.wait_for(lambda rs: any(r.origin == "cdn" for r in rs))  # over the redirect
    assert not _xorb_gets(xet_hub)
    # model.bin (8 MiB) was looked up once in the CAS, for the record updates will use
    model_id = xet_hub.repo("acme/tiny").xet_file("model.bin").file_id
    recon = [r for r in xet_hub.log.filter(origin="cas") if "/reconstructions/" in r.path]
    assert [r.path.rsplit("/", 1)[1] for r in recon] == [model_id]
    records = list((tmp_path / "out" / ".cache" / "huggingface" / "hfsuite-xet").glob("*.json"))
    assert len(records) == 1 and model_id in records[0].read_text()


def test_auto_moves_a_fresh_file_s_bytes_before_its_xet_lookup_ends(
    xet_hub: HubEmulator, tmp_path: Path
) -> None:
    # Nothing on disk to reuse: the probe, the token and the reconstruction (slowed to 1 s
    # here) are asked beside the bytes, not before them, and still give the chunk record.
    xet_hub.add_fault("/v*/reconstructions/*", origin="cas", latency_s=1.0)
    run_engine(xet_hub.url, "acme/tiny", tmp_path / "out", xet="auto")
    assert (tmp_path / "out" / "model.bin").read_bytes() == WEIGHTS
    (recon,) = [r for r in xet_hub.log.filter(origin="cas") if "/reconstructions/" in r.path]
    cdn = [r for r in xet_hub.log.filter(origin="cdn") if r.path.endswith("/model.bin")]
    first_bytes = min(r.started for r in cdn)
    assert first_bytes < recon.started + recon.duration_s - 0.5
    records = list((tmp_path / "out" / ".cache" / "huggingface" / "hfsuite-xet").glob("*.json"))
    assert len(records) == 1


def test_a_xet_lookup_that_does_not_answer_costs_the_record_not_the_download(
    xet_hub: HubEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hfsuite.engine import filedownload

    monkeypatch.setattr(filedownload, "_XET_LOOKUP_WAIT_S", 0.2)
    xet_hub.add_fault("/v*/reconstructions/*", origin="cas", latency_s=3.0)
    started = time.monotonic()
    run_engine(xet_hub.url, "acme/tiny", tmp_path / "out", xet="auto")
    assert time.monotonic() - started < 2.5
    assert (tmp_path / "out" / "model.bin").read_bytes() == WEIGHTS
    assert not list((tmp_path / "out" / ".cache" / "huggingface").glob("hfsuite-xet/*.json"))


def test_off_never_asks_the_cas(xet_hub: HubEmulator, tmp_path: Path) -> None:
    run_engine(xet_hub.url, "acme/tiny", tmp_path / "out", xet="off")
    assert (tmp_path / "out" / "model.bin").read_bytes() == WEIGHTS
    assert not xet_hub.log.filter(origin="cas")


def test_without_lz4_auto_uses_the_bridge_and_on_is_a_clear_error(
    xet_hub: HubEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from hfsuite.engine.xet import fetch

    monkeypatch.setattr(fetch, "lz4_available", lambda: False)
    with caplog.at_level(logging.INFO, logger="hfsuite.engine.xet.fetch"):
        run_engine(xet_hub.url, "acme/tiny", tmp_path / "auto", xet="auto")
    assert (tmp_path / "auto" / "model.bin").read_bytes() == WEIGHTS
    assert not xet_hub.log.filter(origin="cas")
    assert "lz4 is not installed" in caplog.text
    with pytest.raises(TransferError, match="lz4"):
        run_engine(xet_hub.url, "acme/tiny", tmp_path / "on", xet="on")


def test_expired_xorb_links_and_tokens_are_asked_for_again(
    xet_hub: HubEmulator, tmp_path: Path
) -> None:
    xet_hub.add_fault("/xorbs/*", origin="cas", status=403, count=2)
    xet_hub.add_fault("/v2/reconstructions/*", origin="cas", status=401, count=1)
    run_engine(xet_hub.url, "acme/tiny", tmp_path / "out", connections_per_file=2)
    assert (tmp_path / "out" / "model.bin").read_bytes() == WEIGHTS
    tokens = [r for r in xet_hub.log.filter(origin="hub") if "xet-read-token" in r.path]
    assert len(tokens) >= 2  # the 401 fetched a new token


# -- updates -------------------------------------------------------------------------------------
BIG = 64 * MIB


@pytest.fixture(scope="module")
def big_pair() -> tuple[bytes, bytes]:
    old = random_bytes(BIG, 51)
    return old, _changed(old, 0.05, 52)


def _update_hub(hub_factory: Any, pair: tuple[bytes, bytes]) -> tuple[HubEmulator, str]:
    hub = hub_factory(lfs_threshold=LFS_THRESHOLD, xet=True)
    repo = hub.create_repo("acme/evolving", files={"model.safetensors": pair[0]})
    first = repo.sha
    repo.commit({"model.safetensors": pair[1]})
    hub.xet_prepare(background=False)
    return hub, first


@pytest.mark.parametrize(
    ("local_dir", "mode"),
    [(True, "on"), (False, "on"), (True, "auto")],
    ids=["local-dir", "hf-cache", "auto"],
)
def test_an_update_fetches_only_the_changed_chunks(
    hub_factory: Any, big_pair: tuple[bytes, bytes], tmp_path: Path, local_dir: bool, mode: str
) -> None:
    """``on``: both revisions through Xet (the record knows every chunk's length). ``auto``: the
    first through the redirect (the record has terms only: a term inside an old one is found
    by its first chunk), the update through Xet because most of it is on disk."""
    hub, first = _update_hub(hub_factory, big_pair)
    dest = tmp_path / "dest"
    one = run_engine(hub.url, "acme/evolving", dest, revision=first, local_dir=local_dir, xet=mode)
    assert one.reused_bytes == 0
    assert bool(_xorb_gets(hub)) == (mode == "on")
    two = run_engine(hub.url, "acme/evolving", dest, local_dir=local_dir, xet=mode)
    (outcome,) = two.files
    assert outcome.local_path is not None
    got = Path(outcome.local_path).read_bytes()
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(big_pair[1]).hexdigest()
    assert two.downloaded_bytes <= 0.10 * BIG, two.downloaded_bytes / BIG
    assert two.reused_bytes >= 0.85 * BIG
    if not local_dir:  # the old revision's blob is untouched
        blobs = [p for p in (dest).rglob("blobs/*") if p.is_file()]
        assert {hashlib.sha256(p.read_bytes()).digest() for p in blobs} == {
            hashlib.sha256(x).digest() for x in big_pair
        }


def test_an_interrupted_update_resumes(
    hub_factory: Any, big_pair: tuple[bytes, bytes], tmp_path: Path
) -> None:
    hub, first = _update_hub(hub_factory, big_pair)
    dest = tmp_path / "dest"
    run_engine(hub.url, "acme/evolving", dest, revision=first)
    control = TransferControl()

    def on_event(event: object) -> None:
        if isinstance(event, TransferProgressed) and event.done_bytes >= 0.95 * BIG:
            control.cancel()

    with pytest.raises(OperationCancelled):
        run_engine(
            hub.url,
            "acme/evolving",
            dest,
            control=control,
            events=_Tee([], on_event),
            global_bps=2 * MIB,
            connections_per_file=2,
        )
    assert (dest / "model.safetensors").read_bytes() == big_pair[0]  # still the old one
    again = run_engine(hub.url, "acme/evolving", dest)
    assert (dest / "model.safetensors").read_bytes() == big_pair[1]
    assert again.downloaded_bytes <= 0.10 * BIG


def test_a_download_of_a_newer_revision_reports_reused_bytes(
    hub_factory: Any, tmp_path: Path
) -> None:
    """Through the app's download (``--xet`` left at auto): the second revision into the same
    folder reuses the first one's chunks, and the Done JSON line says how many bytes."""
    from hfsuite.app.download.operation import DownloadRequest, download
    from hfsuite.app.suite import Suite
    from hfsuite.cli.json_views import download_done_view
    from hfsuite.config import SettingsStore
    from hfsuite.core.destination import Destination
    from hfsuite.core.types import RepoRef

    old = random_bytes(16 * MIB, 71)
    new = _changed(old, 0.05, 72, regions=4)
    hub = hub_factory(lfs_threshold=LFS_THRESHOLD, xet=True)
    repo = hub.create_repo("acme/evolving", files={"model.bin": old})
    first = repo.sha
    repo.commit({"model.bin": new})
    hub.xet_prepare(background=False)
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
    out = tmp_path / "out"
    try:
        outcomes = [
            download(
                suite,
                DownloadRequest(
                    RepoRef("acme/evolving", revision=rev),
                    endpoint=hub.url,
                    destination=Destination.folder(out),
                ),
            )
            for rev in (first, None)
        ]
    finally:
        suite.close()
    assert (out / "model.bin").read_bytes() == new
    assert outcomes[0].reused_bytes == 0
    done = download_done_view(outcomes[1], str(out))
    assert done["reused_bytes"] == outcomes[1].reused_bytes >= 0.8 * len(new)
    assert done["downloaded_bytes"] <= 0.15 * len(new)


def test_auto_falls_back_to_the_bridge_when_the_cas_keeps_failing(
    xet_hub: HubEmulator, tmp_path: Path
) -> None:
    xet_hub.add_fault("/v*/reconstructions/*", origin="cas", status=503, retry_after_s=0)
    run_engine(xet_hub.url, "acme/tiny", tmp_path / "auto", xet="auto")
    assert (tmp_path / "auto" / "model.bin").read_bytes() == WEIGHTS
    xet_hub.log.wait_for(lambda rs: any(r.origin == "cdn" for r in rs))
    with pytest.raises(ServerError):  # on: the failure is the answer
        run_engine(xet_hub.url, "acme/tiny", tmp_path / "on", xet="on")
