"""One small repository per table group; each works inside a unit of work's transaction."""

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
]
