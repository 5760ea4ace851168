"""A body that ends short of what was asked is never a complete file: it is retried, and a
server that keeps doing it fails the download (exit 8) with nothing placed."""

from __future__ import annotations

import pytest
from engine_helpers import MIB, pattern_bytes

from hfsuite.app.download.operation import DownloadRequest, download
from hfsuite.core.destination import Destination
from hfsuite.core.errors import TransferError
from hfsuite.core.events import FileCompleted, TransferRetrying
from hfsuite.core.types import RepoRef
from hfsuite.engine.retry import RetryPolicy

BIG = "weights.safetensors"
SMALL = "config.json"
FILES = {BIG: pattern_bytes(3 * MIB + 99, seed=11), SMALL: b'{"hidden": 64}' * 20}


@pytest.fixture
def hub(hub_factory):  # type: ignore[no-untyped-def]
    h = hub_factory(lfs_threshold=1 * MIB)
    h.create_repo("acme/short", files=FILES)
    return h


def _destination(kind: str, tmp_path):  # type: ignore[no-untyped-def]
    if kind == "cache":
        return Destination.hf_cache(tmp_path / "cache")
    return Destination.folder(tmp_path / "local")


def _request(hub, destination, path: str) -> DownloadRequest:  # type: ignore[no-untyped-def]
    return DownloadRequest(
        RepoRef("acme/short"), endpoint=hub.url, destination=destination, paths=(path,)
    )


@pytest.mark.parametrize("kind", ["cache", "local"])
@pytest.mark.parametrize("path", [BIG, SMALL])
def test_a_body_that_always_ends_short_fails_with_exit_8(  # type: ignore[no-untyped-def]
    suite, hub, tmp_path, kind, path, monkeypatch
):
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, attempt, retry_after_s=None: 0.005)
    # Announce (and send) fewer bytes than asked, then close: a truncating proxy.
    hub.add_fault(f"*{path}", methods=["GET"], content_length_delta=-7)
    destination = _destination(kind, tmp_path)
    events: list = []
    with pytest.raises(TransferError) as caught:
        download(suite, _request(hub, destination, path), on_event=events.append)
    error = caught.value
    assert error.exit_code == 8
    assert error.message.startswith(f"{path}: giving up after ")
    assert "fewer bytes" in error.message or "early" in error.message
    assert not [e for e in events if isinstance(e, FileCompleted)]
    assert [e for e in events if isinstance(e, TransferRetrying)]
    gets = [r for r in hub.log.records if r.method == "GET" and r.path.endswith(path)]
    assert len(gets) > 1
    root = destination.path
    placed = [p for p in root.rglob(path.split("/")[-1]) if p.is_file() or p.is_symlink()]
    assert not placed, "no file is placed from a short body"


@pytest.mark.parametrize("kind", ["cache", "local"])
def test_a_body_that_ends_short_once_is_retried_to_the_right_bytes(  # type: ignore[no-untyped-def]
    suite, hub, tmp_path, kind
):
    for path in FILES:
        hub.add_fault(f"*{path}", methods=["GET"], content_length_delta=-7, count=1)
    destination = _destination(kind, tmp_path)
    outcome = download(
        suite, DownloadRequest(RepoRef("acme/short"), endpoint=hub.url, destination=destination)
    )
    assert outcome.downloaded_bytes >= sum(len(c) for c in FILES.values())
    for path, content in FILES.items():
        (found,) = [
            p for p in destination.path.rglob(path) if "snapshots" in p.parts or kind == "local"
        ]
        assert found.read_bytes() == content
