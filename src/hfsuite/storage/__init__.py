"""Storage: the suite's SQLite database (queue, history, profiles, caches, statistics).

```
open_database(url) ─► Database
    with db.write() as uow:            # BEGIN IMMEDIATE … COMMIT, or ROLLBACK on error
        ids = uow.tasks.add_many(specs)
    with db.read() as uow:             # a consistent snapshot
        queue = uow.tasks.list_queue()
```

Repositories (``uow.tasks``, ``.task_files``, ``.history``, ``.profiles``, ``.api_cache``,
``.file_hashes``, ``.stats``, ``.model_versions``, ``.library_roots``, ``.library_files``,
``.reclaim_log``) return detached records (:mod:`hfsuite.storage.records`,
:mod:`hfsuite.storage.library_records`).
The schema is migrated with Alembic scripts shipped in ``storage/migrations``. This package
imports only SQLAlchemy, Alembic, the standard library and :mod:`hfsuite.core`; it never reads
settings or environment variables: the database URL is passed in.
"""

from hfsuite.storage.database import (
    BUSY_TIMEOUT_S,
    Database,
    UnitOfWork,
    create_sqlite_engine,
    open_database,
)
from hfsuite.storage.feature_records import (
    ApiCacheEntry,
    DailyStats,
    FileSelection,
    ModelVersionRecord,
    ModelVersionSpec,
    ProfileRecord,
    ProfileSpec,
    StatsSummary,
)
from hfsuite.storage.library_records import (
    FileHashRecord,
    HashOrigin,
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
    StatKey,
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
)

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
    "create_sqlite_engine",
    "open_database",
]
