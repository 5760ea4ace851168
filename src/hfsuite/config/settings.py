"""The typed settings schema.

Every setting is a field of :class:`Settings` with its type, default, the environment variables
that override it, and a sentence of what it accepts (shown when a value is refused). Values come
from, highest priority first:

1. explicit overrides (command-line flags such as ``--endpoint``),
2. environment variables: ``HFSUITE_<NAME>`` for every setting, plus the variables users of
   huggingface_hub already set (``HF_ENDPOINT``, ``HF_HOME``, ``HF_HUB_CACHE``,
   ``HF_HUB_OFFLINE``, ``HTTPS_PROXY``…),
3. the settings file (TOML, see :mod:`hfsuite.config.store`),
4. the defaults below.

Nothing here reads the environment at import time; :func:`hfsuite.config.store.load_settings`
does, once, when the application starts.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator
from pydantic.fields import FieldInfo

from hfsuite.core.headroom import ALLOWED as HEADROOM_ALLOWED
from hfsuite.core.headroom import AUTO as AUTO_HEADROOM
from hfsuite.core.headroom import Headroom
from hfsuite.core.i18n import N_
from hfsuite.core.types import Layout
from hfsuite.core.units import parse_size

APP_NAME = "hfsuite"

_PROXY_SCHEMES = ("http", "https", "socks4", "socks4a", "socks5", "socks5h")
_LANGUAGE_RE = re.compile(r"^(system|auto|[a-z]{2,3}(_[A-Z]{2})?)$")


def _setting(
    default: Any = None,
    *,
    allowed: str,
    env: tuple[str, ...] = (),
    default_factory: Any = None,
    description: str,
) -> Any:
    """Declare a setting: its default, what it accepts, and extra env var names."""
    extra: dict[str, Any] = {"allowed": allowed, "env": list(env)}
    if default_factory is not None:
        return Field(
            default_factory=default_factory, description=description, json_schema_extra=extra
        )
    return Field(default, description=description, json_schema_extra=extra)


def _default_hf_home() -> Path:
    # Same rule as huggingface_hub: $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface.
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "huggingface"


def _default_download_dir() -> Path:
    return Path(platformdirs.user_downloads_dir()) / "hfsuite"


def _default_db_url() -> str:
    return f"sqlite:///{Path(platformdirs.user_data_dir(APP_NAME)) / 'hfsuite.db'}"


class Settings(BaseModel):
    """Every user-facing setting of the suite, typed and validated.

    Assigning to a field validates the new value (``validate_assignment``), which is how the
    loader checks one key at a time and names the one that is wrong. The environment is read
    by the loader (:class:`~hfsuite.config.store.SettingsStore`: ``HFSUITE_<NAME>`` and each
    setting's extra names, :func:`env_names`), not by the model: a plain pydantic model, since
    pydantic-settings' machinery cost every command 0.06-0.14 s of imports and was not used.
    """

    model_config = ConfigDict(
        populate_by_name=True,
        validate_assignment=True,
        validate_default=True,
        extra="ignore",
    )

    # --- network -------------------------------------------------------------------------
    endpoint: str = _setting(
        "https://huggingface.co",
        allowed=N_("an http:// or https:// URL of the Hub or a mirror of it"),
        env=("HF_ENDPOINT",),
        description=N_("Base URL of the Hugging Face Hub (or a mirror)."),
    )
    modelscope_endpoint: str = _setting(
        "https://modelscope.cn",
        allowed=N_("an http:// or https:// URL of ModelScope"),
        env=("MODELSCOPE_ENDPOINT",),
        description=N_("Base URL of ModelScope."),
    )
    token_source: Literal["auto", "keyring", "env", "hf-token-file", "none"] = _setting(
        "auto",
        allowed=N_("auto, keyring, env, hf-token-file or none"),
        description=N_(
            "Where the Hub token is taken from (auto: keyring, HF_TOKEN, then the token "
            "file written by `hf auth login`)."
        ),
    )
    proxy: str | None = _setting(
        None,
        # https:// stays readable from HTTPS_PROXY and the file (huggingface_hub's client can
        # use it) but `config set` refuses it: downloads cannot go through it.
        allowed=N_(
            "empty for none, or a URL with scheme http, socks5, socks5h, socks4 or socks4a "
            "(https:// proxies are not supported)"
        ),
        env=("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"),
        description=N_("Proxy for every request, CDN downloads included."),
    )
    no_proxy: str = _setting(
        "",
        allowed=N_("a comma-separated list of host names"),
        env=("NO_PROXY", "no_proxy"),
        description=N_("Hosts reached without the proxy."),
    )
    verify_tls: bool = _setting(
        True,
        allowed=N_("true or false"),
        description=N_("Verify TLS certificates. Turn off only for a mirror you trust."),
    )
    offline: bool = _setting(
        False,
        allowed=N_("true or false"),
        env=("HF_HUB_OFFLINE",),
        description=N_("Make no network requests; answer from the cache."),
    )
    connect_timeout_s: float = _setting(
        10.0,
        allowed=N_("seconds, from 0.1 to 600"),
        description=N_(
            "How long to wait for a server to accept a connection (every request: "
            "metadata, search and downloads) before the attempt fails."
        ),
    )
    read_timeout_s: float = _setting(
        30.0,
        allowed=N_("seconds, from 0.1 to 3600"),
        description=N_(
            "How long a server may stay silent (no answer, or no byte of a body) before "
            "the attempt fails; metadata requests are tried 3 times, then the host is named in "
            "the error."
        ),
    )

    # --- transfer ------------------------------------------------------------------------
    global_limit_bps: int = _setting(
        0,
        allowed=N_("a rate such as 500k, 10M or 1.5MiB (bytes per second), 0 for unlimited"),
        description=N_("Bandwidth limit for all downloads together, bytes per second."),
    )
    task_limit_bps: int = _setting(
        0,
        allowed=N_("a rate such as 500k, 10M or 1.5MiB (bytes per second), 0 for unlimited"),
        description=N_("Default bandwidth limit for each task, bytes per second."),
    )
    connections_per_file: int = _setting(
        8, allowed="a whole number from 1 to 64", description="Parallel connections per file."
    )
    adaptive_connections: bool = _setting(
        True,
        allowed=N_("true or false"),
        description=N_(
            "Start each big file with a few connections and add more while the speed "
            "keeps rising (up to max_connections_per_file); false: always connections_per_file. "
            "--connections fixes the number for one download."
        ),
    )
    max_connections_per_file: int = _setting(
        32,
        allowed=N_("a whole number from 1 to 64"),
        description=N_(
            "Most connections an adapting file gets (never more than connections_per_host)."
        ),
    )
    files_in_parallel: int = _setting(
        4, allowed="a whole number from 1 to 64", description="Files downloaded at once per task."
    )
    tasks_in_parallel: int = _setting(
        2, allowed="a whole number from 1 to 32", description="Queue tasks run at once."
    )
    connections_per_host: int = _setting(
        32, allowed="a whole number from 1 to 256", description="Connections to one host at once."
    )
    space_headroom: str = _setting(
        AUTO_HEADROOM,
        allowed=HEADROOM_ALLOWED,
        description=N_(
            "Room a download leaves free on the disk besides its files (auto: 1 % of "
            "the bytes, at least 1 MiB and at most 64 MiB)."
        ),
    )

    # --- where things go ---------------------------------------------------------------
    download_dir: Path = _setting(
        allowed=N_("a folder path"),
        default_factory=_default_download_dir,
        description=N_("Default destination for local-dir downloads."),
    )
    layout: Layout = _setting(
        Layout.HF_CACHE,
        allowed=N_("hf-cache or local-dir"),
        description=N_(
            "Default layout: the HF cache (transformers/diffusers find it) or a folder."
        ),
    )
    hf_home: Path = _setting(
        allowed=N_("a folder path"),
        env=("HF_HOME",),
        default_factory=_default_hf_home,
        description=N_("huggingface_hub's home folder (token file, default cache)."),
    )
    hf_cache_dir: Path | None = _setting(
        None,
        allowed=N_("a folder path, or empty for <hf_home>/hub"),
        env=("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"),
        description=N_("The HF cache folder."),
    )
    db_url: str = _setting(
        allowed=N_("an SQLAlchemy URL such as sqlite:////path/to/hfsuite.db"),
        default_factory=_default_db_url,
        description=N_("Database holding the queue, history and library."),
    )

    sync_folder: Path | None = _setting(
        None,
        allowed=N_("a folder path, or empty for none"),
        description=N_(
            "The folder `hfsuite sync folder` keeps settings, profiles and favorites in "
            "step through (a cloud drive or Syncthing folder); see docs/sync.md."
        ),
    )

    # --- appearance and logging --------------------------------------------------------------
    theme: Literal["system", "light", "dark"] = _setting(
        "system", allowed="system, light or dark", description="Desktop app colour theme."
    )
    language: str = _setting(
        "system",
        allowed=N_("system, or a language code such as en, de or zh_CN"),
        description=N_(
            "Language of the desktop app and the command line (system, or auto: from "
            "the LANGUAGE, LC_ALL, LC_MESSAGES or LANG variables); docs/translation.md."
        ),
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = _setting(
        "INFO", allowed="DEBUG, INFO, WARNING or ERROR", description="Detail of the log file."
    )

    # --- plugins -------------------------------------------------------------------------
    no_plugins: bool = _setting(
        False,
        allowed=N_("true or false"),
        description=N_(
            "Load no plugin at all (HFSUITE_NO_PLUGINS=1 for one run); see docs/plugins.md."
        ),
    )
    disabled_plugins: str = _setting(
        "",
        allowed=N_("a comma-separated list of plugin names (as `hfsuite plugins ls` shows them)"),
        description=N_("Plugins never loaded."),
    )

    # --- validators ----------------------------------------------------------------------
    @field_validator("endpoint", "modelscope_endpoint")
    @classmethod
    def _check_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("proxy", mode="before")
    @classmethod
    def _check_proxy(cls, value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip()
        parts = urlsplit(text if "://" in text else f"http://{text}")
        if parts.scheme not in _PROXY_SCHEMES or not parts.hostname:
            raise ValueError("not a proxy URL")
        return parts.geturl()

    @field_validator("global_limit_bps", "task_limit_bps", mode="before")
    @classmethod
    def _check_rate(cls, value: Any) -> int:
        if isinstance(value, bool):
            raise ValueError("not a rate")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return parse_size(value if isinstance(value, int) else str(value))

    @field_validator("space_headroom", mode="before")
    @classmethod
    def _check_headroom(cls, value: Any) -> str:
        if isinstance(value, bool):
            raise ValueError("not a headroom")
        return Headroom.parse(str(value)).text

    @field_validator("connect_timeout_s")
    @classmethod
    def _check_connect_timeout(cls, value: float) -> float:
        return _seconds_in_range(value, 0.1, 600.0)

    @field_validator("read_timeout_s")
    @classmethod
    def _check_read_timeout(cls, value: float) -> float:
        return _seconds_in_range(value, 0.1, 3600.0)

    @field_validator("connections_per_file", "max_connections_per_file", "files_in_parallel")
    @classmethod
    def _check_1_64(cls, value: int) -> int:
        return _in_range(value, 1, 64)

    @field_validator("tasks_in_parallel")
    @classmethod
    def _check_1_32(cls, value: int) -> int:
        return _in_range(value, 1, 32)

    @field_validator("connections_per_host")
    @classmethod
    def _check_1_256(cls, value: int) -> int:
        return _in_range(value, 1, 256)

    @field_validator("download_dir", "hf_home", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return _absolute(value)

    @field_validator("hf_cache_dir", mode="before")
    @classmethod
    def _optional_path(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return _absolute(Path(value)) if value is not None else None

    @field_validator("sync_folder", mode="before")
    @classmethod
    def _optional_folder(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return _absolute(Path(value)) if value is not None else None

    @field_validator("db_url")
    @classmethod
    def _check_db_url(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("not a database URL")
        return value

    @field_validator("language")
    @classmethod
    def _check_language(cls, value: str) -> str:
        if not _LANGUAGE_RE.match(value):
            raise ValueError("not a language code")
        return value

    # --- derived values ------------------------------------------------------------------
    @property
    def hub_cache(self) -> Path:
        """The HF cache folder in effect: ``hf_cache_dir``, else ``<hf_home>/hub``."""
        return self.hf_cache_dir or self.hf_home / "hub"

    @property
    def hf_token_path(self) -> Path:
        """Where `hf auth login` writes the token: ``<hf_home>/token``."""
        return self.hf_home / "token"


def _absolute(path: Path) -> Path:
    # A relative folder means "from here": stored so, it would move with every command's
    # current folder. abspath, not resolve(): a link the user chose stays as written.
    return Path(os.path.abspath(path.expanduser()))


def _in_range(value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise ValueError(f"out of range {low}..{high}")
    return value


def _seconds_in_range(value: float, low: float, high: float) -> float:
    if not low <= value <= high:  # NaN fails both comparisons, so it is refused too
        raise ValueError(f"out of range {low:g}..{high:g} seconds")
    return value


def setting_names() -> list[str]:
    """The names of every setting, in schema order."""
    return list(Settings.model_fields)


def setting_field(name: str) -> FieldInfo:
    """The field of a setting (raises KeyError for an unknown name)."""
    return Settings.model_fields[name]


def allowed_text(name: str) -> str:
    """What a setting accepts, in words (for error messages and help)."""
    extra = setting_field(name).json_schema_extra
    assert isinstance(extra, dict)
    return str(extra["allowed"])


def env_names(name: str) -> tuple[str, ...]:
    """The environment variables that set a setting, highest priority first."""
    extra = setting_field(name).json_schema_extra
    assert isinstance(extra, dict)
    more = extra.get("env") or []
    assert isinstance(more, list)
    return (f"HFSUITE_{name.upper()}", *(str(m) for m in more))


def _attach_env_aliases() -> None:
    # Each field accepts its own name (file values, overrides) and its env var names.
    for name, field in Settings.model_fields.items():
        field.validation_alias = AliasChoices(*env_names(name), name)
    Settings.model_rebuild(force=True)


_attach_env_aliases()
