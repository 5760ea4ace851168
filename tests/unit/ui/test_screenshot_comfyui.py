"""``hfsuite gui --screenshot --tab comfyui`` takes a workflow (``--open``) and an install
folder (``--search``), nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfsuite.core.errors import UsageError
from hfsuite.ui.screenshot import ScreenshotOptions


def test_comfyui_takes_a_workflow_and_an_install_folder() -> None:
    ScreenshotOptions(Path("x.png"), tab="comfyui", open_repo="flow.json").check_tab("comfyui")
    ScreenshotOptions(Path("x.png"), search="/opt/ComfyUI", open_repo="f.png").check_tab("comfyui")


def test_comfyui_refuses_select_and_other_tabs_refuse_a_workflow() -> None:
    with pytest.raises(UsageError, match="--tab comfyui takes --open WORKFLOW"):
        ScreenshotOptions(Path("x.png"), select=("*.json",)).check_tab("comfyui")
    with pytest.raises(UsageError, match="--tab comfyui: --open WORKFLOW"):
        ScreenshotOptions(Path("x.png"), open_repo="flow.json").check_tab("history")
