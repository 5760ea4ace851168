"""Settings operations shared by ``hfsuite config`` and the desktop app's Settings tab."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hfsuite.config import LoadedSettings, SettingsStore, allowed_text, env_names, setting_names
from hfsuite.config.settings import setting_field
from hfsuite.core.errors import SettingsValueError
from hfsuite.core.redact import redact
from hfsuite.core.units import format_rate


@dataclass(frozen=True)
class SettingRow:
    """One setting as shown to a person.

    Attributes:
        key: The setting's name.
        value: Its value in effect, as JSON-friendly data (secrets masked).
        display: The value formatted for people.
        origin: ``default``, ``file``, ``env:<NAME>`` or ``override``.
        allowed: What it accepts.
        description: What it does.
        env: Environment variables that set it.
    """

    key: str
    value: Any
    display: str
    origin: str
    allowed: str
    description: str
    env: tuple[str, ...]


def plain_value(value: Any) -> Any:
    """A setting's value as JSON-friendly data with secrets (proxy passwords) masked."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, str):
        return redact(value)
    return value


def _display(key: str, value: Any) -> str:
    if value is None:
        return "(default: <hf_home>/hub)" if key == "hf_cache_dir" else "(none)"
    if key.endswith("_bps"):
        return "unlimited" if value == 0 else f"{format_rate(value)} ({value} B/s)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(plain_value(value))


def describe_settings(loaded: LoadedSettings) -> list[SettingRow]:
    """Every setting with its value in effect and where that value came from."""
    rows = []
    for key in setting_names():
        value = getattr(loaded.settings, key)
        rows.append(
            SettingRow(
                key=key,
                value=plain_value(value),
                display=_display(key, value),
                origin=loaded.origins[key],
                allowed=allowed_text(key),
                description=setting_field(key).description or "",
                env=env_names(key),
            )
        )
    return rows


def get_setting(loaded: LoadedSettings, key: str) -> SettingRow:
    """One setting's row; an unknown key is refused with the list of known ones."""
    for row in describe_settings(loaded):
        if row.key == key:
            return row
    raise SettingsValueError(key, "a known setting: " + ", ".join(setting_names()))


def set_setting(store: SettingsStore, key: str, raw: str) -> Any:
    """Validate and store a setting; returns the stored value."""
    return store.set(key, raw)


def reset_settings(store: SettingsStore, key: str | None) -> None:
    """Reset one setting, or all of them with ``None``."""
    store.reset(key)
