"""What was downloaded where, at which commit: the basis of "check for updates"."""

from __future__ import annotations

import sqlalchemy as sa

from hfsuite.core.types import Layout, RepoRef, RepoType, SourceKind
from hfsuite.storage.feature_records import FileSelection, ModelVersionRecord, ModelVersionSpec
from hfsuite.storage.records import ManifestEntry
from hfsuite.storage.repositories._base import Repository, insert_on_conflict
from hfsuite.storage.schema import MODEL_VERSIONS

_MV = MODEL_VERSIONS


def _record(row: sa.RowMapping) -> ModelVersionRecord:
    return ModelVersionRecord(
        id=row["id"],
        source=SourceKind(row["source"]),
        repo_type=RepoType(row["repo_type"]),
        repo_id=row["repo_id"],
        revision=row["revision"],
        commit=row["commit"],
        destination=row["destination"],
        layout=Layout(row["layout"]),
        manifest=tuple(ManifestEntry.from_json(e) for e in row["manifest"] or ()),
        downloaded_at=row["downloaded_at"],
        upstream_commit=row["upstream_commit"],
        checked_at=row["checked_at"],
        selections=None
        if row["selections"] is None
        else tuple(FileSelection.from_json(s) for s in row["selections"]),
        endpoint=row["endpoint"],
    )


class ModelVersionRepository(Repository):
    """Track downloaded commits and the results of update checks."""

    def upsert(self, spec: ModelVersionSpec) -> ModelVersionRecord:
        """Record a download; replaces the row for the same repo and destination.

        A new download resets the update-check result (it is now the downloaded commit).
        """
        stmt = insert_on_conflict(self.session, _MV).values(
            source=spec.source.value,
            repo_type=spec.repo_type.value,
            repo_id=spec.repo_id,
            revision=spec.revision,
            commit=spec.commit,
            destination=spec.destination,
            layout=spec.layout.value,
            manifest=[e.to_json() for e in spec.manifest],
            downloaded_at=spec.downloaded_at,
            upstream_commit=None,
            checked_at=None,
            selections=None if spec.selections is None else [s.to_json() for s in spec.selections],
            endpoint=spec.endpoint,
        )
        upsert = stmt.on_conflict_do_update(
            index_elements=[_MV.c.source, _MV.c.repo_type, _MV.c.repo_id, _MV.c.destination],
            set_={
                c: stmt.excluded[c]
                for c in (
                    "revision",
                    "commit",
                    "layout",
                    "manifest",
                    "downloaded_at",
                    "upstream_commit",
                    "checked_at",
                    "selections",
                    "endpoint",
                )
            },
        ).returning(_MV.c.id)
        new_id = self.session.execute(upsert).scalar_one()
        record = self.get(new_id)
        assert record is not None
        return record

    def get(self, version_id: int) -> ModelVersionRecord | None:
        """One tracked download, or ``None``."""
        row = self.session.execute(sa.select(_MV).where(_MV.c.id == version_id)).mappings()
        first = row.first()
        return _record(first) if first else None

    def find(self, ref: RepoRef) -> list[ModelVersionRecord]:
        """Every tracked download of a repository (one per destination)."""
        rows = self.session.execute(
            sa.select(_MV)
            .where(
                _MV.c.source == ref.source.value,
                _MV.c.repo_type == ref.repo_type.value,
                _MV.c.repo_id == ref.repo_id,
            )
            .order_by(_MV.c.destination)
        ).mappings()
        return [_record(r) for r in rows]

    def list_all(self, source: SourceKind | None = None) -> list[ModelVersionRecord]:
        """All tracked downloads (optionally of one source), by repo id then destination."""
        stmt = sa.select(_MV).order_by(_MV.c.repo_id, _MV.c.destination)
        if source is not None:
            stmt = stmt.where(_MV.c.source == source.value)
        return [_record(r) for r in self.session.execute(stmt).mappings()]

    def mark_checked(self, version_id: int, *, upstream_commit: str, checked_at: float) -> None:
        """Store what an update check found upstream."""
        self.session.execute(
            sa.update(_MV)
            .where(_MV.c.id == version_id)
            .values(upstream_commit=upstream_commit, checked_at=checked_at)
        )

    def delete(self, version_id: int) -> bool:
        """Stop tracking a download. Returns whether it was tracked."""
        result = self.session.execute(sa.delete(_MV).where(_MV.c.id == version_id))
        return bool(getattr(result, "rowcount", 0))
