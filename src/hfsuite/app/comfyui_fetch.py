"""``hfsuite comfyui fetch``: download every resolved missing model of a workflow into the
folder ComfyUI loads it from.

One step per destination file (two nodes naming the same file make one download). Each step
is a download like ``hfsuite download --to comfyui:KEY`` makes: a queue task run now, in
history when done, partial data kept when interrupted. A Hub file lands by its name in the
key's download folder (with the reference's subfolder); a file whose name differs from the
reference's (an embedding named without extension, a URL naming another file) is then renamed
to it. A SHA-256 the workflow declares is checked before a Hub download (against the hash the
Hub lists: another one fails the step, nothing is downloaded) and after every download: a file
that differs is moved aside (``<name>.sha256-mismatch``) and the step fails.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hfsuite.app.comfyui_missing import MissingItem, MissingReport
from hfsuite.app.download.destinations import remember_by_name
from hfsuite.app.download.operation import DownloadRequest, plan
from hfsuite.core.destination import MODEL_KINDS, Destination
from hfsuite.core.errors import HfSuiteError, IntegrityError, OperationCancelled
from hfsuite.core.events import Event
from hfsuite.core.i18n import tr
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.integrations.comfyui.names import canonical_folder
from hfsuite.integrations.comfyui.resolve import Candidate

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite
    from hfsuite.app.tools import DetectedTool

__all__ = ["FetchStep", "plan_fetch", "run_fetch"]

_INTERRUPTED = "Interrupted. Partial data is kept: run the same command again to resume."


@dataclass
class FetchStep:
    """One file to download: where, from where, for which references.

    Attributes:
        destination: The file's final path.
        key: The ComfyUI folder key.
        candidate: Where it comes from.
        items: The references it satisfies.
        result: ``planned``, ``downloaded`` or ``failed``.
        error: Why it failed.
    """

    destination: Path
    key: str
    candidate: Candidate
    items: list[MissingItem] = field(default_factory=list)
    result: str = "planned"
    error: HfSuiteError | None = None


def plan_fetch(report: MissingReport) -> list[FetchStep]:
    """The downloads ``fetch`` makes: each resolved missing reference, one per destination."""
    steps: dict[Path, FetchStep] = {}
    for item in report.missing:
        key = canonical_folder(item.ref.folder)
        if item.resolution is None or item.destination is None or key is None:
            continue
        step = steps.get(item.destination)
        if step is None:
            step = steps[item.destination] = FetchStep(item.destination, key, item.resolution)
        step.items.append(item)
    return list(steps.values())


def request_for(tool: DetectedTool, step: FetchStep) -> DownloadRequest:
    """The download request of a step: the file into the destination's folder, by name."""
    candidate = step.candidate
    folder = step.destination.parent
    name = tool.name if tool.name.replace("-", "").isalnum() else tool.kind
    destination = (
        Destination.tool_folder(name, step.key, folder)
        if step.key in MODEL_KINDS
        else Destination.folder(folder)
    )
    if candidate.kind == "hub" and candidate.repo_id and candidate.file:
        ref = RepoRef(candidate.repo_id, RepoType.MODEL, candidate.revision, SourceKind.HUGGINGFACE)
        return DownloadRequest(ref=ref, paths=[candidate.file], destination=destination)
    assert candidate.url is not None
    ref = RepoRef(candidate.url, RepoType.MODEL, None, SourceKind.URL)
    return DownloadRequest(ref=ref, destination=destination, expected_sha256=candidate.sha256)


def _declared_sha256(step: FetchStep) -> str | None:
    for item in step.items:
        ref = item.ref
        if ref.hash and ref.hash_type in (None, "sha256") and len(ref.hash) == 64:
            return ref.hash.lower()
    return step.candidate.sha256 if step.candidate.kind == "hub" else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _finish(step: FetchStep, landed: Path | None) -> None:
    """Rename the downloaded file to the reference's name, and check a declared hash.

    Raises:
        IntegrityError: the file's SHA-256 is not the declared one (it is moved aside).
    """
    if landed is not None and landed != step.destination and landed.is_file():
        if step.destination.exists():
            landed.unlink(missing_ok=True)
        else:
            os.replace(landed, step.destination)
    expected = _declared_sha256(step)
    if expected is None or not step.destination.is_file():
        return
    actual = _sha256(step.destination)
    if actual != expected:
        aside = step.destination.with_name(step.destination.name + ".sha256-mismatch")
        os.replace(step.destination, aside)
        raise IntegrityError(
            tr(
                "{name}: SHA-256 {actual} is not the {expected} the workflow declares; the file "
                "was moved to {aside}.",
                name=step.destination.name,
                actual=actual,
                expected=expected,
                aside=aside.name,
            ),
            hint=tr("The workflow's hash or its source is wrong; check where the file comes from."),
        )


def _check_listed_hash(suite: Suite, step: FetchStep, request: DownloadRequest) -> None:
    """Before a Hub download: the SHA-256 the Hub lists for the file must be the declared one.

    Raises:
        IntegrityError: it is another (nothing is downloaded).
    """
    expected = _declared_sha256(step)
    if expected is None or request.ref.source is not SourceKind.HUGGINGFACE:
        return
    _, _, listed = plan(suite, request, dry_run=True)
    for planned in listed.files:
        found = planned.remote.sha256
        if found and found.lower() != expected:
            raise IntegrityError(
                tr(
                    "{path} of {repo} has SHA-256 {found}, not the {expected} the workflow "
                    "declares; it was not downloaded.",
                    path=planned.remote.path,
                    repo=request.ref.repo_id,
                    found=found,
                    expected=expected,
                ),
                hint=tr(
                    "The workflow's hash or its URL is wrong; check where the file comes from."
                ),
            )


def run_fetch(
    suite: Suite,
    tool: DetectedTool,
    steps: list[FetchStep],
    *,
    on_event: Callable[[Event], None] | None = None,
    on_step: Callable[[FetchStep], None] | None = None,
    cancel: threading.Event | None = None,
    poll_s: float = 0.2,
) -> None:
    """Run the steps one after another, each as a queue task run now (``hfsuite download``'s
    way). A failed step is recorded in it and the next runs.

    Args:
        cancel: Set it (from another thread, e.g. a window's Cancel) to stop: the running
            download is cancelled, its partial data kept; the steps not run stay ``planned``.

    Raises:
        OperationCancelled: Ctrl-C or ``cancel`` (partial data kept).
    """
    from hfsuite.app.queue.manager import DownloadManager

    manager = DownloadManager(suite)
    for step in steps:
        if cancel is not None and cancel.is_set():
            raise OperationCancelled(_INTERRUPTED)
        request = request_for(tool, step)
        try:
            _check_listed_hash(suite, step, request)
            if request.destination is not None and step.key in MODEL_KINDS:
                remember_by_name(request.destination.path, tool.name, step.key)
            running = manager.start_download(request, on_event=on_event)
        except HfSuiteError as exc:
            step.result, step.error = "failed", exc
            if on_step:
                on_step(step)
            continue
        try:
            while not running.wait(poll_s):
                if cancel is not None and cancel.is_set():
                    raise KeyboardInterrupt
        except KeyboardInterrupt:
            running.cancel()
            running.wait()
            raise OperationCancelled(_INTERRUPTED) from None
        try:
            outcome = running.result()
            landed = next(iter(outcome.local_paths.values()), None)
            _finish(step, Path(landed) if landed else None)
            step.result = "downloaded"
        except OperationCancelled:
            raise OperationCancelled(_INTERRUPTED) from None
        except HfSuiteError as exc:
            step.result, step.error = "failed", exc
        if on_step:
            on_step(step)
