"""Profiles: named destinations with a layout and settings (e.g. "ComfyUI loras")."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError as SAIntegrityError

from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.types import Layout
from hfsuite.storage.feature_records import ProfileRecord, ProfileSpec
from hfsuite.storage.repositories._base import Repository
from hfsuite.storage.schema import PROFILES

_P = PROFILES


def _profile_record(row: sa.RowMapping) -> ProfileRecord:
    return ProfileRecord(
        id=row["id"],
        name=row["name"],
        destination=row["destination"],
        layout=Layout(row["layout"]),
        settings=dict(row["settings"] or {}),
        origin=row["origin"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _values(spec: ProfileSpec) -> dict[str, Any]:
    if not spec.name.strip():
        raise UsageError(tr("A profile needs a name."))
    return {
        "name": spec.name.strip(),
        "destination": spec.destination,
        "layout": spec.layout.value,
        "settings": dict(spec.settings),
        "origin": spec.origin,
    }


class ProfileRepository(Repository):
    """Create, change, find and delete profiles. Names are unique."""

    def create(self, spec: ProfileSpec) -> ProfileRecord:
        """Add a profile.

        Raises:
            UsageError: when a profile with that name exists (or the name is empty).
        """
        now = self._now()
        values = _values(spec)
        if self.get_by_name(values["name"]) is not None:
            raise UsageError(
                tr("A profile named '{name}' already exists.", name=values["name"]),
                hint=tr("Choose another name, or edit the existing profile."),
            )
        try:
            with self.session.begin_nested():
                new_id = self.session.execute(
                    sa.insert(_P)
                    .values(**values, created_at=now, updated_at=now)
                    .returning(_P.c.id)
                ).scalar_one()
        except SAIntegrityError as exc:  # pragma: no cover - guarded by the check above
            raise UsageError(
                tr("A profile named '{name}' already exists.", name=values["name"])
            ) from exc
        record = self.get(new_id)
        assert record is not None
        return record

    def update(self, profile_id: int, spec: ProfileSpec) -> ProfileRecord:
        """Replace a profile's fields.

        Raises:
            UsageError: when no such profile exists or the new name is taken.
        """
        values = _values(spec)
        other = self.get_by_name(values["name"])
        if other is not None and other.id != profile_id:
            raise UsageError(tr("A profile named '{name}' already exists.", name=values["name"]))
        self.session.execute(
            sa.update(_P).where(_P.c.id == profile_id).values(**values, updated_at=self._now())
        )
        record = self.get(profile_id)
        if record is None:
            raise UsageError(tr("No profile with id {id}.", id=profile_id))
        return record

    def upsert_by_name(self, spec: ProfileSpec) -> ProfileRecord:
        """Create the profile, or update the one with the same name (auto-detection)."""
        existing = self.get_by_name(spec.name.strip())
        if existing is None:
            return self.create(spec)
        return self.update(existing.id, spec)

    def get(self, profile_id: int) -> ProfileRecord | None:
        """The profile with that id, or ``None``."""
        row = self.session.execute(sa.select(_P).where(_P.c.id == profile_id)).mappings().first()
        return _profile_record(row) if row else None

    def get_by_name(self, name: str) -> ProfileRecord | None:
        """The profile with that name, or ``None``."""
        row = self.session.execute(sa.select(_P).where(_P.c.name == name)).mappings().first()
        return _profile_record(row) if row else None

    def list_all(self) -> list[ProfileRecord]:
        """All profiles, by name."""
        rows = self.session.execute(sa.select(_P).order_by(_P.c.name)).mappings()
        return [_profile_record(r) for r in rows]

    def delete(self, profile_id: int) -> bool:
        """Delete a profile; tasks that targeted it keep their destination and lose the link."""
        result = self.session.execute(sa.delete(_P).where(_P.c.id == profile_id))
        return bool(getattr(result, "rowcount", 0))
