"""Settings operations shared by ``hfsuite config`` and the desktop app's Settings tab."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hfsuite.config import LoadedSettings, SettingsStore, allowed_text, env_names, setting_names
from hfsuite.config.settings import setting_field
from hfsuite.core.errors import HfSuiteError, SettingsValueError, UnknownSettingError
from hfsuite.core.i18n import _, tr
from hfsuite.core.redact import redact
from hfsuite.core.units import format_rate
from hfsuite.engine.http import check_proxy


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
        return _("(default: <hf_home>/hub)") if key == "hf_cache_dir" else _("(none)")
    if key.endswith("_bps"):
        return _("unlimited") if value == 0 else f"{format_rate(value)} ({value} B/s)"
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
                allowed=_(allowed_text(key)),
                description=_description(key),
                env=env_names(key),
            )
        )
    return rows


def _description(key: str) -> str:
    text = setting_field(key).description
    return _(text) if text else ""  # never _(""): gettext answers it with the catalogue's header


def get_setting(loaded: LoadedSettings, key: str) -> SettingRow:
    """One setting's row; an unknown key is refused with the list of known ones."""
    for row in describe_settings(loaded):
        if row.key == key:
            return row
    raise UnknownSettingError(key, setting_names())


class UnusableProxyError(SettingsValueError):
    """A proxy URL the settings accept but downloads cannot go through (``https://``).

    Its message is the download engine's, the one a download would end with.

    Args:
        value: The refused proxy URL.
        refused: The engine's error about it.
    """

    def __init__(self, value: str, refused: HfSuiteError):
        super().__init__("proxy", allowed_text("proxy"), value)
        self.message = refused.message
        self.hint = refused.hint
        self.args = (refused.message,)


def set_setting(store: SettingsStore, key: str, raw: str) -> Any:
    """Validate and store a setting; returns the stored value.

    A proxy that downloads cannot go through is refused now rather than at the first download;
    a relative folder is stored as an absolute path, from the current folder (see
    :func:`stored_note`).

    Raises:
        SettingsValueError: an unknown key or a value it does not accept
            (:class:`UnusableProxyError` for such a proxy).
    """
    value = store.validate(key, raw)
    if key == "proxy" and value is not None:
        try:
            check_proxy(value)
        except HfSuiteError as exc:
            raise UnusableProxyError(value, exc) from None
    return store.set(key, raw)


def stored_note(key: str, raw: str, stored: Any) -> str | None:
    """What a person should know about how :func:`set_setting` stored ``raw`` (a relative
    folder made absolute), or None."""
    text = raw.strip()
    if not text or not isinstance(stored, str) or not _is_path_setting(key):
        return None
    if Path(text).expanduser().is_absolute():
        return None
    return tr(
        "{text} is relative to the current folder: stored as {stored}.",
        text=repr(text),
        stored=stored,
    )


def _is_path_setting(key: str) -> bool:
    annotation = setting_field(key).annotation
    return annotation is Path or annotation == (Path | None)


def reset_settings(store: SettingsStore, key: str | None) -> None:
    """Reset one setting, or all of them with ``None``."""
    store.reset(key)
