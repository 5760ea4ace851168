"""Every message in docs/errors.md that this part of the code can produce, produced for real and
looked up word for word (with placeholders for repo ids, URLs and users)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from hfsuite.app.hub.apicache import ApiCache
from hfsuite.core.errors import HfSuiteError, InsufficientSpaceError, UsageError
from hfsuite.core.types import RepoRef, RepoType
from hfsuite.sources import hub_catalog
from hfsuite.sources.huggingface import HuggingFaceSource
from hfsuite.sources.names import parse_name, parse_repo_arg

DOC = (Path(__file__).parents[3] / "docs" / "errors.md").read_text(encoding="utf-8")
EP = "http://hub.test"
REF = RepoRef("acme/tiny", RepoType.MODEL, "v9")


def _template(message: str) -> str:
    for value, placeholder in (
        (f"{EP}/acme/tiny", "<url>"),
        (EP, "<endpoint>"),
        ("acme/tiny", "<repo>"),
        ("'v9'", "'<revision>'"),
        ("'w/x.bin'", "'<path>'"),
        ("HTTP 503", "HTTP <status>"),
    ):
        message = message.replace(value, placeholder)
    if message.startswith("Model "):
        message = "<Kind> " + message[len("Model ") :]
    return message


def _error(token: str | None, status: int, code: str = "", message: str = "", path=None):  # type: ignore[no-untyped-def]
    return HuggingFaceSource(EP, token)._error(status, code, message, REF, path)


@pytest.mark.parametrize(
    "error",
    [
        _error(None, 401, "GatedRepo"),
        _error("t", 403, "GatedRepo", "Access to model acme/tiny is restricted"),
        _error("t", 403, "GatedRepo", "Your request … is awaiting a review from the repo authors."),
        _error(None, 404, "RevisionNotFound"),
        _error(None, 404, "EntryNotFound", path="w/x.bin"),
        _error("t", 401, "", "Invalid credentials in Authorization header"),
        _error("t", 404, "RepoNotFound"),
        _error(None, 401, "RepoNotFound"),
        _error("t", 403),
        _error(None, 503),
    ],
    ids=lambda e: type(e).__name__,
)
def test_hub_errors_are_documented(error: HfSuiteError) -> None:
    assert _template(error.message) in DOC


def test_offline_and_network_errors_are_documented() -> None:
    from huggingface_hub.errors import OfflineModeIsEnabled

    source = HuggingFaceSource(EP)
    assert _template(source.translate_error(OfflineModeIsEnabled("x"), REF).message) in DOC
    unreachable = source.translate_error(ConnectionError("refused"), REF).message
    assert unreachable == f"Cannot reach {EP}: refused."
    assert "`Cannot reach <endpoint>: <reason>.`" in DOC


def test_offline_cache_miss_is_documented(tmp_path: Path) -> None:
    from hfsuite.storage import open_database

    db = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    suite = SimpleNamespace(
        settings=SimpleNamespace(offline=True), clock=SimpleNamespace(now=lambda: 0.0), database=db
    )
    with pytest.raises(HfSuiteError) as info:
        ApiCache(suite).get("k", "search", lambda: {}, what="search results")  # type: ignore[arg-type]
    db.close()
    assert (
        info.value.message
        == "Offline mode is on and there is no cached copy of the search results."
    )
    assert "`Offline mode is on and there is no cached copy of the <what>.`" in DOC


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "it is empty"),
        ("a b", "it contains spaces"),
        ("ftp://h/x", "only http and https URLs can be downloaded, not ftp://"),
        ("https:///x", "the URL has no host"),
        ("https://huggingface.co/docs/x", "/docs is a page of the Hub, not a repository"),
        ("https://huggingface.co/o/n/blob/main", "/blob/main must be followed by a file path"),
        ("https://huggingface.co/o/n/tree", "/tree/ must be followed by a revision"),
        ("hf://x", "hf:// paths need org/name"),
        ("o/n@", "nothing follows '@'"),
        ("modelscope:spaces/o/n", "ModelScope names are models/ or datasets/"),
        (
            "https://modelscope.cn/x",
            "ModelScope URLs look like https://modelscope.cn/models/owner/name",
        ),
        ("https://huggingface.co/o/n/blob/main/%01", "it contains control characters"),
    ],
)
def test_name_reasons_are_documented(text: str, reason: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_name(text)
    assert info.value.message.startswith(f"Cannot read {text!r} as a repository")
    assert info.value.message.endswith(f": {reason}.")
    assert reason in DOC
    assert "`Cannot read '<text>' as a repository, Hub URL or file URL: <reason>.`" in DOC


def test_name_messages_are_documented() -> None:
    cases = {
        "a/b/c": "'<text>' is not a repository id.",
        "hf://o/n@a..b/x": "'<revision>' (in '<text>') is not a valid revision.",
        "hf://o/n/../x": "'<path>' (in '<text>') is not a valid path inside a repository.",
    }
    for text, documented in cases.items():
        with pytest.raises(UsageError) as info:
            parse_repo_arg(text) if text == "a/b/c" else parse_name(text)
        assert documented in DOC
        assert info.value.message.endswith(documented.split(")", 1)[-1].split("'", 2)[-1])
    with pytest.raises(UsageError, match="not a whole repository") as whole:
        parse_repo_arg("https://huggingface.co/o/n/blob/main/x")
    assert "names <what>, not a whole repository." in DOC and "names 'x' in o/n" in str(whole.value)


def test_search_option_errors_are_documented() -> None:
    source = HuggingFaceSource(EP)
    with pytest.raises(UsageError) as sort:
        hub_catalog.search_url(source, sort="stars")
    assert sort.value.message == "Unknown sort 'stars'." and "`Unknown sort '<sort>'.`" in DOC
    with pytest.raises(UsageError) as limit:
        hub_catalog.search_url(source, limit=0)
    assert limit.value.message == "--limit 0 is out of range."
    assert "`--limit <n> is out of range.`" in DOC
    with pytest.raises(UsageError) as cursor:
        hub_catalog.fetch_search_page(source, "http://other.test/api/models")
    assert f"`{cursor.value.message}`" in DOC


def test_disk_space_message_is_documented() -> None:
    error = InsufficientSpaceError("/data", 3 * 1024**3, 1024**3)
    assert error.message == (
        "Not enough free space: 3.0 GiB to download, but only 1.0 GiB is free on /data."
    )
    assert "<size> to download, but only <size> is free on <folder>." in DOC
