"""This machine's side of a sync: reading its settings, profiles, favorites and added tools as
plain values, checking values that come from elsewhere, and applying a set of changes all or
nothing.

All or nothing: every value is checked before anything is written; the database changes
(profiles, favorites) run in one transaction, and the settings file and ``tools.json`` are
written (each atomically) inside it, so a failure of either rolls the database back (and a
failed ``tools.json`` puts the old settings file back).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hfsuite.app.sync.document import LOCAL_SETTINGS, SECTIONS
from hfsuite.app.tools import ToolRegistry
from hfsuite.config import setting_names
from hfsuite.core.errors import HfSuiteError
from hfsuite.core.types import Layout, RepoRef, RepoType, SourceKind
from hfsuite.integrations.tools.detect import AddedPath, detect_at
from hfsuite.integrations.tools.model import TOOL_KINDS

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite

PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
TOOL_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*")
DETECTED = "detected:"


@dataclass(frozen=True)
class Change:
    """One item to change here: ``old`` -> ``new`` (None: added, resp. removed)."""

    section: str
    key: str
    old: Any
    new: Any

    @property
    def action(self) -> str:
        """``added``, ``changed`` or ``removed``."""
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "changed"


def favorite_key(source: str, repo_type: str, repo_id: str) -> str:
    """``huggingface:model:org/name``."""
    return f"{source}:{repo_type}:{repo_id}"


def read_local(suite: Suite, sections: Iterable[str] = SECTIONS) -> dict[str, dict[str, Any]]:
    """Key -> value of every item of ``sections`` on this machine."""
    wanted = set(sections)
    found: dict[str, dict[str, Any]] = {}
    if "settings" in wanted:
        values, _ = suite.store.read_file()
        known = set(setting_names())
        found["settings"] = {
            k: v for k, v in values.items() if k in known and k not in LOCAL_SETTINGS
        }
    if wanted & {"profiles", "favorites"}:
        with suite.database.read() as uow:
            if "profiles" in wanted:
                found["profiles"] = {
                    p.name: {
                        "destination": p.destination,
                        "layout": p.layout.value,
                        "settings": dict(p.settings),
                        "origin": p.origin,
                    }
                    for p in uow.profiles.list_all()
                    if not p.origin.startswith(DETECTED)
                }
            if "favorites" in wanted:
                found["favorites"] = {
                    favorite_key(f.source.value, f.repo_type.value, f.repo_id): {
                        "source": f.source.value,
                        "repo_type": f.repo_type.value,
                        "repo_id": f.repo_id,
                        "note": f.note,
                    }
                    for f in uow.history.list_favorites()
                }
    if "tools" in wanted:
        registry = ToolRegistry(suite.store.path.parent)
        found["tools"] = {
            (e.name or str(e.path)): {"kind": e.kind, "path": str(e.path)} for e in registry.added()
        }
    return found


# --- checking what comes from elsewhere ---------------------------------------------------------


def check_value(suite: Suite, section: str, key: str, value: Any) -> tuple[Any, str]:
    """``(value as it would be stored here, "")``, or ``(None, why it cannot be used)``."""
    try:
        if section == "settings":
            return _setting(suite, key, value), ""
        if section == "profiles":
            return _profile(key, value), ""
        if section == "favorites":
            return _favorite(key, value), ""
        if section == "tools":
            return _tool(key, value), ""
    except (ValueError, TypeError, HfSuiteError) as exc:
        return None, str(exc)
    return None, f"unknown section {section!r}"


def _setting(suite: Suite, key: str, value: Any) -> Any:
    if key in LOCAL_SETTINGS:
        raise ValueError(f"{key} belongs to one machine and is not synced")
    if key not in setting_names():
        raise ValueError(f"this hfsuite has no setting {key!r}")
    stored = suite.store.validate(key, value)
    if stored is None:
        raise ValueError(f"{key} cannot be empty")
    return stored


def _profile(key: str, value: Any) -> dict[str, Any]:
    if not PROFILE_NAME.fullmatch(key):
        raise ValueError(f"{key!r} is not a profile name")
    if not isinstance(value, dict):
        raise ValueError("a profile is not an object")
    destination, layout = value.get("destination"), value.get("layout")
    settings, origin = value.get("settings", {}), value.get("origin", "manual")
    if not isinstance(destination, str) or not destination:
        raise ValueError("the profile has no destination")
    Layout(str(layout))  # ValueError when unknown
    if not isinstance(settings, dict):
        raise ValueError("the profile's settings are not an object")
    if not isinstance(origin, str) or origin.startswith(DETECTED):
        raise ValueError("detected profiles belong to one machine")
    return {"destination": destination, "layout": layout, "settings": settings, "origin": origin}


def _favorite(key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("a favorite is not an object")
    source = SourceKind(str(value.get("source")))
    repo_type = RepoType(str(value.get("repo_type")))
    repo_id, note = value.get("repo_id"), value.get("note")
    if not isinstance(repo_id, str) or not repo_id.strip():
        raise ValueError("the favorite has no repository")
    if note is not None and not isinstance(note, str):
        raise ValueError("the favorite's note is not text")
    if key != favorite_key(source.value, repo_type.value, repo_id):
        raise ValueError("the favorite's key does not match its repository")
    return {"source": source.value, "repo_type": repo_type.value, "repo_id": repo_id, "note": note}


def _tool(key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("a tool is not an object")
    kind, path = value.get("kind"), value.get("path")
    if kind is not None and kind not in TOOL_KINDS:
        raise ValueError(f"unknown tool type {kind!r}")
    if not isinstance(path, str) or not path.strip() or "\x00" in path:
        raise ValueError("the tool has no folder")
    if not TOOL_NAME.fullmatch(key):
        raise ValueError(f"{key!r} is not a tool name")
    return {"kind": kind, "path": path}


def tool_here(suite: Suite, value: dict[str, Any]) -> str:
    """Why a tool folder from elsewhere cannot be added here ("" when it can)."""
    folder = Path(value["path"])
    if not folder.is_dir():
        return f"no folder {folder} on this machine"
    registry = ToolRegistry(suite.store.path.parent)
    if detect_at(folder, registry.host, value.get("kind")) is None:
        return f"{folder} holds no {TOOL_KINDS.get(value.get('kind') or '', 'known tool')} here"
    return ""


# --- applying -----------------------------------------------------------------------------------


def apply_changes(suite: Suite, changes: Iterable[Change]) -> None:
    """Apply ``changes`` (values already checked) all or nothing.

    Raises:
        SettingsFileError: the settings file or ``tools.json`` could not be written (nothing
            changed then).
        StorageError: the database failed (nothing changed then).
    """
    by_section: dict[str, list[Change]] = {}
    for change in changes:
        by_section.setdefault(change.section, []).append(change)
    if not by_section:
        return
    store = suite.store
    settings = by_section.get("settings", [])
    tools = by_section.get("tools", [])
    with suite.database.write() as uow:
        for change in by_section.get("profiles", []):
            _apply_profile(uow, change)
        for change in by_section.get("favorites", []):
            _apply_favorite(uow, change)
        old_settings: bytes | None = None
        if settings:
            with store._locked():
                old_settings = store.path.read_bytes() if store.path.exists() else None
                values, _ = store.read_file()
                for change in settings:
                    if change.new is None:
                        values.pop(change.key, None)
                    else:
                        values[change.key] = change.new
                store._write(values)
        if tools:
            try:
                _apply_tools(suite, tools)
            except BaseException:
                _restore(store.path, old_settings, settings_changed=bool(settings))
                raise


def _restore(path: Path, old: bytes | None, *, settings_changed: bool) -> None:
    if not settings_changed:
        return
    if old is None:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.restore")
    tmp.write_bytes(old)
    os.replace(tmp, path)


def _apply_profile(uow: Any, change: Change) -> None:
    from hfsuite.storage import ProfileSpec

    existing = uow.profiles.get_by_name(change.key)
    if change.new is None:
        if existing is not None:
            uow.profiles.delete(existing.id)
        return
    value = change.new
    spec = ProfileSpec(
        change.key,
        value["destination"],
        Layout(value["layout"]),
        value["settings"],
        value["origin"],
    )
    uow.profiles.upsert_by_name(spec)


def _apply_favorite(uow: Any, change: Change) -> None:
    value = change.new if change.new is not None else change.old
    ref = RepoRef(value["repo_id"], RepoType(value["repo_type"]), None, SourceKind(value["source"]))
    uow.history.remove_favorite(ref)
    if change.new is not None:
        uow.history.add_favorite(ref, value.get("note"))


def _apply_tools(suite: Suite, changes: list[Change]) -> None:
    registry = ToolRegistry(suite.store.path.parent)
    entries = registry.added()
    for change in changes:
        entries = [e for e in entries if (e.name or str(e.path)) != change.key]
        if change.new is not None:
            path = Path(change.new["path"])
            entries = [e for e in entries if os.path.realpath(e.path) != os.path.realpath(path)]
            entries.append(AddedPath(path, change.new.get("kind"), change.key))
    registry._save(entries)
