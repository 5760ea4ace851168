"""Each source against the emulator through the :class:`~hfsuite.core.source.Source` protocol
only: snapshot, one file's metadata, the URL its bytes come from, error answers, access."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest

from hfsuite.core.errors import (
    AuthenticationError,
    EntryNotFoundError,
    GatedRepoError,
    NotFoundError,
    RepoNotFoundError,
)
from hfsuite.core.source import Source
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.engine.http import HttpClient
from hfsuite.sources.direct import DirectUrlSource
from hfsuite.sources.huggingface import HuggingFaceSource
from hfsuite.sources.modelscope import ModelScopeSource
from hfsuite.testing import HubEmulator
from hfsuite.testing.pytest_plugin import HubFactory

MIB = 1024 * 1024
FILES = {"config.json": b'{"a": 1}', "weights/model.bin": b"w" * (MIB + 5)}


@pytest.fixture
def hub(hub_factory: HubFactory) -> HubEmulator:
    hub = hub_factory(lfs_threshold=MIB)
    hub.create_repo("acme/pub", files=FILES)
    hub.create_repo("acme/gated", gated="manual", files=FILES)
    hub.create_repo("acme/secret", private=True, files=FILES)
    return hub


@dataclass
class Case:
    """A source on the emulator, the ref of acme/pub for it, and a path in that ref."""

    source: Source
    ref: RepoRef
    path: str


def _hub(hub: HubEmulator) -> Case:
    return Case(HuggingFaceSource(hub.url), RepoRef("acme/pub"), "weights/model.bin")


def _modelscope(hub: HubEmulator) -> Case:
    ref = RepoRef("acme/pub", source=SourceKind.MODELSCOPE)
    return Case(ModelScopeSource(hub.url, HttpClient()), ref, "weights/model.bin")


def _url(hub: HubEmulator) -> Case:
    url = f"{hub.url}/acme/pub/resolve/main/weights/model.bin"
    return Case(DirectUrlSource(HttpClient()), RepoRef(url, source=SourceKind.URL), "model.bin")


CASES: dict[str, Callable[[HubEmulator], Case]] = {
    "huggingface": _hub,
    "modelscope": _modelscope,
    "url": _url,
}


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_a_source_lists_describes_and_serves_a_file(
    hub: HubEmulator, make: Callable[[HubEmulator], Case]
) -> None:
    case = make(hub)
    source = case.source
    assert isinstance(source, Source) and source.kind is case.ref.source
    source.check_access(case.ref)
    snap = source.snapshot(case.ref)
    listed = {f.path: f for f in snap.files}
    assert case.path in listed
    remote = source.file_metadata(case.ref, case.path)
    # A plain URL's answer redirects to a freshly signed CDN URL each time.
    assert replace(remote, url="") == replace(listed[case.path], url="")
    assert remote.size == len(FILES["weights/model.bin"])
    client = HttpClient(auth=source.auth)
    for url in (remote.url, source.file_url(case.ref, case.path)):
        answer = client.fetch("GET", url)
        assert answer.status == 200 and answer.body == FILES["weights/model.bin"]
    client.close()


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_a_source_explains_a_missing_file_answer(
    hub: HubEmulator, make: Callable[[HubEmulator], Case]
) -> None:
    case = make(hub)
    missing_ref = (
        RepoRef(f"{hub.url}/acme/pub/resolve/main/nope.bin", source=SourceKind.URL)
        if case.ref.source is SourceKind.URL
        else case.ref
    )
    answer = HttpClient().fetch("GET", case.source.file_url(missing_ref, "nope.bin"))
    assert answer.status == 404
    assert isinstance(case.source.map_error(answer), NotFoundError)


@pytest.mark.parametrize("make", [_hub, _modelscope], ids=["huggingface", "modelscope"])
def test_file_metadata_of_a_missing_path(
    hub: HubEmulator, make: Callable[[HubEmulator], Case]
) -> None:
    case = make(hub)
    with pytest.raises(EntryNotFoundError, match=r"has no file 'nope\.bin'"):
        case.source.file_metadata(case.ref, "nope.bin")


def test_hub_check_access_says_why_not(hub: HubEmulator) -> None:
    source = HuggingFaceSource(hub.url)
    with pytest.raises(GatedRepoError):
        source.check_access(RepoRef("acme/gated"))
    with pytest.raises(RepoNotFoundError):
        source.check_access(RepoRef("acme/secret"))
    hub.add_token("hf_acmeOWNERtoken0002", user="acme", role="write")
    HuggingFaceSource(hub.url, "hf_acmeOWNERtoken0002").check_access(RepoRef("acme/secret"))


def test_modelscope_check_access_says_why_not(hub: HubEmulator) -> None:
    source = ModelScopeSource(hub.url, HttpClient())
    with pytest.raises(AuthenticationError):
        source.check_access(RepoRef("acme/secret", source=SourceKind.MODELSCOPE))
    with pytest.raises(RepoNotFoundError, match="ModelScope model acme/none was not found"):
        source.check_access(RepoRef("acme/none", source=SourceKind.MODELSCOPE))
    hub.add_token("ms-acme-token", user="acme", role="write")
    owner = ModelScopeSource(hub.url, HttpClient(), "ms-acme-token")
    owner.check_access(RepoRef("acme/secret", source=SourceKind.MODELSCOPE))


def test_url_check_access_sends_nothing(hub: HubEmulator) -> None:
    hub.log.clear()
    case = _url(hub)
    case.source.check_access(case.ref)
    assert len(hub.log) == 0
