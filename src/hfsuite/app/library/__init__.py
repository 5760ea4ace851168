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

from __future__ import annotations

from typing import TYPE_CHECKING

from hfsuite.core.destination import LIBRARY_ONLY_KINDS, MODEL_KINDS
from hfsuite.core.lazy import lazy_getattr

if TYPE_CHECKING:
    from hfsuite.app.library.hashes import DatabaseHashCache, record_downloaded_hashes
    from hfsuite.app.library.model import FORMATS, MoveInfo, ScanIssue, ScanSummary, ScanTarget
    from hfsuite.app.library.service import LibraryHost, LibraryService, as_scanned
    from hfsuite.storage import (
        LibraryFileRecord,
        LibraryQuery,
        LibraryRootRecord,
        LibrarySort,
        LibraryTotals,
    )

KINDS: tuple[str, ...] = tuple(dict.fromkeys((*MODEL_KINDS, *LIBRARY_ONLY_KINDS, "diffusers")))
"""Every kind a library file can have (``library ls --kind``)."""

# Imported on first use (PEP 562), as in hfsuite.storage: a finished download records its
# hashes through hashes.py, which must not bring in the scanner, the service and their
# dataclasses (0.02 s of the queue's import, which the end of ``hfsuite download`` waits for).
_LAZY = {
    "DatabaseHashCache": "hfsuite.app.library.hashes",
    "record_downloaded_hashes": "hfsuite.app.library.hashes",
    "MoveInfo": "hfsuite.app.library.model",
    "ScanIssue": "hfsuite.app.library.model",
    "ScanSummary": "hfsuite.app.library.model",
    "ScanTarget": "hfsuite.app.library.model",
    "FORMATS": "hfsuite.app.library.model",
    "LibraryHost": "hfsuite.app.library.service",
    "LibraryService": "hfsuite.app.library.service",
    "as_scanned": "hfsuite.app.library.service",
    "LibraryFileRecord": "hfsuite.storage",
    "LibraryQuery": "hfsuite.storage",
    "LibraryRootRecord": "hfsuite.storage",
    "LibrarySort": "hfsuite.storage",
    "LibraryTotals": "hfsuite.storage",
}
__getattr__ = lazy_getattr(__name__, _LAZY, globals())

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
