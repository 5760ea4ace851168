"""The models a ComfyUI workflow or a generated image names (``hfsuite comfyui refs``).

A thin door for the CLI and the window onto the pure reader in
:mod:`hfsuite.integrations.comfyui`: no settings, no database.
"""

from __future__ import annotations

from pathlib import Path

from hfsuite.integrations.comfyui.reader import read_refs
from hfsuite.integrations.comfyui.refs import ModelRef, WorkflowRefs

__all__ = ["ModelRef", "WorkflowRefs", "workflow_refs"]


def workflow_refs(path: Path) -> WorkflowRefs:
    """Every model reference in the workflow, image, audio or video file at ``path``.

    Raises:
        WorkflowError: the file cannot be read or holds no workflow (one-line message).
    """
    return read_refs(path)
