"""The machine a detector looks at: its home folder, environment and operating system.

Detectors never read ``os.environ``, ``Path.home()`` or ``sys.platform`` themselves; they get a
:class:`Host`. Tests build a layout in a temporary home and pretend to be Windows or macOS,
and the app passes the real values (:meth:`Host.current`).

Every file read goes through :meth:`Host.read_text`, which never raises: an unreadable, huge
or undecodable file is ``None`` plus a note saying why.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Platform = Literal["linux", "darwin", "windows"]
PLATFORMS: tuple[Platform, ...] = ("linux", "darwin", "windows")

MAX_CONFIG_BYTES = 4 * 1024 * 1024
"""Config files larger than this are not read (none of the tools writes one this big)."""

_POSIX_VAR = re.compile(r"\$(\w+)|\$\{([^}]*)\}")
_WINDOWS_VAR = re.compile(r"%([^%]+)%")


def current_platform() -> Platform:
    """The platform this process runs on."""
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "darwin"
    return "linux"


@dataclass(frozen=True)
class Host:
    """Where detection looks.

    Attributes:
        home: The user's home folder.
        env: Environment variables (``OLLAMA_MODELS``, ``APPDATA``, ``INVOKEAI_ROOT``…).
        platform: ``linux``, ``darwin`` or ``windows``: which usual places are searched.
        system: Also search system-wide places (``/opt``, ``/usr/share/ollama``,
            ``/Applications``); tests that must not see the machine's own tools turn it off.
    """

    home: Path
    env: Mapping[str, str] = field(default_factory=dict)
    platform: Platform = "linux"
    system: bool = True

    @classmethod
    def current(cls, env: Mapping[str, str] | None = None) -> Host:
        """This machine: ``HOME``/``USERPROFILE``, ``os.environ``, ``sys.platform``."""
        env = dict(os.environ if env is None else env)
        platform = current_platform()
        home_text = env.get("USERPROFILE") if platform == "windows" else env.get("HOME")
        home = Path(home_text) if home_text else Path.home()
        return cls(home=home, env=env, platform=platform)

    # --- environment -----------------------------------------------------------------------

    def var(self, name: str) -> str | None:
        """An environment variable, None when unset or blank (Windows: any letter case)."""
        value = self.env.get(name)
        if value is None and self.platform == "windows":
            upper = name.upper()
            value = next((v for k, v in self.env.items() if k.upper() == upper), None)
        return value if value and value.strip() else None

    def var_path(self, name: str) -> Path | None:
        """An environment variable holding a folder, ``~`` and variables expanded."""
        value = self.var(name)
        return Path(self.expand(value)) if value else None

    def expand(self, text: str) -> str:
        """``~`` (this host's home) and ``$VAR``/``${VAR}`` (and ``%VAR%`` on Windows)
        expanded; unknown variables are left as written, like :func:`os.path.expandvars`."""

        def posix(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(2) or ""
            return self.env.get(name, match.group(0))

        def windows(match: re.Match[str]) -> str:
            return self.var(match.group(1)) or match.group(0)

        if text == "~" or text.startswith(("~/", "~\\")):
            text = str(self.home) + text[1:]
        text = _POSIX_VAR.sub(posix, text)
        if self.platform == "windows":
            text = _WINDOWS_VAR.sub(windows, text)
        return text

    # --- usual folders -----------------------------------------------------------------------

    @property
    def appdata(self) -> Path:
        """Roaming application data: ``%APPDATA%`` on Windows, ``~/Library/Application
        Support`` on macOS, ``$XDG_CONFIG_HOME`` (``~/.config``) on Linux."""
        if self.platform == "windows":
            return self.var_path("APPDATA") or self.home / "AppData" / "Roaming"
        if self.platform == "darwin":
            return self.home / "Library" / "Application Support"
        return self.config_home

    @property
    def local_appdata(self) -> Path:
        """``%LOCALAPPDATA%`` on Windows; elsewhere the same as :attr:`appdata`."""
        if self.platform == "windows":
            return self.var_path("LOCALAPPDATA") or self.home / "AppData" / "Local"
        return self.appdata

    @property
    def config_home(self) -> Path:
        """``$XDG_CONFIG_HOME`` or ``~/.config`` (also what .NET calls ApplicationData on
        Linux and macOS)."""
        return self.var_path("XDG_CONFIG_HOME") or self.home / ".config"

    @property
    def documents(self) -> Path:
        """The Documents folder."""
        return self.home / "Documents"


@dataclass
class Notes:
    """Collects what a detector worked around: one sentence each, never an exception."""

    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        """Record one note (duplicates are kept once)."""
        if text not in self.items:
            self.items.append(text)


def read_text(path: Path, notes: Notes, *, what: str = "file") -> str | None:
    """A config file's text, or None (with a note) when it cannot be read.

    A missing file is None without a note: callers decide whether that is worth saying.
    """
    try:
        if not path.is_file():
            return None
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            notes.add(f"The {what} {path} is too large to be a config ({size} bytes); not read.")
            return None
        data = path.read_bytes()
    except OSError as exc:
        notes.add(f"The {what} {path} cannot be read ({exc.strerror or exc}).")
        return None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Notepad's "Unicode"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.add(f"The {what} {path} is not UTF-8 text; undecodable bytes were replaced.")
        return data.decode("utf-8", errors="replace")


def is_dir(path: Path) -> bool:
    """``path.is_dir()`` that answers False instead of raising (permission, name too long)."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def is_file(path: Path) -> bool:
    """``path.is_file()`` that answers False instead of raising."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False
