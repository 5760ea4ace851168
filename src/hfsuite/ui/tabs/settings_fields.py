"""What the Settings tab lays out: each setting's section, label and kind of editor.

Every field of :class:`hfsuite.config.Settings` appears in exactly one place here (the token
source in the Account card, the rest in :data:`SECTIONS`); a test holds the tab to that, so a new
setting cannot be left out. The editor a setting gets follows from the table it is in:

* :data:`CHECKBOX_TEXT`: a check box (true / false),
* :data:`SPIN_RANGES`: a spin box bounded like the setting's validator,
* :data:`RANGES`: a short line edit for a whole number (an out-of-range value gets the reason),
* :data:`CHOICES`: a combo box,
* :data:`PATHS`: a folder selector,
* anything else: a line edit (rates, headroom, URLs), checked by the same validation as
  ``hfsuite config set`` when it is left.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from hfsuite.ui.i18n import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate

# The English texts below are keys too (tests compare them); the Settings tab shows them
# through translate("SettingsTab", …). Language names are their own (not translated).

LANGUAGES = (
    ("system", QT_TRANSLATE_NOOP("SettingsTab", "System default")),
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ja", "日本語"),
    ("zh_CN", "简体中文"),
)
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "token_source": (
        (
            "auto",
            QT_TRANSLATE_NOOP("SettingsTab", "Automatic (keyring, HF_TOKEN, then hf's token file)"),
        ),
        ("keyring", QT_TRANSLATE_NOOP("SettingsTab", "Keyring only")),
        ("env", QT_TRANSLATE_NOOP("SettingsTab", "HF_TOKEN only")),
        ("hf-token-file", QT_TRANSLATE_NOOP("SettingsTab", "hf's token file only")),
        ("none", QT_TRANSLATE_NOOP("SettingsTab", "No token (anonymous)")),
    ),
    "layout": (
        ("hf-cache", QT_TRANSLATE_NOOP("SettingsTab", "HF cache (transformers, diffusers)")),
        ("local-dir", QT_TRANSLATE_NOOP("SettingsTab", "Plain folder (local-dir)")),
    ),
    "theme": (
        ("system", QT_TRANSLATE_NOOP("SettingsTab", "Follow the system")),
        ("light", QT_TRANSLATE_NOOP("SettingsTab", "Light")),
        ("dark", QT_TRANSLATE_NOOP("SettingsTab", "Dark")),
    ),
    "language": LANGUAGES,
    "log_level": (
        ("DEBUG", QT_TRANSLATE_NOOP("SettingsTab", "Debug (everything)")),
        ("INFO", QT_TRANSLATE_NOOP("SettingsTab", "Info")),
        ("WARNING", QT_TRANSLATE_NOOP("SettingsTab", "Warnings and errors")),
        ("ERROR", QT_TRANSLATE_NOOP("SettingsTab", "Errors only")),
    ),
}
#: Whole numbers typed into a short line edit: (lowest, highest).
RANGES = {
    "connections_per_file": (1, 64),
    "files_in_parallel": (1, 64),
    "tasks_in_parallel": (1, 32),
    "connections_per_host": (1, 256),
}
#: Spin boxes: (lowest, highest, decimals, suffix); the bounds are the validators'.
SPIN_RANGES: dict[str, tuple[float, float, int, str]] = {
    "connect_timeout_s": (0.1, 600.0, 1, " s"),
    "read_timeout_s": (0.1, 3600.0, 1, " s"),
    "max_connections_per_file": (1, 64, 0, ""),
}
PATHS = ("download_dir", "hf_cache_dir", "hf_home", "sync_folder")
LABELS = {
    "token_source": QT_TRANSLATE_NOOP("SettingsTab", "Token from"),
    "endpoint": QT_TRANSLATE_NOOP("SettingsTab", "Hub endpoint or mirror"),
    "modelscope_endpoint": QT_TRANSLATE_NOOP("SettingsTab", "ModelScope endpoint"),
    "proxy": QT_TRANSLATE_NOOP("SettingsTab", "Proxy"),
    "no_proxy": QT_TRANSLATE_NOOP("SettingsTab", "Bypass proxy for"),
    "connect_timeout_s": QT_TRANSLATE_NOOP("SettingsTab", "Connect timeout"),
    "read_timeout_s": QT_TRANSLATE_NOOP("SettingsTab", "Read timeout"),
    "verify_tls": QT_TRANSLATE_NOOP("SettingsTab", "Verify TLS certificates"),
    "offline": QT_TRANSLATE_NOOP("SettingsTab", "Offline mode"),
    "global_limit_bps": QT_TRANSLATE_NOOP("SettingsTab", "Bandwidth limit (all downloads)"),
    "task_limit_bps": QT_TRANSLATE_NOOP("SettingsTab", "Bandwidth limit (each task)"),
    "connections_per_file": QT_TRANSLATE_NOOP("SettingsTab", "Connections per file"),
    "adaptive_connections": QT_TRANSLATE_NOOP("SettingsTab", "Adaptive connections"),
    "max_connections_per_file": QT_TRANSLATE_NOOP("SettingsTab", "Most connections per file"),
    "files_in_parallel": QT_TRANSLATE_NOOP("SettingsTab", "Files in parallel (per task)"),
    "tasks_in_parallel": QT_TRANSLATE_NOOP("SettingsTab", "Tasks in parallel"),
    "connections_per_host": QT_TRANSLATE_NOOP("SettingsTab", "Connections per host"),
    "space_headroom": QT_TRANSLATE_NOOP("SettingsTab", "Free space to keep"),
    "download_dir": QT_TRANSLATE_NOOP("SettingsTab", "Default destination"),
    "hf_cache_dir": QT_TRANSLATE_NOOP("SettingsTab", "HF cache folder"),
    "hf_home": QT_TRANSLATE_NOOP("SettingsTab", "HF home folder"),
    "sync_folder": QT_TRANSLATE_NOOP("SettingsTab", "Sync folder"),
    "layout": QT_TRANSLATE_NOOP("SettingsTab", "Default layout"),
    "db_url": QT_TRANSLATE_NOOP("SettingsTab", "Database"),
    "theme": QT_TRANSLATE_NOOP("SettingsTab", "Theme"),
    "language": QT_TRANSLATE_NOOP("SettingsTab", "Language"),
    "log_level": QT_TRANSLATE_NOOP("SettingsTab", "Log detail"),
    "no_plugins": QT_TRANSLATE_NOOP("SettingsTab", "Turn plugins off"),
    "disabled_plugins": QT_TRANSLATE_NOOP("SettingsTab", "Disabled plugins"),
}
PLACEHOLDERS = {
    "proxy": QT_TRANSLATE_NOOP(
        "SettingsTab", "none  (e.g. http://proxy:3128 or socks5://user:pass@host:1080)"
    ),
    "no_proxy": QT_TRANSLATE_NOOP("SettingsTab", "none  (e.g. localhost, .corp.example)"),
    "space_headroom": "auto",
    "hf_cache_dir": "<hf_home>/hub",
    "sync_folder": QT_TRANSLATE_NOOP("SettingsTab", "none  (hfsuite sync folder PATH sets it)"),
}
HINTS = {
    "space_headroom": QT_TRANSLATE_NOOP(
        "SettingsTab", "auto, a share (5%) or a size (64MiB); 0: none"
    ),
    "connect_timeout_s": "0.1–600 s",
    "read_timeout_s": "0.1–3600 s",
    "max_connections_per_file": QT_TRANSLATE_NOOP("SettingsTab", "1–64, when adapting"),
}
CHECKBOX_TEXT = {
    "verify_tls": QT_TRANSLATE_NOOP("SettingsTab", "Turn off only for a mirror you trust"),
    "offline": QT_TRANSLATE_NOOP("SettingsTab", "Make no network requests; answer from the cache"),
    "adaptive_connections": QT_TRANSLATE_NOOP(
        "SettingsTab", "Start with a few, add more while the speed rises"
    ),
    "no_plugins": QT_TRANSLATE_NOOP("SettingsTab", "Load no plugin (docs/plugins.md)"),
}
#: Settings of the Account card (beside the token input), not of a section.
ACCOUNT = ("token_source",)
SECTIONS = (
    (
        QT_TRANSLATE_NOOP("SettingsTab", "Network"),
        (
            "endpoint",
            "modelscope_endpoint",
            "proxy",
            "no_proxy",
            "connect_timeout_s",
            "read_timeout_s",
            "verify_tls",
            "offline",
        ),
    ),
    (
        QT_TRANSLATE_NOOP("SettingsTab", "Transfers"),
        (
            "global_limit_bps",
            "task_limit_bps",
            "connections_per_file",
            "adaptive_connections",
            "max_connections_per_file",
            "files_in_parallel",
            "tasks_in_parallel",
            "connections_per_host",
        ),
    ),
    (
        QT_TRANSLATE_NOOP("SettingsTab", "Folders and disk"),
        ("download_dir", "hf_cache_dir", "hf_home", "sync_folder", "layout", "space_headroom"),
    ),
    (
        QT_TRANSLATE_NOOP("SettingsTab", "Appearance and data"),
        ("theme", "language", "log_level", "db_url", "no_plugins", "disabled_plugins"),
    ),
)


def laid_out() -> list[str]:
    """Every setting the tab shows, in order: the Account card's, then each section's."""
    return [*ACCOUNT, *(key for _title, keys in SECTIONS for key in keys)]


def rate_text(value: Any) -> str:
    """A rate as the shortest text that parses back to it exactly: ``10M``, ``2MiB``, ``1234``."""
    n = int(value or 0)
    if n == 0:
        return "0"
    for base, suffixes in ((1024, ("KiB", "MiB", "GiB")), (1000, ("k", "M", "G"))):
        for power in (3, 2, 1):
            unit = base**power
            if n % unit == 0:
                return f"{n // unit}{suffixes[power - 1]}"
    return str(n)


def unit_hint(key: str) -> str:
    """The muted text beside a setting's editor (its unit or range), translated, or ``""``."""
    if key.endswith("_bps"):
        return translate("SettingsTab", "per second, e.g. 500k, 10M, 1.5MiB")
    if key in RANGES:
        low, high = RANGES[key]
        return f"{low}–{high}"
    hint = HINTS.get(key, "")
    return translate("SettingsTab", hint) if hint else ""
