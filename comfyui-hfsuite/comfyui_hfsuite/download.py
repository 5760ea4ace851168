"""The node "HF Download (hfsuite)": one Hub file into one of ComfyUI's model folders.

The download is the suite's own, in this process: the same request ``hfsuite download REPO
FILE --to comfyui:KIND`` makes (parsed by :func:`hfsuite.app.download.operation.parse_target`),
run as a queue task outside the queue's slots (:meth:`DownloadManager.start_download`), so it
is resumable, verified, and listed in ``hfsuite history``. The file lands by name in the
folder's first (default) path — ``split_files/loras/x.safetensors`` becomes
``<loras>/x.safetensors`` — and the node outputs the name ComfyUI's loader combos list
(``x.safetensors``, or ``SUBFOLDER/x.safetensors``). A file already there with the Hub's size
is not downloaded again.

The endpoint and token are the suite's: its settings, ``HF_ENDPOINT``, ``HF_TOKEN`` or
``hf auth login``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any

from . import comfy

log = logging.getLogger(__name__)

NOT_MODEL_FOLDERS = frozenset({"custom_nodes"})
"""``folder_paths`` keys that are no place for a model."""

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes done, bytes in all)."""


def model_folder_keys(folder_paths: ModuleType | None = None) -> list[str]:
    """ComfyUI's model folder keys (``checkpoints``, ``loras``…), sorted, for the node's combo."""
    module = folder_paths or comfy.folder_paths()
    return sorted(k for k in module.folder_names_and_paths if k not in NOT_MODEL_FOLDERS)


def _checked_subfolder(subfolder: str) -> str:
    """``subfolder`` as a relative POSIX path inside the folder ('' for none).

    Raises:
        ValueError: an absolute path or one that climbs out with ``..``.
    """
    text = subfolder.strip().replace("\\", "/").strip("/")
    if not text:
        return ""
    parts = PurePosixPath(text).parts
    if subfolder.strip().startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
        raise ValueError(f"subfolder {subfolder!r} must be a folder name inside the model folder")
    return "/".join(p for p in parts if p not in ("", "."))


def download_file(
    repo_id: str,
    filename: str,
    revision: str = "main",
    folder: str = "checkpoints",
    subfolder: str = "",
    *,
    folder_paths: ModuleType | None = None,
    on_progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    overrides: dict[str, Any] | None = None,
) -> str:
    """Download ``filename`` of ``repo_id`` at ``revision`` into ComfyUI's ``folder``.

    Args:
        repo_id: ``org/name`` (any name ``hfsuite download`` takes: ``datasets/…``, a Hub URL,
            also of the file itself).
        filename: The file's path in the repository (empty when ``repo_id`` is the file's URL).
        revision: Branch, tag or commit.
        folder: A ``folder_paths`` key; the file goes to its first (default) path.
        subfolder: A folder inside that one (``sdxl``), or empty.
        folder_paths: ComfyUI's module (default: the one ComfyUI loaded).
        on_progress: Called with (bytes done, bytes in all) while bytes move.
        cancelled: Polled while downloading; True cancels (partial data kept to resume).
        overrides: Settings over the saved ones (e.g. ``{"endpoint": URL}``).

    Returns:
        The file's name relative to the folder, as ComfyUI's loaders list it.

    Raises:
        ValueError: an unknown folder key, a bad subfolder, no repo or no file named.
        HfSuiteError: what the download raised (not found, refused, no space…), its message
            one line a person can act on.
    """
    from hfsuite.app.download.operation import DownloadRequest, parse_target
    from hfsuite.app.suite import Suite

    module = folder_paths or comfy.folder_paths()
    if folder not in module.folder_names_and_paths or folder in NOT_MODEL_FOLDERS:
        raise ValueError(f"{folder!r} is not one of ComfyUI's model folders")
    if not repo_id.strip():
        raise ValueError("repo_id is needed: org/name, or a Hub URL of the file")
    root = Path(module.get_folder_paths(folder)[0])
    inner = _checked_subfolder(subfolder)
    target_dir = root / inner if inner else root
    suite = Suite.open(overrides)
    try:
        text = repo_id.strip()
        rev = revision.strip() or None
        if "://" in text and rev == "main":
            rev = None  # the default gives way to the revision a URL names
        ref, named = parse_target(suite, text, None, rev)
        path = filename.strip().lstrip("/") or (named[0] if named else "")
        if not path:
            raise ValueError("filename is needed: the file's path in the repository")
        if named and named != [path]:
            raise ValueError(f"repo_id {repo_id!r} already names a file: {named[0]}")
        request = DownloadRequest(
            ref=ref, paths=[path], destination=_destination(folder, target_dir)
        )
        final = target_dir / PurePosixPath(path).name
        if not _already_there(suite, request, path, final):
            final = _download(suite, request, path, on_progress, cancelled)
    finally:
        suite.close()
    return os.path.relpath(final, root)


