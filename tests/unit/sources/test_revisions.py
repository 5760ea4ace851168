"""Revisions: git's ref-name rules for every way to give one, the name-vs---revision conflict,
and the readings of a Hub page URL whose branch may have slashes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from hfsuite.core.errors import UsageError
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.sources.names import NameKind, ParsedName, parse_name, parse_repo_arg
from hfsuite.sources.names import slashed_revision_readings as readings
from hfsuite.sources.revisions import check_revision, pick_revision

HF = "https://huggingface.co"
DOC = (Path(__file__).parents[3] / "docs" / "errors.md").read_text(encoding="utf-8")
M = RepoType.MODEL

GOOD = ["main", "v1.0", "refs/pr/1", "feature/new-weights", "a_b+c-d", "x.y/z", "a" * 40]
BAD = [
    "feature//x",  # git: no "//"
    "a..b",  # no ".."
    "feature/.x",  # no part starting with "."
    ".hidden",
    "a.lock",  # no part ending in ".lock"
    "a.lock/b",
    "trailing/",
    "trailing.",
    "/leading",
    "sp ace",
    "a~1",
    "a^",
    "a:b",
    "a?",
    "a*",
    "a[b",
    "a\\b",
    "a@{b",
    "@",
]


@pytest.mark.parametrize("revision", GOOD)
def test_valid_revisions_pass_every_way(revision: str) -> None:
    assert check_revision(revision) == revision
    assert parse_repo_arg(f"acme/x@{revision}").revision == revision
    assert parse_repo_arg("acme/x", revision=revision).revision == revision


@pytest.mark.parametrize("revision", [b for b in BAD if " " not in b])  # spaces: see below
def test_name_and_option_refuse_the_same_revisions_alike(revision: str) -> None:
    with pytest.raises(UsageError) as named:
        parse_name(f"acme/x@{revision}")
    with pytest.raises(UsageError) as option:
        parse_repo_arg("acme/x", revision=revision)
    for error, given in ((named, f"acme/x@{revision}"), (option, f"--revision {revision}")):
        assert error.value.message == f"{revision!r} (in {given!r}) is not a valid revision."
        assert error.value.hint and "refs/pr/1" in error.value.hint


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("revision", GOOD + BAD)
def test_verdicts_agree_with_git_check_ref_format(revision: str) -> None:
    git = subprocess.run(
        ["git", "check-ref-format", f"refs/heads/{revision}"], capture_output=True, check=False
    )
    try:
        check_revision(revision)
        ours = True
    except UsageError:
        ours = False
    # Ours may be stricter than git (letters, digits and ._+-/ only), never laxer.
    assert not (ours and git.returncode != 0)
    if revision in GOOD:
        assert ours and git.returncode == 0


def test_spaces_are_refused_both_ways() -> None:
    with pytest.raises(UsageError, match="it contains spaces"):
        parse_name("acme/x@sp ace")
    with pytest.raises(UsageError, match=r"'sp ace' \(in '--revision sp ace'\) is not a valid"):
        parse_repo_arg("acme/x", revision="sp ace")


def test_double_slash_is_refused_before_any_request_in_urls_too() -> None:
    with pytest.raises(UsageError, match="is not a valid revision"):
        parse_name("hf://acme/x@feature%2F%2Fx/a.bin")
    with pytest.raises(UsageError, match="is not a valid revision"):
        parse_name(f"{HF}/acme/x/blob/feature%2F%2Fx/a.bin")


def test_a_name_and_revision_option_that_disagree_are_refused_naming_both() -> None:
    with pytest.raises(UsageError) as info:
        parse_repo_arg("acme/branchy@v1.0", revision="main")
    message = info.value.message
    assert message == "'acme/branchy@v1.0' names the revision 'v1.0', but --revision says 'main'."
    assert "`'<text>' names the revision '<revision>', but --revision says '<revision>'.`" in DOC
    with pytest.raises(UsageError, match="'v2', but --revision says 'main'"):
        pick_revision(f"{HF}/acme/x/tree/v2", "v2", "main")


def test_the_same_revision_twice_or_once_is_fine() -> None:
    assert parse_repo_arg("acme/x@v1.0", revision="v1.0").revision == "v1.0"
    assert pick_revision("acme/x", None, "dev") == "dev"
    assert pick_revision("acme/x@dev", "dev", None) == "dev"
    assert pick_revision("acme/x", None, None) is None


def _n(kind: NameKind, rev: str, path: str | None) -> ParsedName:
    return ParsedName(kind, RepoRef("acme/b", M, rev, SourceKind.HUGGINGFACE), path, None, HF)


def test_a_tree_url_with_a_path_reads_longest_revision_first() -> None:
    name = parse_name(f"{HF}/acme/b/tree/feature/new-weights/sub")
    assert (name.ref, name.path) == (RepoRef("acme/b", M, "feature"), "new-weights/sub")
    assert readings(name) == [
        _n(NameKind.REPO, "feature/new-weights/sub", None),
        _n(NameKind.FOLDER, "feature/new-weights", "sub"),
    ]


def test_a_file_url_keeps_at_least_the_file_name() -> None:
    name = parse_name(f"{HF}/acme/b/blob/feature/new-weights/w.bin")
    assert readings(name) == [_n(NameKind.FILE, "feature/new-weights", "w.bin")]
    assert readings(parse_name(f"{HF}/acme/b/resolve/main/w.bin")) == []


@pytest.mark.parametrize(
    "text",
    [
        f"{HF}/acme/b/tree/main",  # nothing after the revision
        f"{HF}/acme/b",
        f"{HF}/acme/b/tree/feature%2Fnew-weights/sub",  # encoded: the revision is explicit
        f"{HF}/acme/b/tree/refs/pr/1/sub",
        f"{HF}/acme/b/tree/{'a' * 40}/sub",  # a commit
        f"{HF}/acme/b/commit/{'a' * 40}",
        "hf://acme/b@feature/new-weights/sub/",  # hf:// paths encode slashed revisions
        "acme/b@feature/new-weights",
        "https://modelscope.cn/models/o/n/tree/master/sub",
    ],
)
def test_unambiguous_names_have_no_other_reading(text: str) -> None:
    assert readings(parse_name(text)) == []
