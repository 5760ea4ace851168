"""The sync document: what one machine's settings, profiles, favorites and tools look like on
disk, and reading one back.

```json
{"format": "hfsuite-sync", "version": 1, "exported_at": "2026-11-29T12:00:00+00:00",
 "machine": {"id": "3f9a0c1b2d4e", "name": "studio-pc"},
 "settings":  [{"key": "connections_per_file", "value": 16, "modified_at": 1764417600.0}],
 "profiles":  [{"key": "sdxl-loras", "value": {...}, "modified_at": ...}],
 "favorites": [{"key": "huggingface:model:org/name", "value": {...}, "modified_at": ...}],
 "tools":     [{"key": "comfyui-2", "value": {"kind": "comfyui", "path": "/srv/ComfyUI"}, ...}]}
```

Every item carries its own ``modified_at`` (seconds since the epoch, UTC); a removed item is a
tombstone ``{"key": ..., "deleted": true, "modified_at": ...}``. Nothing secret is ever in it:
tokens live in the keyring and are not settings at all, and the settings that may hold a secret
or only make sense on one machine are left out (:data:`LOCAL_SETTINGS`).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr

FORMAT = "hfsuite-sync"
VERSION = 1
SECTIONS: tuple[str, ...] = ("settings", "profiles", "favorites", "tools")
"""The sections of a document, in order."""
FOLDER_SECTIONS: tuple[str, ...] = ("settings", "profiles", "favorites")
"""The sections folder sync keeps in step (tools are folders of one machine)."""

LOCAL_SETTINGS: frozenset[str] = frozenset(
    {
        "proxy",  # may hold user:password, and a proxy belongs to a network
        "no_proxy",  # goes with the proxy
        "offline",  # a machine's situation, not a preference
        "download_dir",  # folders of this machine
        "hf_home",
        "hf_cache_dir",
        "db_url",
        "sync_folder",
    }
)
"""Settings never exported nor imported: secrets and this machine's own paths and network."""

MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
"""A larger file is refused (no real document comes near)."""


@dataclass(frozen=True)
class Item:
    """One setting, profile, favorite or tool, as of ``modified_at``.

    Attributes:
        key: Unique in its section (a setting's name, a profile's name, a favorite's
            ``source:type:repo``, a tool's name).
        value: JSON values; None for a tombstone.
        modified_at: When it last changed (or was removed), epoch seconds.
        deleted: A tombstone: the item was removed at ``modified_at``.
    """

    key: str
    value: Any
    modified_at: float
    deleted: bool = False

    @property
    def digest(self) -> str:
        """What the item holds, as a short hash (a tombstone's is ``deleted``)."""
        return "deleted" if self.deleted else value_digest(self.value)

    def to_json(self) -> dict[str, Any]:
        """The item as stored in a document."""
        if self.deleted:
            return {"key": self.key, "deleted": True, "modified_at": self.modified_at}
        return {"key": self.key, "value": self.value, "modified_at": self.modified_at}


def value_digest(value: Any) -> str:
    """A hash of a JSON value (keys sorted), to tell whether two values are the same."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class SyncDocument:
    """A whole document: who wrote it, when, and its items per section."""

    machine_id: str
    machine_name: str
    exported_at: float
    sections: dict[str, dict[str, Item]]

    def to_json(self) -> dict[str, Any]:
        """The document as written to a file."""
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": iso(self.exported_at),
            "machine": {"id": self.machine_id, "name": self.machine_name},
        }
        for section in SECTIONS:
            items = self.sections.get(section)
            if items is not None:
                data[section] = [items[k].to_json() for k in sorted(items)]
        return data

    def dumps(self) -> str:
        """The document's text."""
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def iso(ts: float) -> str:
    """Epoch seconds as ISO-8601 UTC."""
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="seconds")


def _bad(where: str, why: str) -> UsageError:
    return UsageError(
        tr("{where} is not a valid hfsuite sync file: {why}.", where=where, why=why),
        hint=tr(
            "Use a file written by `hfsuite sync export` (or a machine-*.json of a sync "
            "folder); nothing was changed."
        ),
    )


def parse_document(text: str, where: str) -> SyncDocument:
    """Read a document.

    Raises:
        UsageError: not JSON, not a sync document, an unknown version, or a malformed item
            (the message says which); nothing is changed by a refused file.
    """
    if len(text) > MAX_DOCUMENT_BYTES:
        raise _bad(where, "it is larger than 32 MiB")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _bad(where, f"not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad(where, f'"format" is not "{FORMAT}"')
    version = data.get("version")
    if version != VERSION:
        raise UsageError(
            tr(
                "{where} is a sync file of version {version}; this hfsuite reads version "
                "{supported}.",
                where=where,
                version=repr(version),
                supported=VERSION,
            ),
            hint=tr(
                "Update hfsuite on this machine (or export again with the same version); "
                "nothing was changed."
            ),
        )
    machine = data.get("machine")
    if not isinstance(machine, dict) or not isinstance(machine.get("id"), str):
        raise _bad(where, '"machine" has no "id"')
    exported = _timestamp(data.get("exported_at"))
    if exported is None:
        raise _bad(where, '"exported_at" is not a date')
    sections: dict[str, dict[str, Item]] = {}
    for section in SECTIONS:
        raw = data.get(section)
        if raw is None:
            continue
        if not isinstance(raw, list):
            raise _bad(where, f'"{section}" is not a list')
        items: dict[str, Item] = {}
        for n, entry in enumerate(raw, 1):
            item = _item(entry)
            if item is None:
                raise _bad(where, f'item {n} of "{section}" is malformed')
            if item.key in items:
                raise _bad(where, f'"{section}" has {item.key!r} twice')
            items[item.key] = item
        sections[section] = items
    name = machine.get("name")
    return SyncDocument(
        machine["id"], name if isinstance(name, str) else machine["id"], exported, sections
    )


def _timestamp(value: Any) -> float | None:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _item(entry: Any) -> Item | None:
    if not isinstance(entry, dict):
        return None
    key = entry.get("key")
    modified = _timestamp(entry.get("modified_at"))
    if not isinstance(key, str) or not key or modified is None:
        return None
    if entry.get("deleted") is True:
        return Item(key, None, modified, deleted=True)
    if "value" not in entry:
        return None
    return Item(key, entry["value"], modified)


def items_of(values: Mapping[str, Any], stamps: Mapping[str, float], now: float) -> dict[str, Item]:
    """Items for ``values`` with their ``stamps`` (``now`` for a key without one)."""
    return {k: Item(k, v, stamps.get(k, now)) for k, v in values.items()}


def live(items: Iterable[Item]) -> dict[str, Any]:
    """Key -> value of the items that are not tombstones."""
    return {i.key: i.value for i in items if not i.deleted}
