"""Where a download goes: the HF cache, a plain folder, or a tool's model folder.

A :class:`Destination` is the one value every layer passes around instead of a layout flag and
a path. The app turns it into an engine storage layout in exactly one place
(``hfsuite.app.download.destinations.layout_for``) and picks the default one there too.

Two text forms exist:

* :meth:`Destination.to_text` / :meth:`Destination.parse`: one stable string that keeps
  everything (``hf-cache:/p``, ``folder:/p``, ``tool:comfyui/loras:/p``).
* :meth:`Destination.stored` / :meth:`Destination.from_stored`: the queue database's two
  columns, ``layout`` and ``destination``. A tool folder is stored as the folder it resolves
  to (the columns have no room for the tool); this is the only place that mapping lives.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from pathlib import Path

from hfsuite.core.types import Layout

__all__ = ["LIBRARY_ONLY_KINDS", "MODEL_KINDS", "Destination", "DestinationKind"]


class DestinationKind(enum.StrEnum):
    """The kinds of place a download can go to."""

    HF_CACHE = "hf-cache"
    """huggingface_hub's cache (transformers and diffusers find the files there)."""
    FOLDER = "folder"
    """A plain folder: files at their repository paths."""
    TOOL_FOLDER = "tool"
    """One of a tool's model folders, e.g. ComfyUI's ``models/loras`` (files as in a folder)."""

    @classmethod
    def of_layout(cls, layout: Layout) -> DestinationKind:
        """The kind a storage layout setting names (``local-dir`` is a plain folder)."""
        return cls.HF_CACHE if layout is Layout.HF_CACHE else cls.FOLDER


MODEL_KINDS: tuple[str, ...] = (
    "checkpoints",
    "diffusion_models",
    "unet",
    "text_encoders",
    "clip",
    "clip_vision",
    "vae",
    "vae_approx",
    "loras",
    "controlnet",
    "embeddings",
    "upscale_models",
    "hypernetworks",
    "style_models",
    "gligen",
    "photomaker",
    "audio_encoders",
    "diffusers",
)
"""The kinds of model a tool folder holds: ComfyUI's model folder keys."""

LIBRARY_ONLY_KINDS: tuple[str, ...] = ("llm", "transformers", "unknown")
"""Kinds the library reports beyond :data:`MODEL_KINDS`: a language model (e.g. a GGUF), a
transformers model folder, and a file whose kind the tensors do not tell."""

_TOOL_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*")


@dataclass(frozen=True)
class Destination:
    """Where a download's files go.

    Build one with :meth:`hf_cache`, :meth:`folder` or :meth:`tool_folder`.

    Attributes:
        kind: HF cache, plain folder or tool folder.
        path: The cache root (HF cache) or the folder the files land in.
        tool: For a tool folder: the tool, e.g. ``"comfyui"``.
        model_kind: For a tool folder: which of its model folders, one of :data:`MODEL_KINDS`.
    """

    kind: DestinationKind
    path: Path
    tool: str | None = None
    model_kind: str | None = None

    def __post_init__(self) -> None:
        if self.kind is DestinationKind.TOOL_FOLDER:
            if not self.tool or not _TOOL_NAME.fullmatch(self.tool):
                raise ValueError(f"Not a tool name: {self.tool!r} (lower-case letters, digits).")
            if self.model_kind not in MODEL_KINDS:
                raise ValueError(
                    f"Not a model kind: {self.model_kind!r}; one of: {', '.join(MODEL_KINDS)}."
                )
        elif self.tool is not None or self.model_kind is not None:
            raise ValueError(f"A {self.kind.value} destination has no tool or model kind.")

    # --- construction -------------------------------------------------------------------

    @classmethod
    def hf_cache(cls, path: str | Path) -> Destination:
        """The HF cache whose root (``HF_HUB_CACHE``) is ``path``."""
        return cls(DestinationKind.HF_CACHE, Path(path))

    @classmethod
    def folder(cls, path: str | Path) -> Destination:
        """A plain folder the files land in at their repository paths."""
        return cls(DestinationKind.FOLDER, Path(path))

    @classmethod
    def tool_folder(cls, tool: str, model_kind: str, path: str | Path) -> Destination:
        """A tool's model folder, e.g. ``tool_folder("comfyui", "loras", ".../models/loras")``.

        Raises:
            ValueError: for a malformed tool name or an unknown model kind.
        """
        return cls(DestinationKind.TOOL_FOLDER, Path(path), tool, model_kind)

    # --- what callers ask -----------------------------------------------------------------

    @property
    def is_hf_cache(self) -> bool:
        """True for the HF cache; every other kind is laid out as a plain folder."""
        return self.kind is DestinationKind.HF_CACHE

    @property
    def layout(self) -> Layout:
        """How files are laid out on disk there."""
        return Layout.HF_CACHE if self.is_hf_cache else Layout.LOCAL_DIR

    def with_path(self, path: str | Path) -> Destination:
        """The same kind of destination somewhere else."""
        return replace(self, path=Path(path))

    def expanded(self) -> Destination:
        """With ``~`` expanded in its path."""
        return self.with_path(self.path.expanduser())

    def absolute(self) -> Destination:
        """With ``~`` expanded and its path made absolute (what the queue stores)."""
        return self.with_path(self.path.expanduser().absolute())

    def subfolder(self, name: str) -> Destination:
        """A folder of its own inside this one (the HF cache already has one per repository).

        Raises:
            ValueError: for the HF cache.
        """
        if self.is_hf_cache:
            raise ValueError("The HF cache has no subfolders to choose.")
        return self.with_path(self.path / name)

    # --- text forms -------------------------------------------------------------------------

    def to_text(self) -> str:
        """The stable text form, read back by :meth:`parse`."""
        if self.kind is DestinationKind.TOOL_FOLDER:
            return f"{self.kind.value}:{self.tool}/{self.model_kind}:{self.path}"
        return f"{self.kind.value}:{self.path}"

    @classmethod
    def parse(cls, text: str) -> Destination:
        """Read :meth:`to_text`'s form.

        Raises:
            ValueError: when the text is not one.
        """
        kind_text, sep, rest = text.partition(":")
        try:
            kind = DestinationKind(kind_text)
        except ValueError:
            raise ValueError(f"Not a destination: {text!r}.") from None
        if kind is DestinationKind.TOOL_FOLDER:
            which, sep, rest = rest.partition(":")
            tool, slash, model_kind = which.partition("/")
            if not slash:
                raise ValueError(f"Not a destination: {text!r} (tool:<tool>/<kind>:<path>).")
            if sep and rest:
                return cls.tool_folder(tool, model_kind, rest)
        elif sep and rest:
            return cls(kind, Path(rest))
        raise ValueError(f"Not a destination: {text!r} (no path).")

    def stored(self) -> tuple[Layout, str]:
        """The queue database's ``(layout, destination)`` columns for this destination."""
        return self.layout, str(self.path)

    @classmethod
    def from_stored(cls, layout: Layout, destination: str) -> Destination:
        """The destination the database's ``layout`` and ``destination`` columns name."""
        if layout is Layout.HF_CACHE:
            return cls.hf_cache(destination)
        return cls.folder(destination)

    def __str__(self) -> str:
        return self.to_text()
