"""ScreenshotOptions: which staging options a tab accepts, and the --select glob matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfsuite.core.errors import UsageError
from hfsuite.ui.screenshot import ScreenshotOptions

SHOT = Path("shot.png")


@pytest.mark.parametrize(
    "options",
    [
        ScreenshotOptions(SHOT, search="llama"),
        ScreenshotOptions(SHOT, open_repo="acme/x"),
        ScreenshotOptions(SHOT, select=("*.json",)),
    ],
)
def test_browse_options_need_the_browse_tab(options: ScreenshotOptions) -> None:
    options.check_tab("browse")
    for tab in ("downloads", "history", "settings"):
        with pytest.raises(UsageError, match="--tab browse"):
            options.check_tab(tab)


def test_check_updates_needs_the_history_tab() -> None:
    options = ScreenshotOptions(SHOT, check_updates=True)
    options.check_tab("history")
    with pytest.raises(UsageError, match="--tab history"):
        options.check_tab("browse")


def test_plain_options_suit_every_tab() -> None:
    for tab in ("downloads", "browse", "history", "settings"):
        ScreenshotOptions(SHOT).check_tab(tab)


def test_selected_keeps_the_paths_matching_a_glob_in_order() -> None:
    options = ScreenshotOptions(SHOT, select=("*.json", "model-*.safetensors"))
    paths = ["README.md", "model-1.safetensors", "config.json", "sub/tok.json", "x.bin"]
    assert options.selected(paths) == ["model-1.safetensors", "config.json", "sub/tok.json"]
    assert ScreenshotOptions(SHOT).selected(paths) == []
