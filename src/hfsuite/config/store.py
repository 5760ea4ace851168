"""Where settings live and how they are loaded, changed and reset.

```
<user config dir>/hfsuite/          (~/.config/hfsuite on Linux; HFSUITE_CONFIG_DIR overrides)
  settings.toml                     only the keys the user changed, flat: `endpoint = "…"`
  settings.toml.lock                filelock, so two processes never interleave a write
  settings.toml.corrupt-<stamp>     a file that could not be parsed, moved aside (never deleted)
```

Loading never fails because of the file: a file that is not valid TOML is moved aside (and the
warning says where), a key with a bad value is ignored with a warning naming the key and what it
accepts, an unknown key is reported and kept in the file. A bad value in an environment variable,
on the other hand, is refused: it is the user's explicit wish for this run.

Writes are atomic (temp file + ``os.replace``) under a file lock, so a crash never leaves a
half-written settings file and two processes never lose each other's change.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from pydantic import ValidationError

from hfsuite.config.settings import APP_NAME, Settings, allowed_text, env_names, setting_names
from hfsuite.core.errors import SettingsFileError, SettingsValueError, UnknownSettingError
from hfsuite.core.i18n import N_, tr

if TYPE_CHECKING:
    from filelock import FileLock

SETTINGS_FILE_NAME = "settings.toml"


def default_config_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder holding ``settings.toml``: ``HFSUITE_CONFIG_DIR`` or the platform config dir."""
    env = os.environ if env is None else env
    override = env.get("HFSUITE_CONFIG_DIR")
    return Path(override).expanduser() if override else Path(platformdirs.user_config_dir(APP_NAME))


@dataclass(frozen=True)
class LoadedSettings:
    """The outcome of loading settings.

    Attributes:
        settings: The validated settings in effect.
        origins: For each setting, where its value came from: ``default``, ``file``,
            ``env:<NAME>`` or ``override``.
        warnings: Problems found and worked around (each a sentence a person can act on).
    """

    settings: Settings
    origins: dict[str, str]
    warnings: list[str] = field(default_factory=list)


