"""What ``hfsuite download`` imports while its bytes move: the queue, not the library index.

The end of a short download waits for that import (docs/benchmarks.md, Round 5), and each
dataclass a module creates costs about a millisecond, so recording a download's hashes must
not bring in the scanner, the library service or the index's records.
"""

from __future__ import annotations

import pytest

import hfsuite.app.library
from import_probe import modules_after


def test_the_queue_records_hashes_without_the_library_index() -> None:
    loaded = modules_after("import hfsuite.app.queue.manager")
    assert "hfsuite.app.library.hashes" in loaded  # what a finished download records
    assert "hfsuite.storage.hash_records" in loaded
    for unused in (
        "hfsuite.app.library.model",
        "hfsuite.app.library.service",
        "hfsuite.library.scanner",
        "hfsuite.storage.library_records",
    ):
        assert unused not in loaded, unused


def test_every_library_export_resolves_and_a_typo_is_an_attribute_error() -> None:
    for name in hfsuite.app.library.__all__:
        assert getattr(hfsuite.app.library, name) is not None, name
    assert "safetensors" in hfsuite.app.library.FORMATS
    with pytest.raises(AttributeError, match="no attribute 'LibraryServise'"):
        hfsuite.app.library.LibraryServise  # noqa: B018


def test_a_download_does_not_load_the_runner_lock() -> None:
    # Only a queue runner takes the lock file (filelock, with asyncio behind it).
    assert "filelock" not in modules_after("import hfsuite.app.queue.manager")
