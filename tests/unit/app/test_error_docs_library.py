"""The messages of hfsuite scan and hfsuite library in docs/errors.md, each produced by the code
and found word for word (paths stand as ``<path>``, values as ``<value>``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hfsuite.app.library import KINDS, ScanSummary
from hfsuite.app.suite import Suite
from hfsuite.cli import library_cmd, scan_cmd
from hfsuite.config import SettingsStore
from hfsuite.core.errors import HfSuiteError, UsageError

DOC = (Path(__file__).parents[3] / "docs" / "errors.md").read_text(encoding="utf-8")


def _documented(error: HfSuiteError, given: str = "", placeholder: str = "<path>") -> bool:
    message = error.message.replace(given, placeholder) if given else error.message
    return f"| `{message}` | {error.exit_code} |" in DOC


@pytest.fixture
def suite(tmp_path: Path) -> Iterator[Suite]:
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    env = {
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"),
        "HFSUITE_HF_HOME": str(tmp_path / "hf"),
    }
    s = Suite(store.load(env=env), store)
    yield s
    s.close()


def test_root_and_path_errors_are_documented(suite: Suite, tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere")
    a_file = tmp_path / "model.gguf"
    a_file.write_bytes(b"GGUF")
    cases = [
        (lambda: suite.library.add_root(missing), missing),
        (lambda: suite.library.targets_for([missing]), missing),
        (lambda: suite.library.add_root(str(a_file)), str(a_file)),
        (lambda: suite.library.remove_root(str(tmp_path)), str(tmp_path)),
        (lambda: suite.library.file(missing), missing),
        (lambda: suite.library.file(str(tmp_path)), str(tmp_path)),
        (lambda: suite.library.file(str(a_file)), str(a_file)),
    ]
    for call, given in cases:
        with pytest.raises(UsageError) as info:
            call()
        assert _documented(info.value, given), info.value.message


def test_unknown_filter_values_are_documented() -> None:
    for option in ("--kind", "--format"):
        with pytest.raises(UsageError) as info:
            library_cmd._check(["bogus"], KINDS, option)
        assert _documented(info.value, "bogus", "<value>"), info.value.message


def test_the_cancelled_scan_message_is_documented() -> None:
    error = scan_cmd.cancelled_error(ScanSummary(identified=3, cancelled=True))
    assert error.exit_code == 130
    assert _documented(error, "3 files", "<n> file(s)"), error.message


def test_a_misspelt_kind_names_the_close_one() -> None:
    with pytest.raises(UsageError) as info:
        library_cmd._check(["lora"], KINDS, "--kind")
    assert info.value.message == "--kind 'lora' is not a known value. Did you mean 'loras'?"
