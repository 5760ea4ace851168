"""Can the desktop app open a window here? Asked before Qt starts, without importing it.

On Linux, Qt draws on an X server through its ``xcb`` platform plugin, which links a dozen
system libraries that PySide6 does not ship. When one is missing, Qt does not raise anything
Python could catch: it prints "Could not load the Qt platform plugin "xcb"…" and aborts the
process (exit 134, a core dump). Stock Debian, for one, lacks ``libxcb-icccm4`` and
``libxcb-keysyms1``. So the libraries are looked for first, and a missing one becomes a
:class:`~hfsuite.core.errors.DesktopUnavailableError` naming the packages to install.

:func:`check_desktop` is a pure function of the platform, the environment and a library probe,
so tests can make it fail on purpose; :func:`system_library_probe` is the real probe.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from hfsuite.core.errors import DesktopUnavailableError
from hfsuite.core.i18n import N_, joined, tr

#: Answers whether a shared library (by soname, e.g. ``libxcb.so.1``) can be loaded.
LibraryProbe = Callable[[str], bool]


@dataclass(frozen=True)
class SystemLibrary:
    """A shared library Qt's xcb plugin links, and the package holding it on each distribution.

    Attributes:
        soname: The file name the dynamic loader looks for.
        debian: The Debian/Ubuntu (apt) package.
        fedora: The Fedora (dnf) package.
        arch: The Arch Linux (pacman) package.
    """

    soname: str
    debian: str
    fedora: str
    arch: str


#: What ``libqxcb.so`` and ``libQt6XcbQpa.so`` need besides the Qt libraries PySide6 ships
#: (their ELF ``NEEDED`` entries, PySide6 6.12).
XCB_LIBRARIES: tuple[SystemLibrary, ...] = (
    SystemLibrary("libxcb.so.1", "libxcb1", "libxcb", "libxcb"),
    SystemLibrary("libX11.so.6", "libx11-6", "libX11", "libx11"),
    SystemLibrary("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb", "libx11"),
    SystemLibrary("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    SystemLibrary("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    SystemLibrary("libxcb-image.so.0", "libxcb-image0", "xcb-util-image", "xcb-util-image"),
    SystemLibrary("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    SystemLibrary(
        "libxcb-render-util.so.0",
        "libxcb-render-util0",
        "xcb-util-renderutil",
        "xcb-util-renderutil",
    ),
    SystemLibrary("libxcb-util.so.1", "libxcb-util1", "xcb-util", "xcb-util"),
    SystemLibrary("libxcb-randr.so.0", "libxcb-randr0", "libxcb", "libxcb"),
    SystemLibrary("libxcb-render.so.0", "libxcb-render0", "libxcb", "libxcb"),
    SystemLibrary("libxcb-shape.so.0", "libxcb-shape0", "libxcb", "libxcb"),
    SystemLibrary("libxcb-shm.so.0", "libxcb-shm0", "libxcb", "libxcb"),
    SystemLibrary("libxcb-sync.so.1", "libxcb-sync1", "libxcb", "libxcb"),
    SystemLibrary("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb", "libxcb"),
    SystemLibrary("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb", "libxcb"),
    SystemLibrary("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    SystemLibrary(
        "libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"
    ),
    SystemLibrary("libGL.so.1", "libgl1", "libglvnd-glx", "libglvnd"),
)

_SCREENSHOT_HINT = N_(
    "Start it from a desktop session (or over ssh -X). For a picture of the window without a "
    "screen: hfsuite gui --screenshot FILE, or set QT_QPA_PLATFORM=offscreen."
)


def check_desktop(platform: str, env: Mapping[str, str], probe: LibraryProbe) -> None:
    """Raise if Qt would abort instead of opening the desktop app's window.

    Only Linux with Qt's X11 plugin is checked: ``QT_QPA_PLATFORM`` unset (outside a Wayland
    session) or ``xcb``. Any other platform plugin the user chose (``offscreen``, ``wayland``,
    ``vnc``…) is left to Qt.

    Args:
        platform: ``sys.platform``.
        env: The environment Qt will see.
        probe: Whether a shared library can be loaded (see :func:`system_library_probe`).

    Raises:
        DesktopUnavailableError: No display to open a window on, or libraries the xcb
            plugin needs are missing (the hint names the packages per distribution).
    """
    if not platform.startswith("linux"):
        return
    requested = _requested_platform(env.get("QT_QPA_PLATFORM", ""))
    if requested not in ("", "xcb"):
        return
    has_x, has_wayland = bool(env.get("DISPLAY")), bool(env.get("WAYLAND_DISPLAY"))
    if not has_x and not has_wayland:
        raise DesktopUnavailableError(
            tr(
                "No display to open the desktop app on: neither DISPLAY nor WAYLAND_DISPLAY is set."
            ),
            hint=tr(_SCREENSHOT_HINT),
        )
    if requested == "xcb" and not has_x:
        raise DesktopUnavailableError(
            tr(
                "No display to open the desktop app on: QT_QPA_PLATFORM is xcb and DISPLAY is "
                "not set."
            ),
            hint=joined(tr("Unset QT_QPA_PLATFORM to use Wayland."), tr(_SCREENSHOT_HINT)),
        )
    wayland_session = env.get("XDG_SESSION_TYPE", "").lower() == "wayland"
    if not requested and (not has_x or (wayland_session and has_wayland)):
        return  # Qt tries its Wayland plugin first
    missing = missing_libraries(XCB_LIBRARIES, probe)
    if missing:
        raise DesktopUnavailableError(
            tr(
                "The desktop app cannot start: Qt's X11 plugin (xcb) needs system libraries "
                "that are not installed: {libraries}.",
                libraries=", ".join(lib.soname for lib in missing),
            ),
            hint=install_hint(missing),
        )


def _requested_platform(value: str) -> str:
    """The first plugin of ``QT_QPA_PLATFORM`` (``"wayland;xcb"``, ``"xcb:option=1"``)."""
    return value.split(";")[0].split(":")[0].strip().lower()


def missing_libraries(
    libraries: Iterable[SystemLibrary], probe: LibraryProbe
) -> list[SystemLibrary]:
    """The libraries the probe cannot load, in the order given."""
    return [lib for lib in libraries if not probe(lib.soname)]


def install_hint(missing: Iterable[SystemLibrary]) -> str:
    """The commands that install ``missing`` on Debian/Ubuntu, Fedora and Arch."""
    missing = list(missing)

    def packages(attr: str) -> str:
        return " ".join(dict.fromkeys(getattr(lib, attr) for lib in missing))

    return (
        "Install them, then start the app again.\n"
        f"  Debian/Ubuntu: sudo apt install {packages('debian')}\n"
        f"  Fedora:        sudo dnf install {packages('fedora')}\n"
        f"  Arch:          sudo pacman -S {packages('arch')}"
    )


def qt_library_dirs() -> list[Path]:
    """The folders where PySide6 keeps the libraries it ships (found without importing it)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(folder) / "Qt" / "lib" for folder in spec.submodule_search_locations]


def system_library_probe(extra_dirs: Iterable[Path] = ()) -> LibraryProbe:
    """A probe that asks the dynamic loader, as Qt's plugin will.

    Args:
        extra_dirs: Folders searched first (the plugin's own ``RUNPATH``: PySide6's ``Qt/lib``),
            where a library counts as present when the file is there.
    """
    folders = list(extra_dirs)

    def probe(soname: str) -> bool:
        if any((folder / soname).is_file() for folder in folders):
            return True
        import ctypes  # only here: the CLI starts without it

        try:
            ctypes.CDLL(soname)
        except OSError:
            return False
        return True

    return probe
