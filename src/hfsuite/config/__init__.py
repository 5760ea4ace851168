"""Settings: the typed schema (:mod:`.settings`) and where it is stored (:mod:`.store`)."""

from hfsuite.config.settings import Settings, allowed_text, env_names, setting_names
from hfsuite.config.store import LoadedSettings, SettingsStore, default_config_dir

__all__ = [
    "LoadedSettings",
    "Settings",
    "SettingsStore",
    "allowed_text",
    "default_config_dir",
    "env_names",
    "setting_names",
]
