"""``hfsuite sync export FILE`` and ``hfsuite sync import FILE``: one machine's settings,
profiles, favorites and added tools in a file, and applying such a file here (a preview first,
all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hfsuite.app.sync.document import SECTIONS, SyncDocument, parse_document
from hfsuite.app.sync.local import Change, apply_changes, check_value, read_local, tool_here
from hfsuite.app.sync.state import load_state, save_state, stamp, state_path, write_atomic
from hfsuite.core.errors import SettingsFileError, UsageError
from hfsuite.core.i18n import tr

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite


def _state_file(suite: Suite) -> Path:
    return state_path(suite.store.path.parent)


def build_document(suite: Suite, sections: tuple[str, ...] = SECTIONS) -> SyncDocument:
    """This machine's document now (the sync state's times kept up to date)."""
    from filelock import FileLock

    path = _state_file(suite)
    path.parent.mkdir(parents=True, exist_ok=True)
    now = suite.clock.now()
    with FileLock(str(path) + ".lock", timeout=60):
        state = load_state(path)
        items = stamp(state, read_local(suite, sections), sections, now)
        save_state(path, state)
    live = {s: {k: i for k, i in entries.items() if not i.deleted} for s, entries in items.items()}
    return SyncDocument(state.machine_id, state.machine_name, now, live)


def export_file(suite: Suite, path: Path) -> SyncDocument:
    """Write this machine's document to ``path`` (atomically).

    Raises:
        SettingsFileError: the file cannot be written.
    """
    document = build_document(suite)
    try:
        write_atomic(path, document.dumps())
    except OSError as exc:
        raise SettingsFileError(
            tr("Cannot write {path} ({reason}).", path=path, reason=exc.strerror or exc)
        ) from exc
    return document


def read_document(path: Path) -> SyncDocument:
    """Read a sync file.

    Raises:
        UsageError: no such file, unreadable, or not a valid sync document.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(
            tr("No such file: {path}.", path=path), hint=tr("Check the path.")
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            tr("Cannot read {path} ({reason}).", path=path, reason=exc),
            hint=tr("Check the file; nothing was changed."),
        ) from None
    return parse_document(text, str(path))


@dataclass
class ImportPlan:
    """What importing a document changes here.

    Attributes:
        document: The document.
        changes: The items to add, change or remove, per section in :data:`SECTIONS` order.
        skipped: ``(section, key, why)`` of items that are not applied here.
    """

    document: SyncDocument
    changes: list[Change] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)

    def of(self, section: str) -> list[Change]:
        """The changes of one section."""
        return [c for c in self.changes if c.section == section]


def plan_import(suite: Suite, document: SyncDocument, *, replace: bool = False) -> ImportPlan:
    """Compare ``document`` with this machine.

    Items of the document are added or changed here; its tombstones remove items; with
    ``replace``, items of a section the document has but that it does not list are removed too.
    Items that cannot be used here (a setting of one machine, a tool folder that is not on this
    machine, an unknown setting) are listed as skipped.
    """
    local = read_local(suite, [s for s in SECTIONS if s in document.sections])
    plan = ImportPlan(document)
    for section in SECTIONS:
        items = document.sections.get(section)
        if items is None:
            continue
        mine = local.get(section, {})
        for key in sorted(items):
            item = items[key]
            old = mine.get(key)
            if item.deleted:
                if old is not None:
                    plan.changes.append(Change(section, key, old, None))
                continue
            value, why = check_value(suite, section, key, item.value)
            if not why and section == "tools":
                why = tool_here(suite, value)
            if why:
                plan.skipped.append((section, key, why))
                continue
            if old is None or old != value:
                plan.changes.append(Change(section, key, old, value))
        if replace:
            for key in sorted(set(mine) - set(items)):
                plan.changes.append(Change(section, key, mine[key], None))
    return plan


def apply_import(suite: Suite, plan: ImportPlan) -> None:
    """Apply the plan all or nothing (:func:`~hfsuite.app.sync.local.apply_changes`)."""
    apply_changes(suite, plan.changes)
