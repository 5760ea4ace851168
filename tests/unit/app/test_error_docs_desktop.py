"""The desktop app's messages in docs/errors.md, each produced for real and found word for word
(the library list stands as ``<libraries>``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfsuite.app.desktop_check import check_desktop
from hfsuite.core.errors import DesktopUnavailableError, HfSuiteError, UsageError

DOC = (Path(__file__).parents[3] / "docs" / "errors.md").read_text(encoding="utf-8")


def _documented(error: HfSuiteError, exit_code: int) -> bool:
    message = error.message
    if ": libxcb" in message:
        message = message[: message.index(": libxcb")] + ": <libraries>."
    return f"| `{message}` | {exit_code} |" in DOC


@pytest.mark.parametrize(
    "env",
    [
        {"DISPLAY": ":0"},
        {},
        {"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"},
    ],
    ids=["libraries", "no-display", "xcb-without-x"],
)
def test_desktop_check_messages_are_documented(env: dict[str, str]) -> None:
    with pytest.raises(DesktopUnavailableError) as info:
        check_desktop("linux", env, lambda soname: soname != "libxcb-icccm.so.4")
    assert _documented(info.value, 11), info.value.message


def test_missing_pyside_is_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    from hfsuite.cli import gui_cmd

    monkeypatch.setattr(gui_cmd.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UsageError) as info:
        gui_cmd.require_desktop()
    assert _documented(info.value, 2), info.value.message


def test_exit_code_11_is_listed() -> None:
    assert "| 11 | the desktop app cannot open a window here (`DesktopUnavailableError`) |" in DOC