def target_state(repo_id: str, filename: str, folder: str, subfolder: str = "") -> str:
    """The file the node would write, as ``size:mtime`` (``absent`` when it is not there)."""
    try:
        module = comfy.folder_paths()
        root = Path(module.get_folder_paths(folder)[0])
        inner = _checked_subfolder(subfolder)
    except (KeyError, IndexError, RuntimeError, ValueError):
        return "absent"
    name = PurePosixPath(
        (filename.strip() or repo_id.strip()).replace("\\", "/").split("?")[0]
    ).name
    target = (root / inner if inner else root) / name
    try:
        stat = target.stat()
    except OSError:
        return "absent"
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _destination(folder: str, target_dir: Path) -> Any:
    """A ComfyUI tool folder for a model kind the suite knows; any other key (a pack's own
    folder) a plain folder recorded as taking files by name, the same layout."""
    from hfsuite.app.download.destinations import remember_by_name
    from hfsuite.core.destination import MODEL_KINDS, Destination

    if folder in MODEL_KINDS:
        destination = Destination.tool_folder("comfyui", folder, target_dir)
    else:
        destination = Destination.folder(target_dir)
    remember_by_name(target_dir, "comfyui", folder)
    return destination


def _already_there(suite: Any, request: Any, path: str, final: Path) -> bool:
    """Whether ``final`` exists with the size the Hub reports for ``path`` (no download).

    Offline (``HF_HUB_OFFLINE``, the ``offline`` setting) or with the Hub out of reach, a file
    that is there is taken as it is: the workflow runs on what the folder has.
    """
    if not final.is_file():
        return False
    from hfsuite.app.download.sources import make_source
    from hfsuite.core.errors import NetworkError, ServerError

    if suite.settings.offline:
        return True
    try:
        remote = make_source(suite, request).file_metadata(request.ref, path)
    except (NetworkError, ServerError) as exc:
        log.warning("hfsuite: %s; using %s as it is", exc, final)
        return True
    same = final.stat().st_size == remote.size
    if same:
        log.info("hfsuite: %s is already in %s (%d bytes)", path, final.parent, remote.size)
    return same


def _download(
    suite: Any,
    request: Any,
    path: str,
    on_progress: ProgressCallback | None,
    cancelled: Callable[[], bool] | None,
) -> Path:
    """Run the download as a queue task now; the file's final path."""
    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.core.errors import HfSuiteError, NotFoundError, UsageError
    from hfsuite.core.events import FileCompleted, TransferProgressed

    placed: dict[str, str] = {}

    def on_event(event: object) -> None:
        if isinstance(event, TransferProgressed) and on_progress is not None:
            on_progress(event.done_bytes, event.total_bytes)
        elif isinstance(event, FileCompleted):
            placed[event.path] = event.local_path
            if on_progress is not None:
                on_progress(event.size, event.size)

    manager = DownloadManager(suite)
    running = manager.start_download(request, on_event=on_event)
    while not running.wait(0.25):
        if cancelled is not None and cancelled():
            running.cancel()
            running.wait()
    try:
        outcome = running.result()
    except HfSuiteError as exc:
        task = manager.get(running.task_id)
        if (
            isinstance(exc, (UsageError, NotFoundError))
            and task is not None
            and not task.bytes_done
        ):
            manager.remove([running.task_id])  # as hfsuite download: nothing worth retrying
        raise
    local = outcome.local_paths.get(path) or placed.get(path)
    if local is None:  # pragma: no cover - a finished download always places its file
        raise RuntimeError(f"hfsuite finished without placing {path}")
    return Path(local)


class HFDownloadNode:
    """ComfyUI node: a Hugging Face Hub file into a model folder; outputs its name there."""

    CATEGORY = "hfsuite"
    FUNCTION = "download"
    RETURN_TYPES = ("STRING",)
    RETURN_NAMES = ("filename",)
    OUTPUT_NODE = True
    DESCRIPTION = (
        "Download a file from the Hugging Face Hub into a ComfyUI model folder with HF Download "
        "Suite (resumable, verified). Outputs the name the loader nodes list. A file already "
        "there with the same size is not downloaded again."
    )

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:
        keys = model_folder_keys()
        return {
            "required": {
                "repo_id": ("STRING", {"default": "", "tooltip": "org/name on the Hub"}),
                "filename": ("STRING", {"default": "", "tooltip": "the file's path in the repo"}),
                "revision": ("STRING", {"default": "main"}),
                "folder": (keys, {"default": "checkpoints" if "checkpoints" in keys else keys[0]}),
            },
            "optional": {
                "subfolder": ("STRING", {"default": "", "tooltip": "a folder inside it"}),
            },
        }

    @classmethod
    def IS_CHANGED(
        cls,
        repo_id: str,
        filename: str,
        revision: str = "main",
        folder: str = "checkpoints",
        subfolder: str = "",
    ) -> str:
        """What ComfyUI compares to decide whether to run the node again with the same
        inputs: the target file's size and time, so a file removed since is fetched again."""
        return target_state(repo_id, filename, folder, subfolder or "")

    def download(
        self,
        repo_id: str,
        filename: str,
        revision: str = "main",
        folder: str = "checkpoints",
        subfolder: str = "",
    ) -> tuple[str]:
        bar: Any = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if total <= 0:
                return
            if bar is None:
                bar = comfy.progress_bar(total)
                if bar is None:
                    bar = False  # no ComfyUI progress here
            if bar:
                bar.update_absolute(done, total)

        name = download_file(
            repo_id,
            filename,
            revision,
            folder,
            subfolder or "",
            on_progress=progress,
            cancelled=comfy.interrupted,
        )
        return (name,)
