"""One small repository per table group; each works inside a unit of work's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hfsuite.core.lazy import lazy_getattr

if TYPE_CHECKING:
    from hfsuite.storage.repositories.api_cache import ApiCacheRepository
    from hfsuite.storage.repositories.file_hashes import FileHashRepository
    from hfsuite.storage.repositories.history import HistoryRepository
    from hfsuite.storage.repositories.library_files import LibraryFileRepository
    from hfsuite.storage.repositories.library_reclaim_log import ReclaimLogRepository
    from hfsuite.storage.repositories.library_roots import LibraryRootRepository
    from hfsuite.storage.repositories.model_versions import ModelVersionRepository
    from hfsuite.storage.repositories.profiles import ProfileRepository
    from hfsuite.storage.repositories.stats import StatsRepository
    from hfsuite.storage.repositories.task_files import TaskFileRepository
    from hfsuite.storage.repositories.tasks import MoveDirection, ProgressUpdate, TaskRepository
    from hfsuite.storage.repositories.workers import WorkerRepository

# Imported on first use (PEP 562): a command loads only the records and repositories it
# touches. Their dataclasses cost about a millisecond each to create, and start-up is what
# a short command like `library ls` mostly spends.
_LAZY = {
    "ApiCacheRepository": "hfsuite.storage.repositories.api_cache",
    "FileHashRepository": "hfsuite.storage.repositories.file_hashes",
    "HistoryRepository": "hfsuite.storage.repositories.history",
    "LibraryFileRepository": "hfsuite.storage.repositories.library_files",
    "LibraryRootRepository": "hfsuite.storage.repositories.library_roots",
    "ModelVersionRepository": "hfsuite.storage.repositories.model_versions",
    "MoveDirection": "hfsuite.storage.repositories.tasks",
    "ProfileRepository": "hfsuite.storage.repositories.profiles",
    "ProgressUpdate": "hfsuite.storage.repositories.tasks",
    "ReclaimLogRepository": "hfsuite.storage.repositories.library_reclaim_log",
    "StatsRepository": "hfsuite.storage.repositories.stats",
    "TaskFileRepository": "hfsuite.storage.repositories.task_files",
    "TaskRepository": "hfsuite.storage.repositories.tasks",
    "WorkerRepository": "hfsuite.storage.repositories.workers",
}


if not TYPE_CHECKING:  # type checkers see the imports above, and a typo stays an error
    __getattr__ = lazy_getattr(__name__, _LAZY, globals())


__all__ = [
    "ApiCacheRepository",
    "FileHashRepository",
    "HistoryRepository",
    "LibraryFileRepository",
    "LibraryRootRepository",
    "ModelVersionRepository",
    "MoveDirection",
    "ProfileRepository",
    "ProgressUpdate",
    "ReclaimLogRepository",
    "StatsRepository",
    "TaskFileRepository",
    "TaskRepository",
    "WorkerRepository",
]