class SettingsStore:
    """Reads and writes the settings file.

    Args:
        path: The settings file (default: ``settings.toml`` in :func:`default_config_dir`).
    """

    def __init__(self, path: Path | None = None):
        self.path = path or default_config_dir() / SETTINGS_FILE_NAME

    # --- reading -------------------------------------------------------------------------
    def read_file(self) -> tuple[dict[str, Any], list[str]]:
        """Read the raw key/values of the file, moving an unparsable file aside.

        Returns:
            The values and the warnings raised while reading.
        """
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}, []
        except (OSError, UnicodeDecodeError) as exc:
            return {}, [self._move_aside(True, exc)]
        import tomllib  # only when there is a file: most commands of a fresh install have none

        try:
            return tomllib.loads(text), []
        except tomllib.TOMLDecodeError as exc:
            return {}, [self._move_aside(False, exc)]

    def _move_aside(self, unreadable: bool, problem: Exception) -> str:
        backup = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        n = 1
        while backup.exists():
            backup = backup.with_name(f"{backup.name.split('~')[0]}~{n}")
            n += 1
        try:
            os.replace(self.path, backup)
        except OSError as exc:
            template = (
                N_(
                    "The settings file {path} cannot be read ({problem}), and could not be moved "
                    "aside ({error}); defaults are used. Fix or delete the file."
                )
                if unreadable
                else N_(
                    "The settings file {path} is not valid TOML ({problem}), and could not be "
                    "moved aside ({error}); defaults are used. Fix or delete the file."
                )
            )
            return tr(template, path=self.path, problem=problem, error=exc)
        template = (
            N_(
                "The settings file {path} cannot be read ({problem}). It was moved to {backup} "
                "and defaults are used; copy what you need back with `hfsuite config set`."
            )
            if unreadable
            else N_(
                "The settings file {path} is not valid TOML ({problem}). It was moved to {backup} "
                "and defaults are used; copy what you need back with `hfsuite config set`."
            )
        )
        return tr(template, path=self.path, problem=problem, backup=backup)

    def load(
        self,
        env: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> LoadedSettings:
        """Load the settings in effect: overrides > environment > file > defaults.

        Args:
            env: The environment to read (default: ``os.environ``).
            overrides: Values given explicitly for this run (e.g. command-line flags).

        Raises:
            SettingsValueError: an environment variable or an override has a bad value.
        """
        env = os.environ if env is None else env
        file_values, warnings = self.read_file()
        settings = Settings.model_construct()
        origins = dict.fromkeys(setting_names(), "default")
        known = set(setting_names())

        for key, raw in file_values.items():
            if key not in known:
                warnings.append(
                    tr(
                        "Unknown setting '{key}' in {path} is ignored "
                        "(see `hfsuite config show` for the known ones).",
                        key=key,
                        path=self.path,
                    )
                )
                continue
            try:
                setattr(settings, key, raw)
                origins[key] = "file"
            except ValidationError:
                warnings.append(
                    tr(
                        "Setting '{key}' in {path} has an invalid value {value} and is ignored. "
                        "Allowed: {allowed}.",
                        key=key,
                        path=self.path,
                        value=repr(raw),
                        allowed=allowed_text(key),
                    )
                )

        for key in setting_names():
            for var in env_names(key):
                raw_env = _env_lookup(env, var)
                if raw_env is None:
                    continue
                if raw_env == "" and key not in ("proxy", "hf_cache_dir", "no_proxy"):
                    continue
                try:
                    setattr(settings, key, raw_env)
                except ValidationError:
                    raise SettingsValueError(
                        tr("{key} (from environment variable {var})", key=key, var=var),
                        tr(allowed_text(key)),
                        raw_env,
                    ) from None
                origins[key] = f"env:{var}"
                break

        for key, value in (overrides or {}).items():
            if key not in known:
                raise SettingsValueError(
                    key, tr("one of: {names}", names=", ".join(setting_names()))
                )
            if value is None:
                continue
            try:
                setattr(settings, key, value)
            except ValidationError:
                raise SettingsValueError(key, tr(allowed_text(key)), value) from None
            origins[key] = "override"

        return LoadedSettings(settings=settings, origins=origins, warnings=warnings)

    # --- writing -------------------------------------------------------------------------
    def validate(self, key: str, raw: Any) -> Any:
        """The value :meth:`set` would store, without storing it.

        Returns:
            The value normalised as the file holds it (``"10M"`` → ``10000000``, a relative
            folder → an absolute path from the current folder); None means "not stored".

        Raises:
            SettingsValueError: unknown key or a value it does not accept.
        """
        if key not in setting_names():
            raise UnknownSettingError(key, setting_names())
        probe = Settings.model_construct()
        try:
            setattr(probe, key, raw)
        except ValidationError:
            raise SettingsValueError(key, tr(allowed_text(key)), raw) from None
        return _to_toml_value(getattr(probe, key))

    def set(self, key: str, raw: Any) -> Any:
        """Validate and store one setting in the file.

        Returns:
            The value as stored (normalised as by :meth:`validate`).

        Raises:
            SettingsValueError: unknown key or a value it does not accept.
        """
        stored = self.validate(key, raw)
        with self._locked():
            values, _ = self.read_file()
            if stored is None:
                values.pop(key, None)
            else:
                values[key] = stored
            self._write(values)
        return stored

    def reset(self, key: str | None = None) -> None:
        """Forget one setting (back to its default) or, with no key, all of them."""
        if key is not None and key not in setting_names():
            raise UnknownSettingError(key, setting_names())
        with self._locked():
            values, _ = self.read_file()
            if key is None:
                values = {}
            else:
                values.pop(key, None)
            self._write(values)

    def _locked(self) -> FileLock:
        # Imported here, as tomli_w below: only a change writes the file, and a download
        # reads it before its first byte.
        from filelock import FileLock

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SettingsFileError(
                tr(
                    "Cannot create the settings folder {path}: {reason}.",
                    path=self.path.parent,
                    reason=exc,
                )
            ) from exc
        return FileLock(str(self.path) + ".lock", timeout=10)

    def _write(self, values: dict[str, Any]) -> None:
        import tomli_w

        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as fh:
                tomli_w.dump(values, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise SettingsFileError(
                tr("Cannot write the settings file {path}: {reason}.", path=self.path, reason=exc)
            ) from exc


def _env_lookup(env: Mapping[str, str], name: str) -> str | None:
    if name in env:
        return env[name]
    upper = name.upper()
    for key, value in env.items():
        if key.upper() == upper:
            return value
    return None


def _to_toml_value(value: Any) -> Any:
    """Turn a validated setting into something TOML can hold (None means 'not stored')."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Path):
        return str(value)
    return str(value)
