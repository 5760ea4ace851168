"""The desktop check: where Qt would abort, a clear error naming the packages to install."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hfsuite.app import desktop_check
from hfsuite.app.desktop_check import (
    XCB_LIBRARIES,
    check_desktop,
    install_hint,
    missing_libraries,
    system_library_probe,
)
from hfsuite.core.errors import DesktopUnavailableError

X11 = {"DISPLAY": ":0"}
STOCK_DEBIAN_LACKS = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}


def _lacking(names: set[str]):  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def probe(soname: str) -> bool:
        asked.append(soname)
        return soname not in names

    probe.asked = asked  # type: ignore[attr-defined]
    return probe


def test_missing_xcb_libraries_are_named_with_packages_per_distribution() -> None:
    with pytest.raises(DesktopUnavailableError) as info:
        check_desktop("linux", X11, _lacking(STOCK_DEBIAN_LACKS))
    error = info.value
    assert error.exit_code == 11
    assert error.message == (
        "The desktop app cannot start: Qt's X11 plugin (xcb) needs system libraries that are "
        "not installed: libxcb-icccm.so.4, libxcb-keysyms.so.1."
    )
    assert error.hint is not None
    lines = error.hint.splitlines()
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1" in lines[1]
    assert "sudo dnf install xcb-util-wm xcb-util-keysyms" in lines[2]
    assert "sudo pacman -S xcb-util-wm xcb-util-keysyms" in lines[3]


def test_a_package_holding_several_missing_libraries_is_named_once() -> None:
    missing = [lib for lib in XCB_LIBRARIES if lib.soname in ("libxcb-shm.so.0", "libxcb.so.1")]
    hint = install_hint(missing)
    assert "sudo dnf install libxcb\n" in hint
    assert "sudo apt install libxcb1 libxcb-shm0" in hint


@pytest.mark.parametrize(
    "env",
    [
        {"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":1"},
        {"QT_QPA_PLATFORM": "xcb:nograb", "DISPLAY": ":1"},
        {"DISPLAY": ":1", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "x11"},
    ],
)
def test_the_x11_plugin_is_checked_when_qt_would_use_it(env: dict[str, str]) -> None:
    with pytest.raises(DesktopUnavailableError, match=r"libxcb-cursor\.so\.0"):
        check_desktop("linux", env, _lacking({"libxcb-cursor.so.0"}))


@pytest.mark.parametrize(
    ("platform", "env"),
    [
        ("darwin", {}),
        ("win32", {}),
        ("linux", {"QT_QPA_PLATFORM": "offscreen"}),
        ("linux", {"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "wayland-0"}),
        ("linux", {"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}),
        ("linux", {"WAYLAND_DISPLAY": "wayland-0"}),
        (
            "linux",
            {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"},
        ),
    ],
)
def test_other_platforms_and_plugins_are_left_to_qt(platform: str, env: dict[str, str]) -> None:
    probe = _lacking({lib.soname for lib in XCB_LIBRARIES})
    check_desktop(platform, env, probe)
    assert probe.asked == []  # type: ignore[attr-defined]


def test_no_display_at_all() -> None:
    with pytest.raises(DesktopUnavailableError) as info:
        check_desktop("linux", {}, _lacking(set()))
    assert info.value.message == (
        "No display to open the desktop app on: neither DISPLAY nor WAYLAND_DISPLAY is set."
    )
    assert "QT_QPA_PLATFORM=offscreen" in str(info.value.hint)
    assert "--screenshot" in str(info.value.hint)


def test_xcb_asked_for_without_an_x_display() -> None:
    env = {"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}
    with pytest.raises(DesktopUnavailableError) as info:
        check_desktop("linux", env, _lacking(set()))
    assert info.value.message == (
        "No display to open the desktop app on: QT_QPA_PLATFORM is xcb and DISPLAY is not set."
    )


def test_everything_installed_passes() -> None:
    probe = _lacking(set())
    check_desktop("linux", X11, probe)
    assert probe.asked == [lib.soname for lib in XCB_LIBRARIES]  # type: ignore[attr-defined]
    assert missing_libraries(XCB_LIBRARIES, probe) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sonames of Linux")
def test_the_real_probe_asks_the_dynamic_loader(tmp_path: Path) -> None:
    probe = system_library_probe()
    assert probe("libc.so.6")
    assert not probe("libhfsuite-no-such-library.so.7")
    (tmp_path / "libshipped.so.1").write_bytes(b"")
    assert system_library_probe([tmp_path])("libshipped.so.1")


def test_qt_library_dirs_point_into_pyside6_without_importing_it() -> None:
    pytest.importorskip("PySide6")  # imported here only to know it is installed
    dirs = desktop_check.qt_library_dirs()
    assert dirs and all(d.parts[-2:] == ("Qt", "lib") for d in dirs)


def test_hfsuite_gui_stops_with_the_message_before_qt_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's own check, made to fail on purpose: exit 11 and the packages, no abort."""
    pytest.importorskip("PySide6")
    from hfsuite.cli import gui_cmd, main

    monkeypatch.setattr(gui_cmd.sys, "platform", "linux")
    monkeypatch.setattr(gui_cmd, "system_library_probe", lambda dirs: _lacking(STOCK_DEBIAN_LACKS))
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    assert main.exit_code(["gui"]) == 11
    stderr = capsys.readouterr().err
    assert "needs system libraries that are not installed: libxcb-icccm.so.4" in stderr
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1" in stderr


def test_hfsuite_gui_screenshot_needs_no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    """--screenshot renders offscreen: the check lets it through even with libraries missing."""
    pytest.importorskip("PySide6")
    from hfsuite.cli import gui_cmd

    monkeypatch.setattr(gui_cmd.sys, "platform", "linux")
    monkeypatch.setattr(gui_cmd, "system_library_probe", lambda dirs: _lacking(STOCK_DEBIAN_LACKS))
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    gui_cmd.require_desktop(offscreen=True)
    with pytest.raises(DesktopUnavailableError):
        gui_cmd.require_desktop()


def test_the_readme_lists_every_package_per_distribution() -> None:
    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Desktop app") :]
    blocks = {
        "debian": section[section.index("# Debian / Ubuntu") : section.index("# Fedora")],
        "fedora": section[section.index("# Fedora") : section.index("# Arch")],
        "arch": section[section.index("# Arch") : section.index("```", section.index("# Arch"))],
    }
    for distro, block in blocks.items():
        listed = set(block.replace("\\", " ").split())
        for lib in XCB_LIBRARIES:
            assert getattr(lib, distro) in listed, (distro, lib.soname)
