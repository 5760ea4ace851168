"""`hfsuite download` with revisions given twice or malformed: refused before any request."""

from __future__ import annotations

import pytest


@pytest.fixture
def branchy(hub_factory):  # type: ignore[no-untyped-def]
    hub = hub_factory()
    repo = hub.create_repo("acme/branchy", files={"a.txt": b"main"})
    repo.create_tag("v1.0")
    return hub


def test_name_revision_and_revision_option_that_disagree(hfsuite_cmd, branchy, tmp_path):  # type: ignore[no-untyped-def]
    result = hfsuite_cmd(
        "download", "acme/branchy@v1.0", "--revision", "main", "--endpoint", branchy.url,
        "--local-dir", str(tmp_path / "d"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "'acme/branchy@v1.0' names the revision 'v1.0', but --revision says 'main'." in (
        result.stderr
    )
    assert branchy.log.filter(path="/api/*") == []
    assert not (tmp_path / "d").exists()
    same = hfsuite_cmd(
        "download", "acme/branchy@v1.0", "--revision", "v1.0", "--endpoint", branchy.url,
        "--local-dir", str(tmp_path / "d"),
    )  # fmt: skip
    assert same.returncode == 0, same.stderr
    assert (tmp_path / "d" / "a.txt").read_bytes() == b"main"


def test_double_slash_refused_alike_as_option_and_in_the_name(hfsuite_cmd, branchy):  # type: ignore[no-untyped-def]
    option = hfsuite_cmd(
        "download", "acme/branchy", "--revision", "feature//x", "--endpoint", branchy.url
    )
    named = hfsuite_cmd("download", "acme/branchy@feature//x", "--endpoint", branchy.url)
    assert option.returncode == named.returncode == 2
    assert "'feature//x' (in '--revision feature//x') is not a valid revision." in option.stderr
    assert "'feature//x' (in 'acme/branchy@feature//x') is not a valid revision." in named.stderr
    assert branchy.log.filter(path="/api/*") == []
