"""Messages of download planning and offline answers: produced for real, then found in
docs/errors.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_error_docs_engine import documented

from hfsuite.app.download.offline import offline_download
from hfsuite.app.download.operation import DownloadRequest
from hfsuite.app.suite import Suite
from hfsuite.core.destination import Destination
from hfsuite.core.errors import HfSuiteError, InsufficientSpaceError, UsageError
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.engine.layouts import LocalDirLayout, repo_folder_name
from hfsuite.engine.planner import describe_files, plan_download

COMMIT = "c" * 40


def _fails(fn) -> HfSuiteError:  # type: ignore[no-untyped-def]
    with pytest.raises(HfSuiteError) as info:
        fn()
    return info.value


def test_nothing_matched_message(tmp_path: Path) -> None:
    files = tuple(RemoteFile(p, 1, "") for p in ("a.json", "b.json", "w.safetensors"))
    snapshot = RepoSnapshot(RepoRef("acme/m"), COMMIT, files)
    layout = LocalDirLayout(tmp_path, COMMIT)
    error = _fails(lambda: plan_download(snapshot, layout, include=["*.gguf"], exclude=["x"]))
    assert isinstance(error, UsageError) and documented(error)
    assert error.message == (
        "Nothing to download: no file of acme/m matches --include '*.gguf' --exclude 'x'. "
        "It has 3 files: a.json, b.json, w.safetensors."
    )
    many = [RemoteFile(f"f{i}.{ext}", 1, "") for i, ext in enumerate("aabbbcdefghh")]
    assert describe_files(many) == (
        "It has 12 files: 3 .b, 2 .a, 2 .h, 1 .c, 1 .d, 1 .e and 2 other extensions."
    )
    assert describe_files([]) == "It has no files."


def test_space_message() -> None:
    error = InsufficientSpaceError("/d", 6144, 512, headroom_bytes=1 << 20)
    assert documented(error)


def test_offline_messages(suite: Suite, tmp_path: Path) -> None:
    cache = Destination.hf_cache(tmp_path / "cache")

    def request(**kw: object) -> DownloadRequest:
        return DownloadRequest(**{"ref": RepoRef("acme/m"), "destination": cache, **kw})  # type: ignore[arg-type]

    settings = suite.settings
    never = _fails(lambda: offline_download(settings, request()))
    assert documented(never)
    repo = tmp_path / "cache" / repo_folder_name("acme/m", RepoRef("acme/m").repo_type)
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(COMMIT)
    (repo / "snapshots" / COMMIT).mkdir(parents=True)
    (repo / "snapshots" / COMMIT / "a.txt").write_text("a")
    assert offline_download(settings, request()).files[0].path == "a.txt"
    missing = _fails(lambda: offline_download(settings, request(paths=["b.txt"])))
    assert documented(missing) and "b.txt" in missing.message
    empty = _fails(
        lambda: offline_download(settings, request(destination=Destination.folder(tmp_path / "e")))
    )
    assert documented(empty)
    url = RepoRef("https://example.org/x.bin", source=SourceKind.URL)
    assert documented(_fails(lambda: offline_download(settings, request(ref=url))))
    assert documented(_fails(lambda: offline_download(settings, request(force=True))))
