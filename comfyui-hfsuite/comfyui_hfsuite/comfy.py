"""ComfyUI's modules, looked up when needed: the pack imports (and is tested) without ComfyUI.

Each function returns None where ComfyUI (or that part of it) is not importable.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def folder_paths() -> ModuleType:
    """ComfyUI's ``folder_paths`` module (its model folders).

    Raises:
        RuntimeError: outside ComfyUI.
    """
    module = _module("folder_paths")
    if module is None:
        raise RuntimeError("ComfyUI's folder_paths module is not importable: run inside ComfyUI.")
    return module


def progress_bar(total: int) -> Any | None:
    """A ``comfy.utils.ProgressBar`` of ``total`` steps (the node's bar in the UI), or None."""
    utils = _module("comfy.utils")
    bar_type = getattr(utils, "ProgressBar", None) if utils is not None else None
    return bar_type(total) if bar_type is not None else None


def interrupted() -> bool:
    """Whether the user pressed Cancel in ComfyUI (False outside ComfyUI)."""
    management = _module("comfy.model_management")
    check = getattr(management, "processing_interrupted", None) if management else None
    return bool(check()) if check is not None else False


def prompt_server() -> Any | None:
    """ComfyUI's ``PromptServer.instance`` (its aiohttp routes), or None."""
    server = _module("server")
    prompt_server_type = getattr(server, "PromptServer", None) if server is not None else None
    return getattr(prompt_server_type, "instance", None)
