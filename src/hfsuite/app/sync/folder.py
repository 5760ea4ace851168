"""``hfsuite sync folder``: keeping settings, profiles and favorites in step between machines
through a folder that something else copies around (a cloud drive, Syncthing, a network share).

One round on this machine:

1. This machine's items are read and stamped (:func:`~hfsuite.app.sync.state.stamp`): each
   carries the time it last changed here; a removed one is a tombstone.
2. Every other ``machine-<id>.json`` of the folder is read. A file that is half-written, corrupt,
   or of an unknown version is skipped with a warning (it is read again next round; nothing is
   lost).
3. Per item, the newest version wins (its ``modified_at``; equal times: the larger machine id,
   so every machine picks the same). A tombstone that is newest removes the item here.
4. When the item changed **both** here and elsewhere since the last round (each differs from the
   value the machines agreed on then), that is a conflict: the newest is kept and the other is
   written to ``conflicts-<this machine's id>.log`` in the folder (one file per machine, so two
   machines never write the same file) and logged.
5. The winners are applied here all or nothing, and this machine's file is written atomically
   (a temporary name, then a rename): another machine never reads half of it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hfsuite.app.sync.document import (
    FOLDER_SECTIONS,
    Item,
    SyncDocument,
    iso,
    parse_document,
)
from hfsuite.app.sync.local import Change, apply_changes, check_value, read_local
from hfsuite.app.sync.state import Entry, load_state, save_state, stamp, state_path, write_atomic
from hfsuite.core.errors import SettingsFileError, UsageError
from hfsuite.core.i18n import tr

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite

log = logging.getLogger(__name__)

MACHINE_FILE = re.compile(r"machine-([A-Za-z0-9_-]{1,64})\.json")
ME = ""  # the machine id that stands for this machine in a merge


@dataclass(frozen=True)
class Conflict:
    """An item changed here and on another machine since the last round."""

    section: str
    key: str
    kept: Item
    kept_by: str
    dropped: Item
    dropped_by: str

    def line(self, when: float) -> str:
        """One line of the conflicts log."""
        value = "removed" if self.dropped.deleted else json.dumps(self.dropped.value)
        return (
            f"{iso(when)} {self.section} {self.key!r}: kept the version of {self.kept_by} "
            f"({iso(self.kept.modified_at)}); dropped the version of {self.dropped_by} "
            f"({iso(self.dropped.modified_at)}): {value}"
        )


@dataclass
class RoundReport:
    """What one round did."""

    folder: Path
    written: Path
    machine_id: str
    machines: list[str] = field(default_factory=list)
    """The other machines read (their names)."""
    skipped_files: list[tuple[Path, str]] = field(default_factory=list)
    applied: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    round_at: float = 0.0
    """When the round ran (the clock's now)."""
    unchanged: bool = False
    """This machine's file already held the result and was not written again."""


def machine_file(folder: Path, machine_id: str) -> Path:
    """This machine's file in the folder."""
    return folder / f"machine-{machine_id}.json"


def check_folder(folder: Path) -> Path:
    """The folder as an absolute path, created when missing.

    Raises:
        UsageError: a file of that name, or a folder that cannot be created.
    """
    path = Path(folder).expanduser().absolute()
    if path.exists() and not path.is_dir():
        raise UsageError(
            tr("{path} is a file, not a folder.", path=path),
            hint=tr("Give a folder to sync through."),
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            tr(
                "Cannot create the sync folder {path} ({reason}).",
                path=path,
                reason=exc.strerror or exc,
            ),
            hint=tr("Check the path and its permissions."),
        ) from None
    return path


def _others(folder: Path, me: str, report: RoundReport) -> list[SyncDocument]:
    found: list[SyncDocument] = []
    for path in sorted(folder.iterdir()):
        match = MACHINE_FILE.fullmatch(path.name)
        if match is None or match.group(1) == me:
            continue
        try:
            text = path.read_text(encoding="utf-8")
            document = parse_document(text, path.name)
        except (OSError, UnicodeDecodeError, UsageError) as exc:
            why = exc.message if isinstance(exc, UsageError) else str(exc)
            report.skipped_files.append((path, why))
            continue
        if document.machine_id == me:
            continue
        found.append(document)
        report.machines.append(document.machine_name)
    return found


def _pick(candidates: Iterable[tuple[str, Item]]) -> tuple[str, Item]:
    return max(candidates, key=lambda c: (c[1].modified_at, c[0]))


def merge_item(
    local: Item | None,
    base: str | None,
    remotes: list[tuple[str, Item]],
    me: str,
    base_at: float = 0.0,
) -> tuple[tuple[str, Item] | None, list[tuple[tuple[str, Item], tuple[str, Item]]]]:
    """The winning version of one item, and the conflicts as ``(kept, dropped)`` pairs.

    ``local`` is this machine's version (None: never had it), ``base`` the hash agreed on at
    the last round and ``base_at`` that version's time, ``remotes`` ``(machine id, item)`` of
    the other machines. A remote version changed since the last round when it differs from
    ``base`` and is newer than ``base_at`` (an older one is a machine that has not caught up).
    """
    candidates = [(me, local)] if local is not None else []
    candidates += remotes
    if not candidates:
        return None, []
    winner = _pick(candidates)
    conflicts: list[tuple[tuple[str, Item], tuple[str, Item]]] = []
    if local is not None and local.digest != base:  # changed here since the last round
        changed = [
            (m, r)
            for m, r in remotes
            if r.digest not in (base, local.digest) and r.modified_at > base_at
        ]
        if winner[0] != me and winner[1].digest != local.digest:
            conflicts.append((winner, (me, local)))
        elif winner[0] == me:
            conflicts += [(winner, c) for c in changed]
    return winner, conflicts


def sync_round(suite: Suite, folder: Path) -> RoundReport:
    """One round of folder sync on this machine (see the module's description).

    Raises:
        UsageError: the folder is not usable.
        SettingsFileError: this machine's file, the settings or the state cannot be written.
    """
    from filelock import FileLock

    folder = check_folder(folder)
    path = state_path(suite.store.path.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock", timeout=60):
        return _round(suite, folder, path)


def _round(suite: Suite, folder: Path, path: Path) -> RoundReport:
    state = load_state(path)
    now = suite.clock.now()
    me = state.machine_id
    names = {ME: state.machine_name}
    report = RoundReport(
        folder, machine_file(folder, me), me, warnings=list(state.warnings), round_at=now
    )
    local_values = read_local(suite, FOLDER_SECTIONS)
    mine = stamp(state, local_values, FOLDER_SECTIONS, now)
    others = _others(folder, me, report)
    for document in others:
        names[document.machine_id] = f"{document.machine_name} ({document.machine_id})"
    names[me] = f"{state.machine_name} ({me}, this machine)"
    merged: dict[str, dict[str, Item]] = {}
    for section in FOLDER_SECTIONS:
        keys = set(mine[section])
        for document in others:
            keys |= set(document.sections.get(section, {}))
        merged[section] = {}
        for key in sorted(keys):
            local = mine[section].get(key)
            remotes = [
                (d.machine_id, d.sections[section][key])
                for d in others
                if key in d.sections.get(section, {})
            ]
            entry = state.entry(section, key)
            winner, conflicts = merge_item(
                local,
                entry.base if entry else None,
                remotes,
                me,
                entry.base_at if entry else 0.0,
            )
            if winner is None:
                continue
            by, won = winner
            item: Item | None = won
            if by != me and (local is None or won.digest != local.digest):
                item = _adopt(suite, section, key, won, local, report)
            if item is None:
                continue
            for kept, dropped in conflicts:
                report.conflicts.append(
                    Conflict(section, key, kept[1], names[kept[0]], dropped[1], names[dropped[0]])
                )
            merged[section][key] = item
    apply_changes(suite, report.applied)
    for section, items in merged.items():
        entries = state.items.setdefault(section, {})
        for key, item in items.items():
            entries[key] = Entry(
                item.digest, item.modified_at, item.deleted, item.digest, item.modified_at
            )
    state.last_round = now
    document = SyncDocument(me, state.machine_name, now, merged)
    try:
        if _unchanged(report.written, document):
            report.unchanged = True
        else:
            write_atomic(report.written, document.dumps())
    except OSError as exc:
        raise SettingsFileError(
            tr(
                "Cannot write {path} ({reason}); nothing was synced out.",
                path=report.written,
                reason=exc.strerror or exc,
            )
        ) from exc
    save_state(path, state)
    if report.conflicts:
        _log_conflicts(folder, me, report.conflicts, now, report)
    for file, why in report.skipped_files:
        log.warning("sync: skipped %s: %s", file, why)
    return report


def _unchanged(path: Path, document: SyncDocument) -> bool:
    """Whether this machine's file already holds ``document``'s items (then it is not written
    again: a cloud drive would upload it for nothing)."""
    try:
        before = parse_document(path.read_text(encoding="utf-8"), path.name)
    except (OSError, UnicodeDecodeError, UsageError):
        return False
    return before.machine_id == document.machine_id and before.sections == document.sections


def _adopt(
    suite: Suite, section: str, key: str, item: Item, local: Item | None, report: RoundReport
) -> Item | None:
    """Take another machine's version of an item here: the change to apply, and the item as
    kept (``local`` when the version cannot be used here, None when there is nothing)."""
    if item.deleted:
        if local is not None and not local.deleted:
            report.applied.append(Change(section, key, local.value, None))
        return item
    value, why = check_value(suite, section, key, item.value)
    if why:
        report.warnings.append(f"{section} {key!r} from another machine is not used here: {why}.")
        return local
    old = local.value if local is not None and not local.deleted else None
    report.applied.append(Change(section, key, old, value))
    return Item(key, value, item.modified_at)


def _log_conflicts(
    folder: Path, me: str, conflicts: list[Conflict], now: float, report: RoundReport
) -> None:
    lines = [c.line(now) for c in conflicts]
    for line in lines:
        log.warning("sync conflict: %s", line)
    target = folder / f"conflicts-{me}.log"
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in lines))
    except OSError as exc:
        report.warnings.append(f"Cannot write {target} ({exc.strerror or exc}).")
