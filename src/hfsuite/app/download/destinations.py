"""From a :class:`~hfsuite.core.destination.Destination` to the disk.

The one place that

* picks where a download goes when nobody chose (:func:`default_destination`) or when the
  source cannot go where it was asked (:func:`destination_for`: ModelScope repositories and
  plain URLs have no HF cache);
* turns a destination into the engine's storage layout (:func:`layout_for`);
* says which folder holds a repository's files there (:func:`files_folder`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from hfsuite.config import Settings
from hfsuite.core.destination import Destination, DestinationKind
from hfsuite.core.remote import RepoSnapshot
from hfsuite.core.types import Layout, RepoRef, RepoType, SourceKind
from hfsuite.engine.layouts import HFCacheLayout, LocalDirLayout, StorageLayout, repo_folder_name

__all__ = [
    "StoredDownload",
    "default_destination",
    "destination_for",
    "files_folder",
    "layout_for",
    "stored_files_folder",
]


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
    """The engine's storage layout writing ``snapshot``'s files to ``destination``."""
    if destination.is_hf_cache:
        return HFCacheLayout(destination.path, snapshot)
    return LocalDirLayout(destination.path, snapshot.commit)


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
