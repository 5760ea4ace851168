"""Brackets in what the CLI prints are text, not Rich markup (the installed command), and
``:name:`` is text, not an emoji code.

A folder named ``out [v1]`` was printed as ``out `` (``[v1]`` taken for a style), so a script
reading the printed path got the wrong one; a repository argument with ``[/]`` in it ended in a
Rich ``MarkupError`` traceback instead of the usage error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

MIB = 1 << 20
NAME = "lora [fp16] [/].safetensors"


@pytest.fixture
def hub(hub_factory):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    hub.create_repo("acme/brackets", files={NAME: b"w" * (2 * MIB), "config.json": b"{}"})
    return hub


@pytest.mark.parametrize("folder", ["out [v1] [/b]", "a:cat:b"])  # ":cat:" was an emoji
def test_a_folder_with_brackets_is_printed_as_it_is(hfsuite_cmd, hub, tmp_path, folder):  # type: ignore[no-untyped-def]
    dest = tmp_path / folder
    result = hfsuite_cmd(
        "download", "acme/brackets", "--endpoint", hub.url, "--local-dir", str(dest)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(dest)
    assert (Path(result.stdout.strip()) / NAME).stat().st_size == 2 * MIB
    assert "acme/brackets@" in result.stderr  # the summary line, whole


def test_a_dry_run_lists_a_file_name_with_brackets_whole(hfsuite_cmd, hub, tmp_path):  # type: ignore[no-untyped-def]
    result = hfsuite_cmd(
        "download",
        "acme/brackets",
        "--endpoint",
        hub.url,
        "--dry-run",
        "--local-dir",
        str(tmp_path / "d"),
        env={"COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stderr
    assert NAME in result.stdout, result.stdout


@pytest.mark.parametrize("repo", ["acme/[/]x", "acme/[bold]x"])
def test_an_error_about_a_name_with_brackets_shows_it_whole(hfsuite_cmd, repo):  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("download", repo)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert f"'{repo}' is not a repository id." in result.stderr, result.stderr


def test_a_missing_file_with_brackets_is_named_whole(hfsuite_cmd, hub, tmp_path):  # type: ignore[no-untyped-def]
    missing = "nope [/] [red].bin"
    result = hfsuite_cmd(
        "download", "acme/brackets", missing, "--endpoint", hub.url, "--local-dir", str(tmp_path)
    )
    assert result.returncode == 7, result.stderr
    assert missing in result.stderr, result.stderr
