"""The folders the library scans (the HF cache, folders the user added, tool folders)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hfsuite.storage.library_records import LibraryRootRecord
from hfsuite.storage.repositories._base import Repository, rowcount
from hfsuite.storage.schema import LIBRARY_ROOTS

_LR = LIBRARY_ROOTS


def _record(row: Any) -> LibraryRootRecord:
    return LibraryRootRecord(
        id=row.id, path=row.path, kind=row.kind, added_at=row.added_at, enabled=bool(row.enabled)
    )


class LibraryRootRepository(Repository):
    """Add, list and remove scan roots (files under a root are removed by the caller, with
    :meth:`~hfsuite.storage.repositories.LibraryFileRepository.delete_root`, in the same unit
    of work)."""

    def all(self, *, include_disabled: bool = False) -> list[LibraryRootRecord]:
        """Every root, in the order they were added (disabled ones only when asked)."""
        stmt = sa.select(_LR).order_by(_LR.c.id)
        if not include_disabled:
            stmt = stmt.where(_LR.c.enabled.is_(True))
        return [_record(r) for r in self.session.execute(stmt)]

    def get(self, path: str) -> LibraryRootRecord | None:
        """The root at ``path`` (enabled or not), or None."""
        row = self.session.execute(sa.select(_LR).where(_LR.c.path == path)).first()
        return _record(row) if row else None

    def add(self, path: str, kind: str) -> LibraryRootRecord:
        """Add a root; a disabled one at that path is enabled again (with ``kind``); an
        enabled one is returned unchanged."""
        existing = self.get(path)
        if existing is not None and existing.enabled:
            return existing
        if existing is not None:
            self.session.execute(
                sa.update(_LR)
                .where(_LR.c.path == path)
                .values(enabled=True, kind=kind, added_at=self._now())
            )
        else:
            self.session.execute(
                sa.insert(_LR).values(path=path, kind=kind, enabled=True, added_at=self._now())
            )
        added = self.get(path)
        assert added is not None
        return added

    def remove(self, path: str) -> bool:
        """Remove the root at ``path``. Returns whether there was an enabled one."""
        result = self.session.execute(
            sa.delete(_LR).where(_LR.c.path == path, _LR.c.enabled.is_(True))
        )
        return rowcount(result) > 0

    def disable(self, path: str, kind: str) -> None:
        """Keep ``path`` as a disabled root (a default root the user removed: it is not added
        back by itself)."""
        if self.get(path) is None:
            self.session.execute(
                sa.insert(_LR).values(path=path, kind=kind, enabled=False, added_at=self._now())
            )
        else:
            self.session.execute(sa.update(_LR).where(_LR.c.path == path).values(enabled=False))
