"""``hfsuite demo``: the whole product at work, offline, in a minute, touching nothing outside
its sandbox.

The built-in Hub emulator serves two generated repositories (:mod:`.repos`); the suite's own
commands then run against it as separate processes in the sandbox's environment
(:mod:`.sandbox`), exactly as a user would type them: a download into the HF cache with
progress, three queued downloads into a ComfyUI folder (its checkpoint, LoRA and a workflow that
loads both), the queue and the history. The command line (``cli/demo_cmd.py``) prints the steps
and runs them; this package says what they are and serves the Hub.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hfsuite.app.demo.repos import (
    CHECKPOINT,
    DIFFUSION_REPO,
    LLM_REPO,
    LORA,
    WORKFLOW,
    DemoRepo,
    serve_demo_repos,
)
from hfsuite.app.demo.sandbox import DemoSandbox, close_sandbox, open_sandbox
from hfsuite.app.demo.workflow import missing_models
from hfsuite.testing import HubEmulator

__all__ = [
    "DemoFile",
    "DemoSandbox",
    "DemoStep",
    "close_sandbox",
    "demo_files",
    "demo_hub",
    "demo_steps",
    "open_sandbox",
    "workflow_check",
]

#: Default speed of each connection to the demo Hub: slow enough to watch the segments move.
DEFAULT_SPEED_BPS = 2 * 1024 * 1024


@dataclass(frozen=True)
class DemoStep:
    """One command the demo runs.

    Attributes:
        title: What it shows, in a few words.
        args: The ``hfsuite`` arguments.
    """

    title: str
    args: tuple[str, ...]


@contextlib.contextmanager
def demo_hub(per_connection_bps: float | None) -> Iterator[tuple[HubEmulator, list[DemoRepo]]]:
    """Serve the demo's repositories on loopback until the block ends (even on Ctrl-C).

    Args:
        per_connection_bps: Speed cap of each connection (None: as fast as the machine goes).
    """
    hub = HubEmulator(per_connection_bps=per_connection_bps).start()
    try:
        repos = serve_demo_repos(hub)
        hub.prehash()  # the weights' sha256, ready before the first client asks for it
        yield hub, repos
    finally:
        hub.stop()


def demo_steps(sandbox: DemoSandbox) -> list[DemoStep]:
    """The commands the demo runs, in order."""
    models, user = sandbox.comfyui_models, sandbox.comfyui_user
    return [
        DemoStep(
            "Download a model into the HF cache (several connections per file, verified)",
            ("download", LLM_REPO),
        ),
        DemoStep(
            "Queue the diffusion model's checkpoint for ComfyUI",
            ("queue", "add", DIFFUSION_REPO, "--include", CHECKPOINT,
             "--local-dir", str(models / "checkpoints")),
        ),
        DemoStep(
            "Queue its LoRA",
            ("queue", "add", DIFFUSION_REPO, "--include", LORA,
             "--local-dir", str(models / "loras")),
        ),
        DemoStep(
            "Queue the ComfyUI workflow that uses both",
            ("queue", "add", DIFFUSION_REPO, "--include", WORKFLOW, "--local-dir", str(user)),
        ),
        DemoStep("Run the queue (its tasks at once, with progress)", ("queue", "run")),
        DemoStep("The queue afterwards", ("queue", "ls")),
        DemoStep("The history", ("history", "ls")),
    ]  # fmt: skip


@dataclass(frozen=True)
class DemoFile:
    """A file the demo downloaded.

    Attributes:
        place: Who finds it there (``HF cache``, ``ComfyUI``).
        folder: The folder the place starts at (in the HF cache, the snapshot).
        path: The file, relative to ``folder``.
        size: Its size in bytes.
    """

    place: str
    folder: Path
    path: Path
    size: int


def demo_files(sandbox: DemoSandbox) -> list[DemoFile]:
    """The files the demo's downloads left, where the tools that use them look."""
    found: list[DemoFile] = []
    snapshots = sandbox.hub_cache / f"models--{LLM_REPO.replace('/', '--')}" / "snapshots"
    for snapshot in sorted(snapshots.glob("*")):
        found += _files("HF cache", snapshot, snapshot.rglob("*"))
    comfyui = sandbox.comfyui
    for folder in (
        sandbox.comfyui_models / "checkpoints",
        sandbox.comfyui_models / "loras",
        sandbox.comfyui_user / "workflows",
    ):
        found += _files("ComfyUI", comfyui, folder.glob("*"))
    return found


def _files(place: str, folder: Path, paths: Iterable[Path]) -> list[DemoFile]:
    return [
        DemoFile(place, folder, path.relative_to(folder), path.stat().st_size)
        for path in sorted(paths)
        if path.is_file()
    ]


def workflow_check(sandbox: DemoSandbox) -> list[tuple[str, str]] | None:
    """The models the downloaded workflow loads that ComfyUI would not find (None: no
    workflow was downloaded)."""
    path = sandbox.comfyui_user / WORKFLOW
    if not path.is_file():
        return None
    return missing_models(json.loads(path.read_text(encoding="utf-8")), sandbox.comfyui_models)
