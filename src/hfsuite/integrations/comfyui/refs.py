"""A model reference found in a workflow or an image, and what the readers share.

:class:`ModelRef` is one file a workflow needs: where it was named (node, input), the name as
ComfyUI matches it, the ComfyUI folder key, whether the node runs, and the download URL and
hash when the workflow declares them. :class:`RefCollector` gathers them for one file, with
the limits that keep hostile input bounded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from hfsuite.core.errors import WorkflowError
from hfsuite.core.i18n import tr
from hfsuite.integrations.comfyui.names import (
    TAESD_NAMES,
    Name,
    basename,
    canonical_folder,
    normalise,
)

MAX_REFS = 50_000
"""More references than this in one file is not a workflow anyone wrote."""

MAX_DECLARED = 10_000
"""Declared ``models`` entries read per file."""

_EMBEDDING = re.compile(r"embedding:([^\s,()\[\]{}:<>|\"']+)", flags=re.IGNORECASE)
_HF_BLOB = re.compile(r"^(https?://(?:www\.)?(?:huggingface\.co|hf\.co)/.+?)/blob/")


@dataclass(frozen=True)
class ModelRef:
    """One model file a workflow (or an image's generation parameters) names.

    Attributes:
        node_id: The node's id; inside a subgraph, the instance ids and the inner id joined
            with ``:`` (``"12:5"``), as ComfyUI numbers them in API JSON. None for a model
            only the workflow's top-level ``models`` list declares, and for A1111 text.
        node_type: The node's type (``class_type``), or None.
        input: The widget or input that holds the name (``ckpt_name``), or None for a
            declared-only model. Prompt embeddings: the text input; A1111: the field.
        value: The name as ComfyUI matches it (relative, ``/``-separated); a printable
            excerpt of the raw value when ``refused``.
        folder: ComfyUI folder key (``checkpoints``, ``loras``…), None when unknown.
        active: False for a muted (mode 2) or bypassed (mode 4) node, or one inside such a
            subgraph instance; also a LoRA switched off in rgthree's loader.
        url: Download URL the workflow declares for this file (HF ``/blob/`` made
            ``/resolve/``), or None.
        hash: Declared hash (lower-case hex), or None; ``hash_type`` says which
            (``sha256``; A1111 short hashes are ``autov2``/``autov1``).
        subgraph: Name of the subgraph definition the node sits in, or None at top level.
        origin: ``widget`` (UI JSON), ``input`` (API JSON), ``prompt`` (embedding in prompt
            text), ``declared`` (only in a ``models`` list) or ``a1111`` (generation text).
        refused: Why the value is no usable name (absolute path, ``..``…), or None.
    """

    node_id: str | None
    node_type: str | None
    input: str | None
    value: str
    folder: str | None
    active: bool = True
    url: str | None = None
    hash: str | None = None
    hash_type: str | None = None
    subgraph: str | None = None
    origin: str = "widget"
    refused: str | None = None


@dataclass(frozen=True)
class Declared:
    """One entry of a ``models`` list: ``{name, url, directory, hash?, hash_type?}``."""

    name: str
    folder: str | None
    url: str | None
    hash: str | None
    hash_type: str | None


@dataclass
class WorkflowRefs:
    """What one file holds: its format, the references, and what could not be read."""

    path: str
    source_format: str
    """``ui-json``, ``api-json``, ``png``, ``webp``, ``jpeg``, ``flac``, ``mp4``, ``webm``
    (Matroska too), ``text``."""
    contents: list[str] = field(default_factory=list)
    """What was found inside: ``workflow`` (UI JSON), ``prompt`` (API JSON), ``parameters``."""
    refs: list[ModelRef] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def hf_resolve_url(url: str) -> str:
    """A Hugging Face page URL (``/blob/``) as its download URL (``/resolve/``)."""
    return _HF_BLOB.sub(r"\1/resolve/", url, count=1)


def read_declared(entries: Any) -> DeclaredModels:
    """The well-formed entries of a ``models`` list (anything else is skipped)."""
    if not isinstance(entries, list):
        return NO_DECLARED
    found: list[Declared] = []
    for entry in entries[:MAX_DECLARED]:
        if not isinstance(entry, Mapping):
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            continue
        url = entry.get("url")
        digest = entry.get("hash")
        kind = entry.get("hash_type")
        directory = entry.get("directory")
        found.append(
            Declared(
                name=name.strip(),
                folder=canonical_folder(directory) if isinstance(directory, str) else None,
                url=hf_resolve_url(url.strip()) if isinstance(url, str) and url.strip() else None,
                hash=digest.strip().lower() if isinstance(digest, str) and digest.strip() else None,
                hash_type=kind.strip().lower() if isinstance(kind, str) and kind.strip() else None,
            )
        )
    return DeclaredModels(found)


class DeclaredModels:
    """A ``models`` list, looked up by file name (a hostile list may be long)."""

    def __init__(self, entries: list[Declared]):
        self.entries = entries
        self._by_name: dict[str, list[Declared]] = {}
        for entry in entries:
            self._by_name.setdefault(basename(entry.name), []).append(entry)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def match(self, value: str, folder: str | None) -> Declared | None:
        """The entry for a name: same path, else same file name; same folder if both say."""
        best: Declared | None = None
        for entry in self._by_name.get(basename(value), ()):
            if folder and entry.folder and entry.folder != folder:
                continue
            if entry.name.replace("\\", "/") == value:
                return entry
            if best is None:
                best = entry
        return best


NO_DECLARED = DeclaredModels([])


def prompt_embeddings(text: str) -> list[str]:
    """Embedding names a prompt uses (``embedding:name``, weighted or not), in order, once."""
    seen: dict[str, None] = {}
    for match in _EMBEDDING.finditer(text[:1_000_000]):
        name = match.group(1).rstrip(".")
        if name:
            seen.setdefault(name, None)
    return list(seen)


class RefCollector:
    """Collects references for one file, bounded by :data:`MAX_REFS`."""

    def __init__(self) -> None:
        self.refs: list[ModelRef] = []
        self._keys: set[tuple[str | None, str | None, str, str | None]] = set()
        self._by_node: dict[str | None, list[ModelRef]] = {}

    def add(self, ref: ModelRef) -> None:
        """Add ``ref`` unless the same node/input/value/folder is already there."""
        key = (ref.node_id, ref.input, ref.value, ref.folder)
        if key in self._keys:
            return
        if len(self.refs) >= MAX_REFS:
            raise WorkflowError(
                tr("The file names more than {limit} models; it is not read.", limit=MAX_REFS)
            )
        self._keys.add(key)
        self.refs.append(ref)
        self._by_node.setdefault(ref.node_id, []).append(ref)

    def add_value(
        self,
        raw: str,
        *,
        node_id: str | None,
        node_type: str | None,
        input_name: str | None,
        folder: str | None,
        active: bool,
        declared: DeclaredModels = NO_DECLARED,
        subgraph: str | None = None,
        origin: str = "widget",
    ) -> None:
        """Add the reference a widget/input value makes (nothing for "None" values).

        ``VAELoader``'s TAESD values name an encoder/decoder pair in ``vae_approx``.
        """
        name = normalise(raw)
        if name is None:
            return
        folder = canonical_folder(folder)
        if folder == "vae" and name.refused is None and name.value.lower() in TAESD_NAMES:
            for part in ("encoder", "decoder"):
                self.add_value(
                    f"{name.value.lower()}_{part}",
                    node_id=node_id,
                    node_type=node_type,
                    input_name=input_name,
                    folder="vae_approx",
                    active=active,
                    subgraph=subgraph,
                    origin=origin,
                )
            return
        self.add(
            _ref(name, node_id, node_type, input_name, folder, active, subgraph, origin, declared)
        )

    def add_declared_leftovers(
        self,
        declared: DeclaredModels,
        *,
        node_id: str | None,
        node_type: str | None,
        active: bool,
        subgraph: str | None = None,
    ) -> None:
        """Declared models no reference of this node (or file) names, as ``declared`` refs."""
        if not declared:
            return
        mine = self.refs if node_id is None else self._by_node.get(node_id, [])
        names = {basename(r.value) for r in mine}
        named = {(basename(r.value), r.folder) for r in mine}
        for entry in declared.entries:
            name = normalise(entry.name)
            if name is None:
                continue
            base = basename(name.value)
            if (base, entry.folder) in named or (entry.folder is None and base in names):
                continue
            self.add(
                ModelRef(
                    node_id=node_id,
                    node_type=node_type,
                    input=None,
                    value=name.value,
                    folder=entry.folder,
                    active=active,
                    url=entry.url,
                    hash=entry.hash,
                    hash_type=entry.hash_type,
                    subgraph=subgraph,
                    origin="declared",
                    refused=name.refused,
                )
            )

    def attach(self, declared: DeclaredModels) -> None:
        """Give references without a URL the URL/hash a file-wide ``models`` list declares."""
        if not declared:
            return
        for i, ref in enumerate(self.refs):
            if ref.url or ref.refused:
                continue
            entry = declared.match(ref.value, ref.folder)
            if entry is not None:
                self.refs[i] = replace(
                    ref, url=entry.url, hash=entry.hash, hash_type=entry.hash_type
                )


def _ref(
    name: Name,
    node_id: str | None,
    node_type: str | None,
    input_name: str | None,
    folder: str | None,
    active: bool,
    subgraph: str | None,
    origin: str,
    declared: DeclaredModels,
) -> ModelRef:
    entry = None if name.refused else declared.match(name.value, folder)
    if folder is None and entry is not None:
        folder = entry.folder
    return ModelRef(
        node_id=node_id,
        node_type=node_type,
        input=input_name,
        value=name.value,
        folder=folder,
        active=active,
        url=entry.url if entry else None,
        hash=entry.hash if entry else None,
        hash_type=entry.hash_type if entry else None,
        subgraph=subgraph,
        origin=origin,
        refused=name.refused,
    )
