"""From a :class:`~hfsuite.core.destination.Destination` to the disk.

The one place that

* picks where a download goes when nobody chose (:func:`default_destination`) or when the
  source cannot go where it was asked (:func:`destination_for`: ModelScope repositories and
  plain URLs have no HF cache);
* turns a destination into the engine's storage layout (:func:`layout_for`);
* says which folder holds a repository's files there (:func:`files_folder`).

A tool's model folder (ComfyUI's ``models/loras``, an LM Studio ``<publisher>/<model>``
folder) takes files **by name**: ``split_files/loras/x.safetensors`` of a repository lands as
``x.safetensors`` in it, as the tool's users expect (:class:`ByNameLayout`). The queue stores
a destination as a plain folder (:meth:`Destination.stored`), so a download into a tool folder
leaves a small record in the folder's ``.cache/huggingface/`` (:func:`remember_by_name`,
written before the first byte) that keeps a queued or retried task laying files out the same
way.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from hfsuite.config import Settings
from hfsuite.core.destination import Destination, DestinationKind
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import Layout, RepoRef, RepoType, SourceKind
from hfsuite.engine.layouts import (
    FileTarget,
    HFCacheLayout,
    LocalDirLayout,
    StorageLayout,
    repo_folder_name,
)
from hfsuite.engine.verify import Expectation

__all__ = [
    "BY_NAME_RECORD",
    "ByNameLayout",
    "StoredDownload",
    "default_destination",
    "destination_for",
    "files_folder",
    "layout_for",
    "lays_out_by_name",
    "remember_by_name",
    "stored_files_folder",
]

BY_NAME_RECORD = ".cache/huggingface/hfsuite-tool-folder.json"
"""The record, inside a folder, that files go there by name (a tool's model folder)."""


class StoredDownload(Protocol):
    """What a queued task or a history row says about where its files went."""

    @property
    def destination(self) -> str:
        """The destination column (a folder or an HF cache root)."""
        ...

    @property
    def layout(self) -> Layout | None:
        """The layout column (None in rows older than layouts: a plain folder)."""
        ...

    @property
    def repo_id(self) -> str | None:
        """The repository (or the URL of a plain file)."""
        ...

    @property
    def repo_type(self) -> RepoType:
        """model, dataset or space."""
        ...


def default_destination(
    settings: Settings, ref: RepoRef | None = None, kind: DestinationKind | None = None
) -> Destination:
    """Where a download goes when nobody chose.

    A plain URL goes to ``download_dir``, a ModelScope repository to ``download_dir/<name>``.
    A Hugging Face repository goes to the HF cache (``hub_cache``) or ``download_dir/<name>``,
    as ``kind`` says (default: the ``layout`` setting). Without a repository, the folder is
    ``download_dir`` itself.

    Args:
        settings: The settings in effect.
        ref: The repository or URL (None: any, e.g. for a form's first suggestion).
        kind: HF cache or folder for a Hugging Face repository (None: the setting).
    """
    if ref is not None and ref.source is SourceKind.URL:
        return Destination.folder(settings.download_dir)
    kind = kind or DestinationKind.of_layout(settings.layout)
    on_hub = ref is None or ref.source is SourceKind.HUGGINGFACE
    if on_hub and kind is DestinationKind.HF_CACHE:
        return Destination.hf_cache(settings.hub_cache)
    if ref is None:
        return Destination.folder(settings.download_dir)
    return Destination.folder(settings.download_dir / ref.repo_id.split("/")[-1])


def destination_for(
    settings: Settings,
    ref: RepoRef,
    chosen: Destination | None = None,
    kind: DestinationKind | None = None,
) -> Destination:
    """Where a download of ``ref`` goes: ``chosen`` when the source can go there, else the
    default (:func:`default_destination` with ``kind``). ``~`` is expanded.

    Only Hugging Face repositories can use the HF cache; a cache chosen for anything else
    gives way to its default folder.
    """
    if chosen is None or (chosen.is_hf_cache and ref.source is not SourceKind.HUGGINGFACE):
        chosen = default_destination(settings, ref, kind)
    return chosen.expanded()


def layout_for(destination: Destination, snapshot: RepoSnapshot) -> StorageLayout:
    """The engine's storage layout writing ``snapshot``'s files to ``destination``: the HF
    cache, files at their repository paths in a folder, or by name in a tool's folder
    (:func:`lays_out_by_name`)."""
    if destination.is_hf_cache:
        return HFCacheLayout(destination.path, snapshot)
    if lays_out_by_name(destination):
        ref = snapshot.ref
        origin = f"{ref.source.value}:{ref.repo_type.value}:{ref.repo_id}"
        return ByNameLayout(destination.path, snapshot.commit, origin)
    return LocalDirLayout(destination.path, snapshot.commit)


def lays_out_by_name(destination: Destination) -> bool:
    """Whether files go to ``destination`` by name only: a tool folder, or a folder a download
    into a tool folder recorded (:func:`remember_by_name`)."""
    if destination.kind is DestinationKind.TOOL_FOLDER:
        return True
    if destination.is_hf_cache:
        return False
    return (destination.path.expanduser() / BY_NAME_RECORD).is_file()


def remember_by_name(folder: Path, tool: str, model_kind: str) -> None:
    """Record in ``folder`` that files go there by name, for ``tool``'s ``model_kind``: the
    queue stores only the folder, and a task run later must lay files out the same way.

    Raises:
        UsageError: the folder cannot be written (exit 2: choose another destination).
    """
    record = folder.expanduser() / BY_NAME_RECORD
    text = json.dumps({"version": 1, "tool": tool, "kind": model_kind, "files": "by-name"})
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        if record.is_file() and record.read_text(encoding="utf-8") == text:
            return
        tmp = record.with_name(f".{record.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, record)
    except OSError as exc:
        raise UsageError(
            tr(
                "Cannot write to the tool folder {folder} ({reason}).",
                folder=folder,
                reason=exc.strerror or exc,
            ),
            hint=tr("Check the folder's permissions, or choose another destination."),
        ) from exc


class ByNameLayout:
    """A folder where each file lands by its name only (a tool's model folder): the repository
    path ``split_files/loras/x.safetensors`` becomes ``<folder>/x.safetensors``.

    Everything else is :class:`~hfsuite.engine.layouts.LocalDirLayout`'s: the
    huggingface_hub-style metadata (under the file's name), resume state, atomic placement.
    Two files of one download with the same name are refused before any byte moves, and so is
    a file of that name already there with other content that no download of this repository
    put there (another model's ``pytorch_lora_weights.safetensors``): ``--force`` replaces it
    (the planner then does not ask :meth:`is_complete`). Each placed file's repository is kept
    beside its metadata (``<name>.hfsuite-origin``).

    Args:
        folder: The tool's folder.
        commit: The commit downloaded.
        origin: Which repository the files come from (``source:type:repo_id``).
    """

    def __init__(self, folder: Path, commit: str, origin: str = ""):
        self._inner = LocalDirLayout(folder, commit)
        self._owners: dict[str, str] = {}
        self._origin = origin

    @property
    def root(self) -> Path:
        return self._inner.root

    def _name(self, path: str) -> str:
        name = path.rsplit("/", 1)[-1]
        owner = self._owners.setdefault(name, path)
        if owner != path:
            raise UsageError(
                tr(
                    "{owner} and {path} would both land as {name} in {root}.",
                    owner=owner,
                    path=path,
                    name=name,
                    root=self._inner.root,
                ),
                hint=tr("A tool folder takes files by name: pick one with --include or a path."),
            )
        return name

    def target(self, remote: RemoteFile) -> FileTarget:
        inner = self._inner.target(replace(remote, path=self._name(remote.path)))
        return FileTarget(remote, inner.final_path, inner.partial_path, inner.state_path)

    def is_complete(
        self, target: FileTarget, expectation: Expectation, repair: bool = True
    ) -> bool:
        if self._inner.is_complete(target, expectation, repair):
            return True
        if target.final_path.exists():
            owner = _read_origin(_origin_path(target))
            if owner != self._origin:
                message = (
                    tr(
                        "{path} is already there with other content (from {owner}).",
                        path=target.final_path,
                        owner=owner.rsplit(":", 1)[-1],
                    )
                    if owner
                    else tr(
                        "{path} is already there with other content (not downloaded by hfsuite).",
                        path=target.final_path,
                    )
                )
                raise UsageError(
                    message,
                    hint=tr(
                        "Put this download in a folder of its own with --subfolder NAME, or "
                        "replace the file with --force."
                    ),
                )
        return False

    def place(self, target: FileTarget) -> Path:
        placed = self._inner.place(target)
        with contextlib.suppress(OSError):  # only a later download of another repo reads it
            _origin_path(target).write_text(self._origin, encoding="utf-8")
        return placed

    def finish(self) -> None:
        self._inner.finish()

    def final_path(self, path: str) -> Path:
        return self._inner.final_path(self._name(path))


def files_folder(destination: Destination, repo_id: str | None, repo_type: RepoType) -> Path:
    """The folder a download's files are in: the destination's folder, or in the HF cache the
    repository's own folder (``models--org--name``)."""
    if destination.is_hf_cache and repo_id:
        return destination.path / repo_folder_name(repo_id, repo_type)
    return destination.path


def stored_files_folder(record: StoredDownload) -> Path:
    """The folder a stored task's or history row's files are in (:func:`files_folder` of the
    destination its two columns describe)."""
    stored = Destination.from_stored(record.layout or Layout.LOCAL_DIR, record.destination)
    return files_folder(stored, record.repo_id, record.repo_type)


def _origin_path(target: FileTarget) -> Path:
    side = target.partial_path
    return side.with_name(side.name[: -len(".hfsuite.incomplete")] + ".hfsuite-origin")


def _read_origin(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None
