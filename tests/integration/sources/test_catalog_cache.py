"""Search, info and model cards through the API cache: output, paging, expiry, offline, mirrors."""

from __future__ import annotations

import dataclasses
import fnmatch
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from hfsuite.app import accounts
from hfsuite.app.download.operation import DownloadRequest, download
from hfsuite.app.hub import catalog
from hfsuite.core.clock import ManualClock
from hfsuite.core.destination import Destination
from hfsuite.core.errors import NetworkError, UsageError
from hfsuite.core.types import RepoRef, RepoType
from hfsuite.sources.names import NameKind
from hfsuite.testing import HubEmulator

README = b"---\nlicense: apache-2.0\n---\n# Pub\n\nA public model.\n"


@pytest.fixture
def hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    hub = hub_factory()
    hub.create_repo(
        "acme/pub",
        files={"README.md": README, "config.json": b"{}", "w/model.bin": b"x" * 5000},
        downloads=300,
        likes=7,
        tags=["text-generation", "license:apache-2.0"],
        pipeline_tag="text-generation",
        library_name="transformers",
        card_data={"license": "apache-2.0"},
    )
    hub.create_repo(
        "acme/diff", files={"a.txt": b"a"}, downloads=900, likes=1, library_name="diffusers"
    )
    hub.create_repo("other/pub-lora", files={"b.txt": b"b"}, downloads=10, likes=50)
    hub.create_repo("acme/gated", gated="auto", files={"a.txt": b"a"}, downloads=1)
    hub.create_repo("acme/data", repo_type="dataset", files={"t.csv": b"1"}, downloads=5)
    return hub


def _api_calls(hub: HubEmulator, path: str, expected: int) -> bool:
    """Whether exactly ``expected`` requests hit ``path`` (records land a moment after the
    client has its answer, so wait for them)."""
    try:
        hub.log.wait_for(
            lambda recs: sum(fnmatch.fnmatchcase(r.path, path) for r in recs) >= expected, 2.0
        )
    except TimeoutError:
        return False
    time.sleep(0.05)
    return len(hub.log.filter(path=path)) == expected


def test_search_sort_author_filter_and_paging(hub, make_suite) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=hub.url)
    by_downloads = catalog.search(suite, sort="downloads", limit=10)
    assert [h.id for h in by_downloads.hits][:3] == ["acme/diff", "acme/pub", "other/pub-lora"]
    assert not by_downloads.has_next
    by_likes = catalog.search(suite, "pub", sort="likes")
    assert [h.id for h in by_likes.hits] == ["other/pub-lora", "acme/pub"]
    pub = by_likes.hits[1]
    assert (pub.downloads, pub.likes, pub.pipeline_tag, pub.library_name) == (
        300,
        7,
        "text-generation",
        "transformers",
    )
    assert [h.id for h in catalog.search(suite, author="other").hits] == ["other/pub-lora"]
    assert [h.id for h in catalog.search(suite, filters=["diffusers"]).hits] == ["acme/diff"]
    assert [h.gated for h in catalog.search(suite, "gated").hits] == ["auto"]

    first = catalog.search(suite, sort="downloads", limit=2)
    assert first.has_next and len(first.hits) == 2
    second = catalog.search(suite, cursor=first.next_cursor)
    assert [h.id for h in second.hits] == ["other/pub-lora", "acme/gated"]
    assert not second.has_next
    datasets = catalog.search(suite, repo_type=RepoType.DATASET)
    assert [(h.id, h.repo_type) for h in datasets.hits] == [("acme/data", RepoType.DATASET)]


def test_search_refuses_foreign_cursor_and_bad_sort(hub, make_suite) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=hub.url)
    with pytest.raises(UsageError, match="belongs to another server"):
        catalog.search(suite, cursor="http://127.0.0.1:9/api/models?cursor=2")
    with pytest.raises(UsageError, match="Unknown sort 'stars'"):
        catalog.search(suite, sort="stars")


def test_info_fields_and_model_card(hub, make_suite) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=hub.url)
    details = catalog.info(suite, "acme/pub")
    assert details.id == "acme/pub" and details.commit == hub.repo("acme/pub").sha
    assert (details.license, details.pipeline_tag, details.library_name) == (
        "apache-2.0",
        "text-generation",
        "transformers",
    )
    assert (details.downloads, details.likes, details.private, details.gated) == (
        300,
        7,
        False,
        False,
    )
    assert [f.path for f in details.files] == ["README.md", "config.json", "w/model.bin"]
    assert details.total_size == len(README) + 2 + 5000
    assert details.last_modified and details.last_modified.endswith("Z")
    card = catalog.model_card(suite, "acme/pub")
    assert card.markdown == README.decode() and card.commit == details.commit
    refs = catalog.refs(suite, "acme/pub")
    assert refs.branches == {"main": details.commit}
    gated = catalog.info(suite, f"{hub.url}/acme/gated")
    assert gated.gated == "auto"


def test_info_follows_renames_with_a_note(hub, make_suite) -> None:  # type: ignore[no-untyped-def]
    hub.rename_repo("acme/pub", "acme/pub-v2")
    suite = make_suite(endpoint=hub.url)
    details = catalog.info(suite, "acme/pub")
    assert details.id == "acme/pub-v2"
    assert details.freshness.note == "Model acme/pub was renamed to acme/pub-v2."


