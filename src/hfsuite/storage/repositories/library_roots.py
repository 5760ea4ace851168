"""The folders the library scans (the HF cache, folders the user added, tool folders)."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa

from hfsuite.storage.library_records import LibraryRootRecord
from hfsuite.storage.repositories._base import Repository, rowcount
from hfsuite.storage.schema import LibraryRoot

_LR = cast(sa.Table, LibraryRoot.__table__)


def _record(row: Any) -> LibraryRootRecord:
    return LibraryRootRecord(id=row.id, path=row.path, kind=row.kind, added_at=row.added_at)


class LibraryRootRepository(Repository):
    """Add, list and remove scan roots (files under a root are removed by the caller, with
    :meth:`~hfsuite.storage.repositories.LibraryFileRepository.delete_root`, in the same unit
    of work)."""

    def all(self) -> list[LibraryRootRecord]:
        """Every root, in the order they were added."""
        rows = self.session.execute(sa.select(_LR).order_by(_LR.c.id))
        return [_record(r) for r in rows]

    def get(self, path: str) -> LibraryRootRecord | None:
        """The root at ``path``, or None."""
        row = self.session.execute(sa.select(_LR).where(_LR.c.path == path)).first()
        return _record(row) if row else None

    def add(self, path: str, kind: str) -> LibraryRootRecord:
        """Add a root (or return the existing one at that path, unchanged)."""
        existing = self.get(path)
        if existing is not None:
            return existing
        self.session.execute(sa.insert(_LR).values(path=path, kind=kind, added_at=self._now()))
        added = self.get(path)
        assert added is not None
        return added

    def remove(self, path: str) -> bool:
        """Remove the root at ``path``. Returns whether there was one."""
        return rowcount(self.session.execute(sa.delete(_LR).where(_LR.c.path == path))) > 0
