"""The messages of dupes, reclaim and library verify in docs/errors.md, each produced by the
code and found word for word (paths stand as ``<path>``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfsuite.app.library import dupes
from hfsuite.cli import dupes_cmd
from hfsuite.core.errors import HfSuiteError, OperationCancelled, UsageError

DOC = (Path(__file__).parents[3] / "docs" / "errors.md").read_text(encoding="utf-8")


def _documented(error: HfSuiteError, given: str = "") -> bool:
    message = error.message.replace(given, "<path>") if given else error.message
    return f"| `{message}` | {error.exit_code} |" in DOC


def test_path_errors_are_documented(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere")
    with pytest.raises(UsageError) as info:
        dupes.select_files([], [missing], [])
    assert _documented(info.value, missing), info.value.message
    with pytest.raises(UsageError) as info:
        dupes.select_files([], [str(tmp_path)], [])
    assert _documented(info.value, str(tmp_path)), info.value.message


def test_reclaim_usage_errors_are_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError) as info:
        dupes_cmd._mode(True, True, False)
    assert _documented(info.value), info.value.message
    plan = dupes.ReclaimPlan(dupes.ReclaimMode.DELETE, [])
    monkeypatch.setattr(dupes_cmd.sys.stdin, "isatty", lambda: False)
    with pytest.raises(UsageError) as info:
        dupes_cmd._confirm(plan, yes=False)
    assert _documented(info.value), info.value.message
    monkeypatch.setattr(dupes_cmd.sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(dupes_cmd.typer, "confirm", lambda *a, **k: False)
    with pytest.raises(OperationCancelled) as cancelled:
        dupes_cmd._confirm(plan, yes=False)
    assert _documented(cancelled.value), cancelled.value.message


@pytest.mark.parametrize(
    "reason", [dupes.HF_CACHE_DELETE, dupes.HF_CACHE_SYMLINK, dupes.OTHER_DEVICE, dupes.HF_BLOB]
)
def test_refusals_are_documented(reason: str) -> None:
    assert f"| `{reason}` | left alone |" in DOC


def test_a_blocking_leftover_is_documented() -> None:
    assert f"| `{dupes.STALE_BLOCKS}: <temp>` | skipped |" in DOC
