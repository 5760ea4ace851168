"""A stand-in for the parts of ComfyUI the node pack (comfyui-hfsuite/) uses, over a temp folder.

Written for these tests from ComfyUI's documented contract, not copied from ComfyUI:

* ``folder_paths``: ``folder_names_and_paths`` maps a folder key to ``([paths], extensions)``
  (the first path is the default one; an empty extension set lists every file);
  ``get_folder_paths(key)`` a copy of the paths; ``get_filename_list(key)`` every file under
  them, recursively, as paths relative to their folder (OS separators), sorted, filtered by
  extension; ``get_full_path(key, name)`` the first existing file, else None; ``base_path``,
  ``models_dir``, ``supported_pt_extensions``; the legacy key ``unet`` means
  ``diffusion_models``.
* ``comfy.utils.ProgressBar(total)`` with ``update_absolute(value, total)``;
  ``comfy.model_management.processing_interrupted()``.
* ``server.PromptServer.instance.routes``: an aiohttp ``RouteTableDef`` (``post(path)`` is a
  decorator).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

SUPPORTED_PT_EXTENSIONS = {".ckpt", ".pt", ".bin", ".pth", ".safetensors", ".pkl", ".sft"}

MODEL_KEYS = (
    "checkpoints", "loras", "vae", "text_encoders", "diffusion_models", "clip_vision",
    "style_models", "embeddings", "diffusers", "vae_approx", "controlnet", "gligen",
    "upscale_models", "hypernetworks", "photomaker", "classifiers",
)  # fmt: skip


def folder_paths_module(base: Path) -> ModuleType:
    """A ``folder_paths`` module whose ComfyUI lives at ``base`` (folders made on demand)."""
    module = ModuleType("folder_paths")
    models = base / "models"
    table: dict[str, tuple[list[str], set[str]]] = {
        key: ([str(models / key)], set(SUPPORTED_PT_EXTENSIONS)) for key in MODEL_KEYS
    }
    table["diffusion_models"][0].insert(0, str(models / "unet"))
    table["configs"] = ([str(models / "configs")], {".yaml"})
    table["custom_nodes"] = ([str(base / "custom_nodes")], set())

    def legacy(key: str) -> str:
        return "diffusion_models" if key == "unet" else key

    def get_folder_paths(key: str) -> list[str]:
        return list(table[legacy(key)][0])

    def get_filename_list(key: str) -> list[str]:
        paths, extensions = table[legacy(key)]
        found: set[str] = set()
        for folder in paths:
            for dirpath, dirnames, filenames in os.walk(folder):
                dirnames[:] = [d for d in dirnames if d != ".git"]
                for name in filenames:
                    relative = os.path.relpath(os.path.join(dirpath, name), folder)
                    if not extensions or os.path.splitext(name)[1].lower() in extensions:
                        found.add(relative)
        return sorted(found)

    def get_full_path(key: str, filename: str) -> str | None:
        if legacy(key) not in table:
            return None
        for folder in table[legacy(key)][0]:
            candidate = os.path.join(folder, filename)
            if os.path.isfile(candidate):
                return candidate
        return None

    module.__dict__.update(
        base_path=str(base),
        models_dir=str(models),
        supported_pt_extensions=SUPPORTED_PT_EXTENSIONS,
        folder_names_and_paths=table,
        get_folder_paths=get_folder_paths,
        get_filename_list=get_filename_list,
        get_full_path=get_full_path,
    )
    return module


class ProgressBar:
    """``comfy.utils.ProgressBar``: records every update."""

    made: ClassVar[list[ProgressBar]] = []

    def __init__(self, total: int) -> None:
        self.total = total
        self.current = 0
        self.updates: list[tuple[int, int]] = []
        ProgressBar.made.append(self)

    def update_absolute(self, value: int, total: int | None = None, preview: Any = None) -> None:
        if total is not None:
            self.total = total
        self.current = value
        self.updates.append((value, self.total))


def comfy_modules(interrupted: Callable[[], bool] = lambda: False) -> dict[str, ModuleType]:
    """``comfy``, ``comfy.utils`` and ``comfy.model_management`` stand-ins."""
    comfy = ModuleType("comfy")
    utils = ModuleType("comfy.utils")
    utils.ProgressBar = ProgressBar  # type: ignore[attr-defined]
    management = ModuleType("comfy.model_management")
    management.processing_interrupted = interrupted  # type: ignore[attr-defined]
    comfy.utils = utils  # type: ignore[attr-defined]
    comfy.model_management = management  # type: ignore[attr-defined]
    return {"comfy": comfy, "comfy.utils": utils, "comfy.model_management": management}


class RouteTable:
    """An aiohttp ``RouteTableDef`` stand-in: ``post(path)`` records the handler."""

    def __init__(self) -> None:
        self.posts: dict[str, Callable[..., Any]] = {}

    def post(self, path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def add(handler: Callable[..., Any]) -> Callable[..., Any]:
            self.posts[path] = handler
            return handler

        return add


def server_module() -> ModuleType:
    """``server`` with ``PromptServer.instance.routes``."""
    module = ModuleType("server")

    class PromptServer:
        instance: Any = None

        def __init__(self) -> None:
            self.routes = RouteTable()

    PromptServer.instance = PromptServer()
    module.PromptServer = PromptServer  # type: ignore[attr-defined]
    return module
