"""Storage: the suite's database, a SQLite file or PostgreSQL (queue, history, profiles, caches,
statistics, the library index).

```
open_database(url) ─► Database
    with db.write() as uow:            # BEGIN IMMEDIATE (PostgreSQL: an advisory lock) … COMMIT
        ids = uow.tasks.add_many(specs)
    with db.read() as uow:             # a consistent snapshot
        queue = uow.tasks.list_queue()
```

Repositories (``uow.tasks``, ``.task_files``, ``.history``, ``.profiles``, ``.api_cache``,
``.file_hashes``, ``.stats``, ``.model_versions``, ``.library_roots``, ``.library_files``,
``.reclaim_log``) return detached records (:mod:`hfsuite.storage.records`,
:mod:`hfsuite.storage.library_records`).
The schema is migrated with Alembic scripts shipped in ``storage/migrations``. This package
imports only SQLAlchemy, Alembic, the standard library and :mod:`hfsuite.core` (and psycopg,
for a PostgreSQL URL, through SQLAlchemy); it never reads
settings or environment variables: the database URL is passed in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hfsuite.core.lazy import lazy_getattr
from hfsuite.storage.database import (
    BUSY_TIMEOUT_S,
    Database,
    UnitOfWork,
    create_engine_for,
    create_postgresql_engine,
    create_sqlite_engine,
    open_database,
)

if TYPE_CHECKING:
    from hfsuite.storage.feature_records import (
        ApiCacheEntry,
        DailyStats,
        FileSelection,
        ModelVersionRecord,
        ModelVersionSpec,
        ProfileRecord,
        ProfileSpec,
        StatsSummary,
        WorkerRecord,
    )
    from hfsuite.storage.hash_records import FileHashRecord, HashOrigin, StatKey
    from hfsuite.storage.library_records import (
        HfRefEntry,
        IndexEntry,
        LibraryFileRecord,
        LibraryFileSpec,
        LibraryQuery,
        LibraryRootRecord,
        LibrarySort,
        LibraryTotals,
        LocationUpdate,
        ReclaimLogRecord,
        ReclaimLogSpec,
    )
    from hfsuite.storage.records import (
        FavoriteRecord,
        FileState,
        HistoryQuery,
        HistoryRecord,
        HistorySpec,
        ManifestEntry,
        ResumeInfo,
        TaskChanges,
        TaskFileRecord,
        TaskFileSpec,
        TaskRecord,
        TaskSpec,
    )
    from hfsuite.storage.repositories import (
        ApiCacheRepository,
        FileHashRepository,
        HistoryRepository,
        LibraryFileRepository,
        LibraryRootRepository,
        ModelVersionRepository,
        MoveDirection,
        ProfileRepository,
        ProgressUpdate,
        ReclaimLogRepository,
        StatsRepository,
        TaskFileRepository,
        TaskRepository,
        WorkerRepository,
    )

# Imported on first use (PEP 562): a command loads only the records and repositories it
# touches. Their dataclasses cost about a millisecond each to create, and start-up is what
# a short command like `library ls` mostly spends.
_LAZY = {
    "ApiCacheEntry": "hfsuite.storage.feature_records",
    "ApiCacheRepository": "hfsuite.storage.repositories",
    "DailyStats": "hfsuite.storage.feature_records",
    "FavoriteRecord": "hfsuite.storage.records",
    "FileHashRecord": "hfsuite.storage.hash_records",
    "FileHashRepository": "hfsuite.storage.repositories",
    "FileSelection": "hfsuite.storage.feature_records",
    "FileState": "hfsuite.storage.records",
    "HashOrigin": "hfsuite.storage.hash_records",
    "HfRefEntry": "hfsuite.storage.library_records",
    "HistoryQuery": "hfsuite.storage.records",
    "HistoryRecord": "hfsuite.storage.records",
    "HistoryRepository": "hfsuite.storage.repositories",
    "HistorySpec": "hfsuite.storage.records",
    "IndexEntry": "hfsuite.storage.library_records",
    "LibraryFileRecord": "hfsuite.storage.library_records",
    "LibraryFileRepository": "hfsuite.storage.repositories",
    "LibraryFileSpec": "hfsuite.storage.library_records",
    "LibraryQuery": "hfsuite.storage.library_records",
    "LibraryRootRecord": "hfsuite.storage.library_records",
    "LibraryRootRepository": "hfsuite.storage.repositories",
    "LibrarySort": "hfsuite.storage.library_records",
    "LibraryTotals": "hfsuite.storage.library_records",
    "LocationUpdate": "hfsuite.storage.library_records",
    "ManifestEntry": "hfsuite.storage.records",
    "ModelVersionRecord": "hfsuite.storage.feature_records",
    "ModelVersionRepository": "hfsuite.storage.repositories",
    "ModelVersionSpec": "hfsuite.storage.feature_records",
    "MoveDirection": "hfsuite.storage.repositories",
    "ProfileRecord": "hfsuite.storage.feature_records",
    "ProfileRepository": "hfsuite.storage.repositories",
    "ProfileSpec": "hfsuite.storage.feature_records",
    "ProgressUpdate": "hfsuite.storage.repositories",
    "ReclaimLogRecord": "hfsuite.storage.library_records",
    "ReclaimLogRepository": "hfsuite.storage.repositories",
    "ReclaimLogSpec": "hfsuite.storage.library_records",
    "ResumeInfo": "hfsuite.storage.records",
    "StatKey": "hfsuite.storage.hash_records",
    "StatsRepository": "hfsuite.storage.repositories",
    "StatsSummary": "hfsuite.storage.feature_records",
    "TaskChanges": "hfsuite.storage.records",
    "TaskFileRecord": "hfsuite.storage.records",
    "TaskFileRepository": "hfsuite.storage.repositories",
    "TaskFileSpec": "hfsuite.storage.records",
    "TaskRecord": "hfsuite.storage.records",
    "TaskRepository": "hfsuite.storage.repositories",
    "TaskSpec": "hfsuite.storage.records",
    "WorkerRecord": "hfsuite.storage.feature_records",
    "WorkerRepository": "hfsuite.storage.repositories",
}


if not TYPE_CHECKING:  # type checkers see the imports above, and a typo stays an error
    __getattr__ = lazy_getattr(__name__, _LAZY, globals())


__all__ = [
    "BUSY_TIMEOUT_S",
    "ApiCacheEntry",
    "ApiCacheRepository",
    "DailyStats",
    "Database",
    "FavoriteRecord",
    "FileHashRecord",
    "FileHashRepository",
    "FileSelection",
    "FileState",
    "HashOrigin",
    "HfRefEntry",
    "HistoryQuery",
    "HistoryRecord",
    "HistoryRepository",
    "HistorySpec",
    "IndexEntry",
    "LibraryFileRecord",
    "LibraryFileRepository",
    "LibraryFileSpec",
    "LibraryQuery",
    "LibraryRootRecord",
    "LibraryRootRepository",
    "LibrarySort",
    "LibraryTotals",
    "LocationUpdate",
    "ManifestEntry",
    "ModelVersionRecord",
    "ModelVersionRepository",
    "ModelVersionSpec",
    "MoveDirection",
    "ProfileRecord",
    "ProfileRepository",
    "ProfileSpec",
    "ProgressUpdate",
    "ReclaimLogRecord",
    "ReclaimLogRepository",
    "ReclaimLogSpec",
    "ResumeInfo",
    "StatKey",
    "StatsRepository",
    "StatsSummary",
    "TaskChanges",
    "TaskFileRecord",
    "TaskFileRepository",
    "TaskFileSpec",
    "TaskRecord",
    "TaskRepository",
    "TaskSpec",
    "UnitOfWork",
    "WorkerRecord",
    "WorkerRepository",
    "create_engine_for",
    "create_postgresql_engine",
    "create_sqlite_engine",
    "open_database",
]
