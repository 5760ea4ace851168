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

LANGUAGES = (
    ("system", "System default"),
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ja", "日本語"),
    ("zh_CN", "简体中文"),
)
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "token_source": (
        ("auto", "Automatic (keyring, HF_TOKEN, then hf's token file)"),
        ("keyring", "Keyring only"),
        ("env", "HF_TOKEN only"),
        ("hf-token-file", "hf's token file only"),
        ("none", "No token (anonymous)"),
    ),
    "layout": (
        ("hf-cache", "HF cache (transformers, diffusers)"),
        ("local-dir", "Plain folder (local-dir)"),
    ),
    "theme": (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")),
    "language": LANGUAGES,
    "log_level": (
        ("DEBUG", "Debug (everything)"),
        ("INFO", "Info"),
        ("WARNING", "Warnings and errors"),
        ("ERROR", "Errors only"),
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
    "token_source": "Token from",
    "endpoint": "Hub endpoint or mirror",
    "modelscope_endpoint": "ModelScope endpoint",
    "proxy": "Proxy",
    "no_proxy": "Bypass proxy for",
    "connect_timeout_s": "Connect timeout",
    "read_timeout_s": "Read timeout",
    "verify_tls": "Verify TLS certificates",
    "offline": "Offline mode",
    "global_limit_bps": "Bandwidth limit (all downloads)",
    "task_limit_bps": "Bandwidth limit (each task)",
    "connections_per_file": "Connections per file",
    "adaptive_connections": "Adaptive connections",
    "max_connections_per_file": "Most connections per file",
    "files_in_parallel": "Files in parallel (per task)",
    "tasks_in_parallel": "Tasks in parallel",
    "connections_per_host": "Connections per host",
    "space_headroom": "Free space to keep",
    "download_dir": "Default destination",
    "hf_cache_dir": "HF cache folder",
    "hf_home": "HF home folder",
    "sync_folder": "Sync folder",
    "layout": "Default layout",
    "db_url": "Database",
    "theme": "Theme",
    "language": "Language",
    "log_level": "Log detail",
    "no_plugins": "Turn plugins off",
    "disabled_plugins": "Disabled plugins",
}
PLACEHOLDERS = {
    "proxy": "none  (e.g. http://proxy:3128 or socks5://user:pass@host:1080)",
    "no_proxy": "none  (e.g. localhost, .corp.example)",
    "space_headroom": "auto",
    "hf_cache_dir": "<hf_home>/hub",
    "sync_folder": "none  (hfsuite sync folder PATH sets it)",
}
HINTS = {
    "space_headroom": "auto, a share (5%) or a size (64MiB); 0: none",
    "connect_timeout_s": "0.1–600 s",
    "read_timeout_s": "0.1–3600 s",
    "max_connections_per_file": "1–64, when adapting",
}
CHECKBOX_TEXT = {
    "verify_tls": "Turn off only for a mirror you trust",
    "offline": "Make no network requests; answer from the cache",
    "adaptive_connections": "Start with a few, add more while the speed rises",
    "no_plugins": "Load no plugin (docs/plugins.md)",
}
#: Settings of the Account card (beside the token input), not of a section.
ACCOUNT = ("token_source",)
SECTIONS = (
    (
        "Network",
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
        "Transfers",
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
        "Folders and disk",
        ("download_dir", "hf_cache_dir", "hf_home", "sync_folder", "layout", "space_headroom"),
    ),
    (
        "Appearance and data",
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
    """The muted text beside a setting's editor (its unit or range), or ``""``."""
    if key.endswith("_bps"):
        return "per second, e.g. 500k, 10M, 1.5MiB"
    if key in RANGES:
        low, high = RANGES[key]
        return f"{low}–{high}"
    return HINTS.get(key, "")
