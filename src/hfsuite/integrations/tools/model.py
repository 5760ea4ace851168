"""What detection reports: :class:`DetectedTool`, and the tools it knows (:data:`TOOL_KINDS`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOOL_KINDS: dict[str, str] = {
    "comfyui": "ComfyUI",
    "a1111": "AUTOMATIC1111 stable-diffusion-webui",
    "forge": "Stable Diffusion WebUI Forge",
    "sdnext": "SD.Next",
    "invokeai": "InvokeAI",
    "fooocus": "Fooocus",
    "lmstudio": "LM Studio",
    "ollama": "Ollama",
    "stability-matrix": "Stability Matrix",
}
"""Every tool kind detection knows, with its display name (the order ``tools ls`` sorts by)."""

LLM_KIND = "llm"
"""The model kind of a language-model tool's folder (LM Studio, Ollama)."""


@dataclass(frozen=True)
class DetectedTool:
    """One installed tool and where it keeps its models.

    Attributes:
        name: A short unique name (``comfyui``, ``comfyui-2``, ``a1111``…), usable as a
            destination's tool name.
        kind: One of :data:`TOOL_KINDS`.
        version: What the install says its version is (a tag, a version file,
            ``package.json``), or None when it does not tell.
        root: The install folder (for Ollama and LM Studio: their models' home).
        folders: For each model kind (ComfyUI's folder keys: ``checkpoints``, ``loras``…; or
            ``llm``), the folders the tool searches, in its own search order.
        default_folder: For each model kind, the folder a download should go to (the tool's
            first or ``is_default`` folder). Empty for tools that do not pick files up from a
            folder (Ollama, InvokeAI).
        config_files: The config files that were read (launch scripts, YAML, JSON, INI).
        notes: Problems found and worked around, and things a user should know.
        variant: How it is installed (``git``, ``portable``, ``desktop``, ``comfy-cli``,
            ``stability-matrix``…), or None.
    """

    name: str
    kind: str
    version: str | None
    root: Path
    folders: dict[str, list[Path]] = field(default_factory=dict)
    default_folder: dict[str, Path] = field(default_factory=dict)
    config_files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    variant: str | None = None

    @property
    def display_name(self) -> str:
        """The tool's name as people know it (``ComfyUI``)."""
        return TOOL_KINDS.get(self.kind, self.kind)

    def renamed(self, name: str) -> DetectedTool:
        """The same tool under another name."""
        return DetectedTool(
            name,
            self.kind,
            self.version,
            self.root,
            self.folders,
            self.default_folder,
            self.config_files,
            self.notes,
            self.variant,
        )

    def to_json(self) -> dict[str, Any]:
        """The tool as plain JSON values (paths as strings)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "display_name": self.display_name,
            "variant": self.variant,
            "version": self.version,
            "root": str(self.root),
            "folders": {k: [str(p) for p in v] for k, v in self.folders.items()},
            "default_folder": {k: str(p) for k, p in self.default_folder.items()},
            "config_files": [str(p) for p in self.config_files],
            "notes": list(self.notes),
        }


class FolderMap:
    """Builds a tool's ``folders``: per kind, paths in search order, each path once.

    ``add`` appends, ``add(..., first=True)`` puts a path in front (ComfyUI's ``is_default``),
    ``replace`` drops the defaults of a kind for a configured folder (A1111's ``--lora-dir``).
    """

    def __init__(self) -> None:
        self._folders: dict[str, list[Path]] = {}

    def add(self, kind: str, path: Path, *, first: bool = False) -> None:
        """Add one folder for ``kind`` (moved to the front when ``first``)."""
        paths = self._folders.setdefault(kind, [])
        if path in paths:
            if first and paths[0] != path:
                paths.remove(path)
                paths.insert(0, path)
            return
        if first:
            paths.insert(0, path)
        else:
            paths.append(path)

    def replace(self, kind: str, paths: list[Path]) -> None:
        """Make ``paths`` the folders of ``kind``."""
        self._folders[kind] = []
        for path in paths:
            self.add(kind, path)

    def get(self, kind: str) -> list[Path]:
        """The folders of ``kind`` so far."""
        return list(self._folders.get(kind, []))

    def folders(self) -> dict[str, list[Path]]:
        """Every kind's folders (kinds without a folder left out)."""
        return {k: list(v) for k, v in self._folders.items() if v}

    def defaults(self) -> dict[str, Path]:
        """Each kind's first folder: where ComfyUI-like tools put a new file."""
        return {k: v[0] for k, v in self._folders.items() if v}
