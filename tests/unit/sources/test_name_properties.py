"""Property tests: format → parse gives the same value; junk never crashes the parser."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from hfsuite.core.errors import UsageError
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.sources.batch import parse_batch
from hfsuite.sources.names import NameKind, ParsedName, format_name, parse_name

ENDPOINTS = ["http://127.0.0.1:8123", "https://hf-mirror.com", "http://10.0.0.5/hub"]
MS_ENDPOINTS = ["http://127.0.0.1:8124"]
_ALNUM = string.ascii_letters + string.digits

name_part = st.from_regex(r"\A[A-Za-z0-9]([A-Za-z0-9_.-]{0,20}[A-Za-z0-9_])?\Z").filter(
    lambda s: ".." not in s and "--" not in s and s not in ("datasets", "spaces", "models")
)
repo_id = st.builds(lambda a, b: f"{a}/{b}", name_part, name_part)
revision = st.one_of(
    st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9._+-]{0,30}\Z"),
    st.integers(0, 999).map(lambda n: f"refs/pr/{n}"),
    st.just("refs/convert/parquet"),
    st.from_regex(r"\A[0-9a-f]{40}\Z"),
).filter(lambda r: ".." not in r and not r.endswith((".", ".lock")) and r != "refs")
path_segment = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zs"), blacklist_characters="/\\"),
    min_size=1,
    max_size=12,
).filter(lambda s: s not in (".", ".."))
repo_path = st.lists(path_segment, min_size=1, max_size=4).map("/".join)


@st.composite
def parsed_names(draw: st.DrawFn) -> ParsedName:
    source = draw(st.sampled_from([SourceKind.HUGGINGFACE, SourceKind.MODELSCOPE]))
    types = [RepoType.MODEL, RepoType.DATASET]
    if source is SourceKind.HUGGINGFACE:
        types.append(RepoType.SPACE)
    kind = draw(st.sampled_from([NameKind.REPO, NameKind.FILE, NameKind.FOLDER]))
    pool = ENDPOINTS if source is SourceKind.HUGGINGFACE else MS_ENDPOINTS
    endpoint = draw(st.one_of(st.none(), st.sampled_from(pool)))
    rev = draw(revision) if endpoint and kind is not NameKind.REPO else draw(st.none() | revision)
    path = draw(repo_path) if kind is not NameKind.REPO else None
    ref = RepoRef(draw(repo_id), draw(st.sampled_from(types)), rev, source)
    return ParsedName(kind, ref, path, None, endpoint)


@settings(max_examples=300, deadline=None)
@given(parsed_names())
def test_format_then_parse_round_trips(name: ParsedName) -> None:
    text = format_name(name)
    assert parse_name(text, endpoints=ENDPOINTS, modelscope_endpoints=MS_ENDPOINTS) == name


@settings(max_examples=100, deadline=None)
@given(st.from_regex(r"\Ahttps?://[a-z]{1,10}\.example/[A-Za-z0-9_./-]{0,30}\Z"))
def test_plain_urls_round_trip(url: str) -> None:
    name = parse_name(url, endpoints=ENDPOINTS)
    assert name == ParsedName(NameKind.URL, url=url)
    assert parse_name(format_name(name)) == name


junk = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.sampled_from(list("/@:%#?hf.ps \t\n\x00" + _ALNUM[:6])), max_size=40),
    st.builds(lambda t: "hf://" + t, st.text(max_size=40)),
    st.builds(lambda t: "https://huggingface.co/" + t, st.text(max_size=40)),
    st.builds(lambda t: "https://modelscope.cn/" + t, st.text(max_size=40)),
    st.builds(lambda t: "modelscope:" + t, st.text(max_size=40)),
    st.builds(lambda t: "http://" + t, st.text(max_size=40)),
)


@settings(max_examples=500, deadline=None)
@given(junk)
def test_junk_never_crashes(text: str) -> None:
    try:
        result = parse_name(text, endpoints=ENDPOINTS, modelscope_endpoints=MS_ENDPOINTS)
    except UsageError as exc:
        assert exc.message and exc.exit_code == 2
        return
    assert isinstance(result, ParsedName)
    # Whatever was accepted can be written back and read again.
    again = parse_name(format_name(result), endpoints=ENDPOINTS, modelscope_endpoints=MS_ENDPOINTS)
    assert again.ref == result.ref and again.path == result.path


@settings(max_examples=50, deadline=None)
@given(st.lists(junk, max_size=10))
def test_batch_accounts_for_every_non_comment_line(lines: list[str]) -> None:
    flat = [piece for line in lines for piece in (line.splitlines() or [""])]
    result = parse_batch(flat)
    numbers = [i.line_no for i in result.items] + [e.line_no for e in result.errors]
    assert len(numbers) == len(set(numbers))
    assert all(1 <= n <= len(flat) for n in numbers)
