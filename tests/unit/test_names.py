from __future__ import annotations

import pytest

from hfsuite.core.errors import UsageError
from hfsuite.core.types import RepoType
from hfsuite.sources.names import parse_repo_arg


@pytest.mark.parametrize(
    ("text", "repo_id", "kind", "rev"),
    [
        ("openai-community/gpt2", "openai-community/gpt2", RepoType.MODEL, None),
        ("gpt2", "gpt2", RepoType.MODEL, None),
        ("datasets/acme/data", "acme/data", RepoType.DATASET, None),
        ("spaces/acme/demo@v1.0", "acme/demo", RepoType.SPACE, "v1.0"),
        ("acme/model@refs/pr/3", "acme/model", RepoType.MODEL, "refs/pr/3"),
    ],
)
def test_parse(text: str, repo_id: str, kind: RepoType, rev: str | None) -> None:
    ref = parse_repo_arg(text)
    assert (ref.repo_id, ref.repo_type, ref.revision) == (repo_id, kind, rev)


@pytest.mark.parametrize("bad", ["", "a/b/c", "../x", "a/..", "/abs", "a b/c", "org/"])
def test_rejects(bad: str) -> None:
    with pytest.raises(UsageError, match="not a repository id"):
        parse_repo_arg(bad)
