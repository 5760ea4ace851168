"""An example hfsuite plugin: checksums beside downloads, the ExampleTool detector, and a
notification log. Registered by the ``hfsuite.plugins`` entry point ``example``."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from hfsuite.app.plugins import CompletedDownload, TaskNotice, hookimpl
from hfsuite.integrations.tools.host import Host
from hfsuite.integrations.tools.model import DetectedTool

__version__ = "0.1.0"

MARKER = "exampletool.marker"
"""The file that makes a folder an ExampleTool install (its first line: the version)."""
KINDS = ("checkpoints", "loras")
_CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@hookimpl
def hfsuite_post_download(download: CompletedDownload) -> None:
    """Write ``<file>.sha256`` (``sha256sum`` format) beside every file of the download."""
    for item in download.files:
        path = Path(item.local_path)
        if not path.is_file():
            continue
        line = f"{sha256_of(path)}  {path.name}\n"
        target = path.with_name(path.name + ".sha256")
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(line, encoding="utf-8")
        os.replace(tmp, target)


@hookimpl
def hfsuite_detect_tools(host: Host) -> list[DetectedTool]:
    """ExampleTool at ``$EXAMPLETOOL_HOME`` or ``~/ExampleTool`` (a folder with the marker)."""
    found: list[DetectedTool] = []
    for root in (host.var_path("EXAMPLETOOL_HOME"), host.home / "ExampleTool"):
        if root is None or not (root / MARKER).is_file():
            continue
        if any(t.root == root for t in found):
            continue
        version = (root / MARKER).read_text(encoding="utf-8").strip().splitlines()
        folders = {kind: [root / "models" / kind] for kind in KINDS}
        found.append(
            DetectedTool(
                name="exampletool",
                kind="exampletool",
                version=version[0] if version else None,
                root=root,
                folders=folders,
                default_folder={kind: paths[0] for kind, paths in folders.items()},
                config_files=[root / MARKER],
                notes=["found by the hfsuite-example-plugin plugin"],
                variant="plugin",
            )
        )
    return found


@hookimpl
def hfsuite_notify(notice: TaskNotice) -> None:
    """Append the notice as a JSON line to ``$HFSUITE_EXAMPLE_NOTIFY_FILE`` (when set)."""
    target = os.environ.get("HFSUITE_EXAMPLE_NOTIFY_FILE")
    if not target:
        return
    record = {
        "event": notice.event,
        "task_id": notice.task_id,
        "repo": notice.repo,
        "error": notice.error,
        "files": notice.files,
    }
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
