"""The local model library, wired to the database: scan roots, incremental scans, the index.

```
suite.library ─► LibraryService
    .roots() / .root_records() / .add_root(path) / .remove_root(path)
    .scan(paths=None, hash=False, on_progress=…, cancel=…) ─► ScanSummary
    .files(LibraryQuery) / .stream(…) / .totals(…) / .file(path) / .find_by_hash(value)
    .hash_cache                 a HashCache on the database (DatabaseHashCache)
    .indexed_files()            the index as library ScannedFile objects (for duplicates)
    .record_reclaim(entry)      the reclaim log
```

The pure work (walking, reading headers, hashing) is in :mod:`hfsuite.library`; this package
stores it (``storage/repositories/library_*.py``, ``file_hashes.py``) and reports progress as
:class:`~hfsuite.app.events.LibraryScanProgressed` events. Finished downloads record the digest
they were verified with through :func:`record_downloaded_hashes`.
"""

from hfsuite.app.library.hashes import DatabaseHashCache, record_downloaded_hashes
from hfsuite.app.library.model import MoveInfo, ScanIssue, ScanSummary, ScanTarget
from hfsuite.app.library.service import LibraryHost, LibraryService, as_scanned
from hfsuite.core.destination import LIBRARY_ONLY_KINDS, MODEL_KINDS
from hfsuite.library.header import ModelFormat
from hfsuite.storage import (
    LibraryFileRecord,
    LibraryQuery,
    LibraryRootRecord,
    LibrarySort,
    LibraryTotals,
)

KINDS: tuple[str, ...] = tuple(dict.fromkeys((*MODEL_KINDS, *LIBRARY_ONLY_KINDS, "diffusers")))
"""Every kind a library file can have (``library ls --kind``)."""
FORMATS: tuple[str, ...] = tuple(f.value for f in ModelFormat)
"""Every format a library file can have (``library ls --format``)."""

__all__ = [
    "FORMATS",
    "KINDS",
    "DatabaseHashCache",
    "LibraryFileRecord",
    "LibraryHost",
    "LibraryQuery",
    "LibraryRootRecord",
    "LibraryService",
    "LibrarySort",
    "LibraryTotals",
    "MoveInfo",
    "ScanIssue",
    "ScanSummary",
    "ScanTarget",
    "as_scanned",
    "record_downloaded_hashes",
]
