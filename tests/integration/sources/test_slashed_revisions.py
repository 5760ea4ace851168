"""Hub page URLs whose branch has slashes (``/tree/feature/new-weights/…``), read against the
emulated repository's branches and tags, as the Hub's own pages do, then downloaded."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hfsuite.app.download.operation import DownloadRequest, download, parse_target
from hfsuite.core.destination import Destination
from hfsuite.core.errors import UsageError
from hfsuite.core.types import RepoRef
from hfsuite.testing import HubEmulator


@pytest.fixture
def branchy(hub: HubEmulator) -> HubEmulator:
    repo = hub.create_repo("acme/branchy", files={"sub/w.bin": b"main", "README.md": b"r"})
    repo.commit(
        {"sub/w.bin": b"new weights", "sub/deeper/x.txt": b"x"}, branch="feature/new-weights"
    )
    repo.create_tag("release/v1", revision="feature/new-weights")
    repo.create_branch("feature")  # a short branch too: the longest real one wins
    return hub


def test_a_tree_url_finds_the_branch_with_slashes(branchy, make_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=branchy.url)
    base = f"{branchy.url}/acme/branchy"

    ref, paths = parse_target(suite, f"{base}/tree/feature/new-weights/sub")
    assert (ref, paths) == (RepoRef("acme/branchy", revision="feature/new-weights"), ["sub"])

    ref, paths = parse_target(suite, f"{base}/tree/feature/new-weights")
    assert (ref, paths) == (RepoRef("acme/branchy", revision="feature/new-weights"), [])

    ref, paths = parse_target(suite, f"{base}/blob/release/v1/sub/deeper/x.txt")
    assert (ref, paths) == (RepoRef("acme/branchy", revision="release/v1"), ["sub/deeper/x.txt"])

    # No longer branch matches: the first segment stays the revision.
    ref, paths = parse_target(suite, f"{base}/tree/feature/sub")
    assert (ref, paths) == (RepoRef("acme/branchy", revision="feature"), ["sub"])

    assert _refs_requests(branchy) == 4

    ref, paths = parse_target(suite, f"{base}/tree/feature/new-weights/sub")
    download(suite, DownloadRequest(ref, paths, destination=Destination.folder(tmp_path / "d")))
    assert (tmp_path / "d" / "sub" / "w.bin").read_bytes() == b"new weights"


def test_unambiguous_names_ask_for_no_refs(branchy, make_suite) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=branchy.url)
    base = f"{branchy.url}/acme/branchy"
    for text in (
        f"{base}/tree/main",
        f"{base}/tree/feature%2Fnew-weights/sub",
        "acme/branchy@feature/new-weights",
        "hf://acme/branchy@feature%2Fnew-weights/sub/",
    ):
        ref, _ = parse_target(suite, text)
        assert ref.revision in ("main", "feature/new-weights")
    parse_target(suite, f"{base}/tree/feature/new-weights/sub")  # the one that asks
    assert _refs_requests(branchy) == 1


def _refs_requests(hub: HubEmulator) -> int:
    """Refs requests the emulator saw, once the last one is recorded (a moment after it was
    answered)."""
    path = "/api/models/acme/branchy/refs"
    hub.log.wait_for(lambda recs: any(r.path == path for r in recs), 2.0)
    time.sleep(0.05)
    return len(hub.log.filter(path=path))


def test_the_revision_option_must_agree_with_the_url(branchy, make_suite) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=branchy.url)
    url = f"{branchy.url}/acme/branchy/tree/feature/new-weights/sub"
    ref, _ = parse_target(suite, url, revision="feature/new-weights")
    assert ref.revision == "feature/new-weights"
    with pytest.raises(UsageError, match="names the revision 'feature/new-weights', but --revi"):
        parse_target(suite, url, revision="main")
    with pytest.raises(UsageError, match=r"'feature//x' \(in '--revision feature//x'\)"):
        parse_target(suite, "acme/branchy", revision="feature//x")
    with pytest.raises(UsageError, match=r"names the revision 'v1\.0', but --revision says 'main'"):
        parse_target(suite, "acme/branchy@v1.0", revision="main")


def test_without_refs_the_plain_reading_stays(branchy, make_suite) -> None:  # type: ignore[no-untyped-def]
    missing = make_suite(endpoint=branchy.url)
    ref, paths = parse_target(missing, f"{branchy.url}/acme/gone/tree/feature/new-weights/sub")
    assert (ref.revision, paths) == ("feature", ["new-weights/sub"])  # the download says why

    url = f"{branchy.url}/acme/branchy/tree/feature/new-weights/sub"
    branchy.log.clear()
    ref, _ = parse_target(make_suite(endpoint=branchy.url, offline=True), url)
    assert ref.revision == "feature"
    ref, _ = parse_target(make_suite(endpoint=branchy.url), url)
    assert ref.revision == "feature/new-weights"
    assert _refs_requests(branchy) == 1  # the online one only
