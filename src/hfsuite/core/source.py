"""What every source of files is to the rest of the suite: the :class:`Source` protocol.

A source (the Hugging Face Hub or a mirror, ModelScope, a plain URL; later ones come as
plugins) resolves a repository into a :class:`~hfsuite.core.remote.RepoSnapshot`, says where a
file's bytes are served and which headers a request carries, and turns a server's error answer
into a typed :class:`~hfsuite.core.errors.HfSuiteError`. The classes live in
``hfsuite.sources``; the application layer builds them from the settings through a registry
keyed by :class:`~hfsuite.core.types.SourceKind` (see docs/architecture.md). Nothing here does
I/O.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from hfsuite.core.errors import EntryNotFoundError, HfSuiteError
from hfsuite.core.remote import HttpAnswer, RemoteFile, RepoSnapshot, RequestAuth
from hfsuite.core.types import RepoRef, SourceKind

__all__ = ["Source", "file_in"]


@runtime_checkable
class Source(Protocol):
    """A place repositories (or single files) are downloaded from.

    Implementations keep their credentials and endpoint as constructor state; every method
    takes the repository it is about.
    """

    @property
    def kind(self) -> SourceKind:
        """Which source this is (the key of the registry that builds it)."""
        ...

    @property
    def auth(self) -> RequestAuth:
        """Who gets the credentials: read when used, since a source may drop a refused token."""
        ...

    def snapshot(self, ref: RepoRef) -> RepoSnapshot:
        """Resolve ``ref`` to a commit (or the source's equivalent) and list its files.

        Raises:
            HfSuiteError: with an actionable message (not found, gated, refused, offline…).
        """
        ...

    def file_metadata(self, ref: RepoRef, path: str) -> RemoteFile:
        """Size, hashes and URL of one file of ``ref``.

        Raises:
            EntryNotFoundError: ``ref`` has no such file.
            HfSuiteError: as :meth:`snapshot`.
        """
        ...

    def file_url(self, ref: RepoRef, path: str) -> str:
        """Where the bytes of ``path`` at ``ref``'s revision (default branch: None) are served."""
        ...

    def map_error(self, answer: HttpAnswer) -> HfSuiteError:
        """Turn an error answer to a file request into a typed error."""
        ...

    def check_access(self, ref: RepoRef) -> None:
        """Make sure this source's credentials (or anonymous access) can read ``ref``'s files.

        Raises:
            HfSuiteError: why not (gated, private or missing, token refused…).
        """
        ...


def file_in(snapshot: RepoSnapshot, path: str) -> RemoteFile:
    """One file of a snapshot, for sources whose file metadata comes from their listing.

    Raises:
        EntryNotFoundError: the snapshot has no such file.
    """
    for remote in snapshot.files:
        if remote.path == path:
            return remote
    what = snapshot.ref.repo_type.value.capitalize()
    raise EntryNotFoundError(
        f"{what} {snapshot.ref.repo_id} has no file {path!r} at that revision.",
        hint="Check the file name (paths are case-sensitive).",
    )