def test_cache_hit_expiry_refresh_and_pinned_commits(hub, make_suite) -> None:  # type: ignore[no-untyped-def]
    clock = ManualClock()
    suite = make_suite(clock=clock, endpoint=hub.url)
    path = "/api/models/acme/pub"
    first = catalog.info(suite, "acme/pub")
    assert not first.freshness.from_cache and _api_calls(hub, path, 1)
    again = catalog.info(suite, "acme/pub")
    assert again.freshness.from_cache
    assert again == dataclasses.replace(first, freshness=again.freshness)
    assert _api_calls(hub, path, 1)
    clock.advance(601)
    assert not catalog.info(suite, "acme/pub").freshness.from_cache
    assert _api_calls(hub, path, 2)
    catalog.info(suite, "acme/pub", refresh=True)
    assert _api_calls(hub, path, 3)

    sha = first.commit
    catalog.info(suite, f"acme/pub@{sha}")
    clock.advance(365 * 86400)
    assert catalog.info(suite, f"acme/pub@{sha}").freshness.from_cache
    assert _api_calls(hub, f"/api/models/acme/pub/revision/{sha}", 1)

    catalog.search(suite, "pub")
    catalog.search(suite, "pub")
    assert _api_calls(hub, "/api/models", 1)
    clock.advance(301)
    catalog.search(suite, "pub")
    assert _api_calls(hub, "/api/models", 2)


def test_cache_keys_separate_tokens_and_never_hold_them(hub, make_suite) -> None:  # type: ignore[no-untyped-def]
    hub.create_repo("acme/secret", private=True, files={"a": b"a"})
    hub.add_token("hf_acmeOWNERtoken0002", user="acme")
    suite = make_suite(endpoint=hub.url)
    with pytest.raises(Exception, match="not found"):
        catalog.info(suite, "acme/secret")
    assert catalog.info(suite, "acme/secret", token="hf_acmeOWNERtoken0002").private
    catalog.info(suite, "acme/pub")
    catalog.info(suite, "acme/pub", token="hf_acmeOWNERtoken0002")
    with suite.database.read() as uow:
        keys = [row[0] for row in uow.session.execute(sa.text("select key from api_cache"))]
    assert len(keys) == 3 and not any("hf_acmeOWNERtoken0002" in k for k in keys)
    assert sum("|anon|" in k for k in keys) == 1 and sum("|tok-" in k for k in keys) == 2


def test_offline_serves_cache_with_a_note(hub, make_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    online = make_suite(endpoint=hub.url)
    catalog.info(online, "acme/pub")
    catalog.search(online, "pub")
    hub.log.wait_for(2)  # records land when the server thread finishes the response
    hub.log.clear()
    offline = make_suite(endpoint=hub.url, env={"HF_HUB_OFFLINE": "1"})
    assert offline.settings.offline
    details = catalog.info(offline, "acme/pub", refresh=True)
    assert details.freshness.from_cache
    assert details.freshness.note.startswith("Offline mode: showing the information about")
    assert catalog.search(offline, "pub").freshness.note.startswith("Offline mode:")
    assert len(hub.log) == 0
    with pytest.raises(NetworkError) as info:
        catalog.info(offline, "acme/diff")
    assert info.value.message == (
        "Offline mode is on and there is no cached copy of the information about acme/diff."
    )


def test_unreachable_hub_serves_stale_cache(hub, make_suite) -> None:  # type: ignore[no-untyped-def]
    clock = ManualClock()
    suite = make_suite(clock=clock, endpoint=hub.url)
    catalog.info(suite, "acme/pub")
    url = hub.url
    hub.stop()
    clock.advance(3600)
    details = catalog.info(suite, "acme/pub")
    assert details.freshness.stale and details.freshness.from_cache
    assert details.freshness.note.startswith(f"Cannot reach {url}")
    with pytest.raises(NetworkError, match="Cannot reach"):
        catalog.info(suite, "acme/diff")


def test_mirror_endpoint_from_hf_endpoint(hub, hub_factory, make_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    mirror = hub_factory()
    mirror.create_repo("acme/pub", files={"only-on-mirror.txt": b"m"})
    suite = make_suite(env={"HF_ENDPOINT": mirror.url})
    assert suite.settings.endpoint == mirror.url
    hub.log.clear()
    details = catalog.info(suite, "acme/pub")
    assert [f.path for f in details.files] == ["only-on-mirror.txt"]

    name = accounts.resolve_name(suite, f"{mirror.url}/acme/pub/blob/main/only-on-mirror.txt")
    assert (name.kind, name.endpoint, name.path) == (
        NameKind.FILE,
        mirror.url,
        "only-on-mirror.txt",
    )
    assert catalog.info(suite, f"{mirror.url}/acme/pub/tree/main").commit == details.commit
    download(
        suite,
        DownloadRequest(ref=RepoRef("acme/pub"), destination=Destination.folder(tmp_path / "m")),
    )
    assert (tmp_path / "m" / "only-on-mirror.txt").read_bytes() == b"m"
    assert len(hub.log) == 0
