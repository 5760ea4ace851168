"""The three sources are :class:`~hfsuite.core.source.Source` objects, without any network:
their kind, file URLs, and a plain URL's expected hash held as constructor state."""

from __future__ import annotations

import pytest

from hfsuite.core.errors import EntryNotFoundError, UsageError
from hfsuite.core.remote import FetchedResponse, RemoteFile, RepoSnapshot
from hfsuite.core.source import Source, file_in
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.sources.direct import DirectUrlSource
from hfsuite.sources.huggingface import HuggingFaceSource
from hfsuite.sources.modelscope import ModelScopeSource

URL = "http://files.test/models/tiny.bin?sig=1"
SHA = "ab" * 32


class ScriptedFetcher:
    """Answers every request with the same response, and remembers what was asked."""

    def __init__(self, answer: FetchedResponse):
        self.answer = answer
        self.asked: list[tuple[str, str]] = []

    def fetch(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None = None,
        *,
        follow_redirects: bool = True,
        body: bytes | None = None,
    ) -> FetchedResponse:
        self.asked.append((method, url))
        return self.answer


def _fetcher(headers: dict[str, str] | None = None) -> ScriptedFetcher:
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    return ScriptedFetcher(FetchedResponse(200, URL, lowered, b""))


def _sources() -> list[Source]:
    return [
        HuggingFaceSource("http://hub.test"),
        ModelScopeSource("http://ms.test", _fetcher()),
        DirectUrlSource(_fetcher()),
    ]


@pytest.mark.parametrize("source", _sources(), ids=lambda s: type(s).__name__)
def test_every_source_satisfies_the_protocol(source: Source) -> None:
    assert isinstance(source, Source)


def test_kinds_are_distinct_and_cover_every_source_kind() -> None:
    assert sorted(s.kind for s in _sources()) == sorted(SourceKind)


def test_something_else_is_not_a_source() -> None:
    assert not isinstance(object(), Source)
    assert not isinstance(ScriptedFetcher(FetchedResponse(200, URL, {}, b"")), Source)


def test_hub_file_url_defaults_to_main_and_quotes_the_revision() -> None:
    hub = HuggingFaceSource("http://hub.test/")
    assert hub.file_url(RepoRef("acme/tiny"), "a b.txt") == (
        "http://hub.test/acme/tiny/resolve/main/a%20b.txt"
    )
    pr = RepoRef("acme/data", RepoType.DATASET, "refs/pr/1")
    assert hub.file_url(pr, "x/y.csv") == (
        "http://hub.test/datasets/acme/data/resolve/refs%2Fpr%2F1/x/y.csv"
    )


def test_modelscope_file_url_defaults_to_master() -> None:
    ms = ModelScopeSource("http://ms.test", _fetcher())
    ref = RepoRef("qwen/tiny", source=SourceKind.MODELSCOPE)
    assert ms.file_url(ref, "w/a b.bin") == (
        "http://ms.test/api/v1/models/qwen/tiny/repo?Revision=master&FilePath=w%2Fa+b.bin"
    )


def test_direct_source_holds_the_expected_hash_and_filename() -> None:
    fetcher = _fetcher({"Content-Length": "42", "ETag": '"e1"'})
    direct = DirectUrlSource(fetcher, sha256=SHA.upper(), filename="renamed.bin")
    ref = RepoRef(URL, source=SourceKind.URL)
    assert direct.file_url(ref, "ignored") == URL
    direct.check_access(ref)
    assert fetcher.asked == [], "a URL has nothing to check before it is asked for"
    snap = direct.snapshot(ref)
    (remote,) = snap.files
    assert (remote.path, remote.size, remote.sha256, remote.pinned) == (
        "renamed.bin",
        42,
        SHA,
        True,
    )
    assert snap.commit == "e1" and snap.ref == ref
    assert direct.file_metadata(ref, "anything") == remote
    assert fetcher.asked == [("HEAD", URL), ("HEAD", URL)]


def test_direct_source_refuses_a_bad_hash_before_asking() -> None:
    fetcher = _fetcher()
    with pytest.raises(UsageError, match="is not a SHA-256"):
        DirectUrlSource(fetcher, sha256="abc").snapshot(RepoRef(URL, source=SourceKind.URL))
    assert fetcher.asked == []


def test_file_in_finds_a_file_or_names_the_missing_one() -> None:
    ref = RepoRef("acme/tiny", RepoType.DATASET)
    remote = RemoteFile("a/b.txt", 3, "http://hub.test/x")
    snap = RepoSnapshot(ref, "c" * 40, (remote,))
    assert file_in(snap, "a/b.txt") is remote
    with pytest.raises(EntryNotFoundError) as missing:
        file_in(snap, "a/B.txt")
    assert missing.value.message == "Dataset acme/tiny has no file 'a/B.txt' at that revision."
