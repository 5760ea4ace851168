"""Downloads and queue tasks that name a profile or a tool (``--profile``, ``--to``): the
calls the command line and the window share, with the same parameters.

* :func:`request_with_target`: a :class:`~hfsuite.app.download.operation.DownloadRequest`
  sent where ``profile``/``to`` say, the profile's defaults under what the request already
  asks for;
* :func:`queue_with_target`: queue tasks the same way (each repository placed on its own: LM
  Studio names a folder after each), linked to the profile.

Both record in a tool folder that files go there by name before anything runs (see
:func:`hfsuite.app.download.destinations.remember_by_name`), and refuse everything when one
part cannot be placed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from hfsuite.app.download.operation import DownloadRequest
from hfsuite.app.profiles import DownloadTarget, ProfileService, resolve_download_target
from hfsuite.app.queue.add_ops import AddTarget, queue_each
from hfsuite.app.queue.tasks import TaskOptions

if TYPE_CHECKING:
    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.app.suite import Suite

__all__ = ["queue_with_target", "request_with_target"]


def request_with_target(
    suite: Suite,
    request: DownloadRequest,
    *,
    profile: str | None = None,
    to: str | None = None,
    subfolder: str | None = None,
    dry_run: bool = False,
    service: ProfileService | None = None,
) -> tuple[DownloadRequest, DownloadTarget | None]:
    """``request`` sent where ``profile`` or ``to`` say (unchanged when neither is given).

    The request's own ``include``, ``exclude``, ``connections`` and ``limit_bps`` win over the
    profile's; its ``destination`` must be None then (``--local-dir`` and a profile both say
    where the files go). Unless ``dry_run``, a tool folder is recorded as taking files by name.

    Raises:
        UsageError: see :func:`hfsuite.app.profiles.resolve_download_target`.
    """
    target = resolve_download_target(
        suite,
        request.ref,
        profile=profile,
        to=to,
        subfolder=subfolder,
        chosen=request.destination,
        service=service,
    )
    if target is None:
        return request, None
    defaults = target.defaults
    placed = replace(
        request,
        destination=target.destination,
        include=request.include or (list(defaults.include) or None),
        exclude=request.exclude or (list(defaults.exclude) or None),
        connections=request.connections or defaults.connections,
        limit_bps=request.limit_bps if request.limit_bps is not None else defaults.limit_bps,
    )
    if not dry_run:
        target.remember()
    return placed, target


def queue_with_target(
    manager: DownloadManager,
    targets: Sequence[AddTarget],
    options: TaskOptions,
    *,
    profile: str | None = None,
    to: str | None = None,
    subfolder: str | None = None,
    service: ProfileService | None = None,
) -> list[int]:
    """Queue one task per target where ``profile`` or ``to`` say (one transaction); the
    options' own filters and limits win over the profile's. Returns the new task ids.

    Raises:
        UsageError: see :func:`hfsuite.app.profiles.resolve_download_target`; nothing is added.
    """
    suite = manager.suite
    service = service or ProfileService(suite)
    placed: list[tuple[AddTarget, TaskOptions]] = []
    found: list[DownloadTarget] = []
    for target in targets:
        where = resolve_download_target(
            suite,
            target.ref,
            profile=profile,
            to=to,
            subfolder=subfolder,
            chosen=options.destination,
            service=service,
        )
        if where is None:  # neither given: the options as they are
            placed.append((target, options))
            continue
        defaults = where.defaults
        own = replace(
            options,
            destination=where.destination,
            include=options.include or defaults.include,
            exclude=options.exclude or defaults.exclude,
            connections=options.connections or defaults.connections,
            limit_bps=options.limit_bps if options.limit_bps is not None else defaults.limit_bps,
        )
        placed.append((target, own))
        found.append(where)
    for where in found:
        where.remember()
    used = next((w.profile for w in found if w.profile is not None), None)
    return queue_each(manager, placed, used.id if used else None)
