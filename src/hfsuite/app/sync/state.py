"""The sync state beside the settings file (``sync-state.json``): this machine's id, and per
item the hash of what it held when last seen, when that changed, and what all machines agreed
on at the last sync round (its *base*).

The settings file, the profiles and the favorites carry no modification time of their own, so
the times come from here: each time sync looks at this machine, an item whose hash differs from
the one recorded gets the clock's "now" as its ``modified_at``, and an item that is gone gets a
tombstone. Tombstones older than :data:`TOMBSTONE_DAYS` are forgotten.

```json
{"version": 1, "machine": {"id": "3f9a0c1b2d4e", "name": "studio-pc"}, "last_round": 1764417600.0,
 "items": {"profiles": {"sdxl": {"digest": "…", "modified_at": 1764417000.0, "deleted": false,
                                 "base": "…"}}}}
```
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hfsuite.app.sync.document import Item, value_digest

STATE_FILE_NAME = "sync-state.json"
TOMBSTONE_DAYS = 180
_DAY = 86400.0


@dataclass
class Entry:
    """What the state knows of one item."""

    digest: str
    modified_at: float
    deleted: bool = False
    base: str | None = None
    """The item's hash after the last sync round (None: never synced)."""
    base_at: float = 0.0
    """The ``modified_at`` of that agreed version (a version elsewhere that is not newer is
    an old one, not a change)."""


@dataclass
class SyncState:
    """The state file's content."""

    machine_id: str
    machine_name: str
    items: dict[str, dict[str, Entry]] = field(default_factory=dict)
    last_round: float | None = None
    warnings: list[str] = field(default_factory=list)

    def entry(self, section: str, key: str) -> Entry | None:
        """The state of one item, or None."""
        return self.items.get(section, {}).get(key)


def state_path(config_dir: Path) -> Path:
    """Where the state lives: beside the settings file."""
    return config_dir / STATE_FILE_NAME


def load_state(path: Path) -> SyncState:
    """The state at ``path``; a new one (new machine id) when there is none. A broken file is
    kept aside (``.broken``) with a warning, and sync starts afresh (each item then counts as
    changed now: the next round may report conflicts, never lose an item)."""
    warnings: list[str] = []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        warnings.append(f"The sync state {path} cannot be read ({exc}); starting afresh.")
        with contextlib.suppress(OSError):
            os.replace(path, path.with_name(path.name + ".broken"))
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("machine"), dict):
        name = platform.node() or "this machine"
        return SyncState(secrets.token_hex(6), name, warnings=warnings)
    machine = data["machine"]
    state = SyncState(
        str(machine.get("id") or secrets.token_hex(6)),
        str(machine.get("name") or platform.node() or "this machine"),
        last_round=data.get("last_round") if isinstance(data.get("last_round"), float) else None,
        warnings=warnings,
    )
    items = data.get("items")
    for section, entries in items.items() if isinstance(items, dict) else []:
        if not isinstance(entries, dict):
            continue
        for key, raw in entries.items():
            if isinstance(raw, dict) and isinstance(raw.get("digest"), str):
                state.items.setdefault(section, {})[key] = Entry(
                    raw["digest"],
                    _number(raw.get("modified_at")),
                    bool(raw.get("deleted")),
                    raw.get("base") if isinstance(raw.get("base"), str) else None,
                    _number(raw.get("base_at")),
                )
    return state


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def save_state(path: Path, state: SyncState) -> None:
    """Write the state atomically (temp file + rename)."""
    data = {
        "version": 1,
        "machine": {"id": state.machine_id, "name": state.machine_name},
        "last_round": state.last_round,
        "items": {
            section: {
                key: {
                    "digest": e.digest,
                    "modified_at": e.modified_at,
                    "deleted": e.deleted,
                    "base": e.base,
                    "base_at": e.base_at,
                }
                for key, e in sorted(entries.items())
            }
            for section, entries in sorted(state.items.items())
        },
    }
    write_atomic(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a hidden temporary file in the same folder and a
    rename: a reader sees the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(3)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def stamp(
    state: SyncState,
    local: Mapping[str, Mapping[str, Any]],
    sections: Iterable[str],
    now: float,
) -> dict[str, dict[str, Item]]:
    """This machine's items with their times: unchanged items keep theirs, changed and new ones
    get ``now``, removed ones become tombstones stamped ``now``. Updates ``state``."""
    result: dict[str, dict[str, Item]] = {}
    for section in sections:
        values = local.get(section, {})
        entries = state.items.setdefault(section, {})
        items: dict[str, Item] = {}
        for key, value in values.items():
            digest = value_digest(value)
            entry = entries.get(key)
            if entry is None or entry.deleted or entry.digest != digest:
                base = entry.base if entry is not None else None
                base_at = entry.base_at if entry is not None else 0.0
                entry = entries[key] = Entry(digest, now, False, base, base_at)
            items[key] = Item(key, value, entry.modified_at)
        for key, entry in list(entries.items()):
            if key in values:
                continue
            if not entry.deleted:
                entry.digest, entry.modified_at, entry.deleted = "deleted", now, True
            if now - entry.modified_at > TOMBSTONE_DAYS * _DAY:
                del entries[key]
                continue
            items[key] = Item(key, None, entry.modified_at, deleted=True)
        result[section] = items
    return result
