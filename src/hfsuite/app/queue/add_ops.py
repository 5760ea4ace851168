"""Adding downloads from pasted text: names → dry-run plans → queue tasks.

The desktop app's "Add" dialog (and anything else that takes many ids or URLs at once) works in
three steps, each safe to run on a worker thread:

```
read_targets(suite, text)        one name per line: ids, Hub/mirror URLs, hf://, file URLs
      ▼                          (bad lines reported by number; the rest still read)
preview(suite, targets, options) a dry-run plan per repository: files, sizes, what is already
      ▼                          on disk, and the free space at the destination
queue_targets(manager, targets, options)   one task per repository, in one transaction
```
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from hfsuite.app.download.operation import DownloadRequest, parse_target, plan
from hfsuite.app.hub.catalog import import_batch
from hfsuite.app.queue.tasks import TaskOptions, spec_for
from hfsuite.core.destination import Destination
from hfsuite.core.errors import HfSuiteError, UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.sources.names import NameKind

if TYPE_CHECKING:
    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.app.suite import Suite


@dataclass(frozen=True)
class AddTarget:
    """One repository to add, as read from a line.

    Attributes:
        text: The line as written.
        ref: The repository.
        paths: Files or folders the line named (empty: the whole repository).
    """

    text: str
    ref: RepoRef
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineError:
    """A line that names nothing the queue can download."""

    line_no: int
    text: str
    message: str

    def __str__(self) -> str:
        return tr("line {n}: {message}", n=self.line_no, message=self.message)


@dataclass(frozen=True)
class PlanFile:
    """One file of a preview.

    Attributes:
        path: Path in the repository.
        size_bytes: Its size.
        missing_bytes: Bytes still to fetch (0: already complete on disk).
    """

    path: str
    size_bytes: int
    missing_bytes: int


@dataclass(frozen=True)
class TargetPlan:
    """The dry-run plan of one target (or why it could not be planned)."""

    target: AddTarget
    destination: Destination
    commit: str | None = None
    files: tuple[PlanFile, ...] = ()
    error: str | None = None

    @property
    def total_bytes(self) -> int:
        """Size of every planned file."""
        return sum(f.size_bytes for f in self.files)

    @property
    def missing_bytes(self) -> int:
        """Bytes still to download."""
        return sum(f.missing_bytes for f in self.files)


@dataclass(frozen=True)
class AddPreview:
    """Dry-run plans of every target and the free space where they go.

    Attributes:
        plans: One per target, in order.
        free_bytes: Free space per destination volume (by an existing folder on it).
    """

    plans: tuple[TargetPlan, ...]
    free_bytes: dict[str, int] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        """Size of every planned file of every target."""
        return sum(p.total_bytes for p in self.plans)

    @property
    def missing_bytes(self) -> int:
        """Bytes still to download, all targets together."""
        return sum(p.missing_bytes for p in self.plans)

    @property
    def min_free_bytes(self) -> int | None:
        """The least free space among the destinations (None when unknown)."""
        return min(self.free_bytes.values()) if self.free_bytes else None


def read_targets(suite: Suite, text: str) -> tuple[list[AddTarget], list[LineError]]:
    """Read names, one per line (blank lines and ``#`` comments skipped).

    A line naming a file or folder of a repository becomes a target with that path; two lines of
    the same repository and revision are merged. Only Hugging Face repositories can be queued
    in this version; other lines are reported as errors.
    """
    batch = import_batch(suite, text)
    errors = [LineError(e.line_no, e.text, e.message) for e in batch.errors]
    targets: dict[RepoRef, AddTarget] = {}
    for item in batch.items:
        name = item.name
        if name.ref is None or name.ref.source is not SourceKind.HUGGINGFACE:
            errors.append(
                LineError(
                    item.line_no,
                    item.text,
                    tr("Only Hugging Face repositories can be queued in this version."),
                )
            )
            continue
        paths = (name.path,) if name.kind in (NameKind.FILE, NameKind.FOLDER) and name.path else ()
        known = targets.get(name.ref)
        if known is None:
            targets[name.ref] = AddTarget(item.text, name.ref, paths)
        elif known.paths and paths:
            targets[name.ref] = replace(known, paths=(*known.paths, *paths))
        else:  # one of the lines asks for the whole repository
            targets[name.ref] = replace(known, paths=())
    return list(targets.values()), sorted(errors, key=lambda e: e.line_no)


def read_names(
    suite: Suite,
    text: str,
    repo_type: RepoType | None = None,
    revision: str | None = None,
) -> tuple[list[AddTarget], list[LineError]]:
    """Read names one per line as ``hfsuite queue add`` takes them: every source
    :func:`~hfsuite.app.download.operation.parse_target` reads (Hub, ModelScope, plain file
    URLs), with ``repo_type`` and ``revision`` applied to each.

    A line that names nothing downloadable is reported by number and the others are still read
    (blank lines and ``#`` comments skipped, as in :func:`read_targets`).
    """
    batch = import_batch(suite, text)
    errors = [LineError(e.line_no, e.text, e.message) for e in batch.errors]
    targets: list[AddTarget] = []
    for item in batch.items:
        try:
            ref, paths = parse_target(suite, item.text, repo_type, revision)
        except UsageError as exc:
            errors.append(LineError(item.line_no, item.text, exc.message))
            continue
        targets.append(AddTarget(item.text, ref, tuple(paths)))
    return targets, sorted(errors, key=lambda e: e.line_no)


def check_subfolders(targets: Sequence[AddTarget], options: TaskOptions) -> None:
    """Refuse targets that would share a subfolder (``org/model`` and ``other/model``).

    Raises:
        UsageError: naming two repositories whose files would overwrite each other.
    """
    seen: dict[Path, str] = {}
    for target in targets:
        destination = options_for(options, target, subfolders=True).destination
        if destination is None or destination.is_hf_cache:
            return
        owner = seen.setdefault(destination.path, target.ref.repo_id)
        if owner != target.ref.repo_id:
            raise UsageError(
                tr(
                    "{owner} and {repo} would both go to {path}.",
                    owner=owner,
                    repo=target.ref.repo_id,
                    path=destination.path,
                ),
                hint=tr("Add them in two commands with different --local-dir folders."),
            )


def request_of(
    suite: Suite, target: AddTarget, options: TaskOptions, *, subfolders: bool = False
) -> DownloadRequest:
    """The download request a target becomes with these options (as the queue will run it)."""
    spec = spec_for(target.ref, options_for(options, target, subfolders), suite.settings)
    return DownloadRequest(
        ref=target.ref,
        paths=spec.files or (),
        include=list(spec.include) or None,
        exclude=list(spec.exclude) or None,
        destination=Destination.from_stored(spec.layout, spec.destination),
    )


def preview(
    suite: Suite,
    targets: Sequence[AddTarget],
    options: TaskOptions,
    *,
    subfolders: bool = False,
) -> AddPreview:
    """Dry-run plans (nothing written) of every target, and the free space where they go.

    ``subfolders``: with a folder as ``options.destination``, each repository goes to its own
    folder in it (``<folder>/<name>``) rather than all into one. A target that cannot be planned
    (missing, gated, offline…) carries its error message; the others are still planned.
    """
    suite.prepare_network()
    plans: list[TargetPlan] = []
    free: dict[str, int] = {}
    for target in targets:
        request = request_of(suite, target, options, subfolders=subfolders)
        assert request.destination is not None  # request_of always says where
        destination = request.destination
        try:
            _, _, download_plan = plan(suite, request, dry_run=True)
        except HfSuiteError as exc:
            plans.append(TargetPlan(target, destination, error=str(exc)))
            continue
        files = tuple(
            PlanFile(f.remote.path, f.remote.size, f.missing_bytes) for f in download_plan.files
        )
        plans.append(TargetPlan(target, destination, download_plan.snapshot.commit, files))
        folder = _existing_ancestor(destination.path)
        free.setdefault(str(folder), shutil.disk_usage(folder).free)
    return AddPreview(tuple(plans), _one_per_volume(free))


def queue_targets(
    manager: DownloadManager,
    targets: Sequence[AddTarget],
    options: TaskOptions,
    *,
    subfolders: bool = False,
) -> list[int]:
    """Add one task per target (one transaction). Returns the new task ids."""
    settings = manager.suite.settings
    specs = [spec_for(t.ref, options_for(options, t, subfolders), settings) for t in targets]
    return manager.add(specs) if specs else []


def queue_each(
    manager: DownloadManager,
    pairs: Sequence[tuple[AddTarget, TaskOptions]],
    profile_id: int | None = None,
) -> list[int]:
    """Add one task per target with options of its own (``--to lmstudio:llm``: a folder named
    after each repository), linked to the profile used, if any (one transaction)."""
    settings = manager.suite.settings
    specs = [
        replace(spec_for(t.ref, options_for(o, t), settings), profile_id=profile_id)
        for t, o in pairs
    ]
    return manager.add(specs) if specs else []


def options_for(options: TaskOptions, target: AddTarget, subfolders: bool = False) -> TaskOptions:
    """The options of one target: its own paths, and its own subfolder when asked."""
    if target.paths:
        options = replace(options, paths=target.paths)
    chosen = options.destination
    if subfolders and chosen is not None and not chosen.is_hf_cache:
        options = replace(options, destination=chosen.subfolder(target.ref.repo_id.split("/")[-1]))
    return options


def _existing_ancestor(path: Path) -> Path:
    path = path.expanduser().absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _one_per_volume(free: dict[str, int]) -> dict[str, int]:
    seen: dict[int, str] = {}
    out: dict[str, int] = {}
    for folder, value in free.items():
        dev = os.stat(folder).st_dev
        if dev not in seen:
            seen[dev] = folder
            out[folder] = value
    return out
