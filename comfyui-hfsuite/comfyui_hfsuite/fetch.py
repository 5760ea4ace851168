"""``POST /hfsuite/fetch_missing``: download every model the open workflow names and lacks.

The frontend (``web/js/hfsuite.js``, menu entry "Fetch missing models (hfsuite)") posts
``{"workflow": app.graph.serialize()}``. The route writes it to a temporary file and runs
``hfsuite comfyui fetch FILE --comfyui BASE --yes --json`` with this Python
(``sys.executable -m hfsuite``), in a worker thread so ComfyUI's event loop keeps serving, and
answers::

    {"ok": true, "exit_code": 0, "result": <the command's JSON document>, "error": null}

``result`` is the command's JSON (docs/comfyui.md); on a failure ``ok`` is false, ``error``
the command's message and ``result`` its JSON error document when it printed one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import comfy

log = logging.getLogger(__name__)

ROUTE = "/hfsuite/fetch_missing"

Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]
"""Runs a command to its end and returns it with its output as text."""


def fetch_command(
    workflow_file: str | os.PathLike[str],
    comfyui_base: str | os.PathLike[str],
    python: str | None = None,
) -> list[str]:
    """The command line that fetches ``workflow_file``'s missing models into ``comfyui_base``."""
    return [
        python or sys.executable, "-m", "hfsuite", "comfyui", "fetch",
        str(workflow_file), "--comfyui", str(comfyui_base), "--yes", "--json",
    ]  # fmt: skip


def _run(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        list(command), capture_output=True, text=True, encoding="utf-8", env=env, check=False
    )


def _json_document(text: str) -> Any:
    """The command's JSON: the whole output, else its last line that is JSON (JSON lines)."""
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    for line in reversed(text.splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


def _error_text(completed: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (completed.stderr or "").splitlines() if line.strip()]
    return "\n".join(lines[-5:]) or f"hfsuite exited with code {completed.returncode}"


def fetch_missing(
    workflow: dict[str, Any], comfyui_base: str | os.PathLike[str], run: Runner | None = None
) -> dict[str, Any]:
    """Run the fetch command for ``workflow`` (blocking); the route's answer."""
    with tempfile.TemporaryDirectory(prefix="hfsuite-fetch-") as folder:
        workflow_file = Path(folder) / "workflow.json"
        workflow_file.write_text(json.dumps(workflow), encoding="utf-8")
        command = fetch_command(workflow_file, comfyui_base)
        log.info("hfsuite: %s", " ".join(command))
        completed = (run or _run)(command)
    ok = completed.returncode == 0
    return {
        "ok": ok,
        "exit_code": completed.returncode,
        "result": _json_document(completed.stdout or ""),
        "error": None if ok else _error_text(completed),
    }


@dataclass
class JsonAnswer:
    """The route's answer where aiohttp is not importable (tests)."""

    payload: dict[str, Any]
    status: int = 200


def _answer(payload: dict[str, Any], status: int = 200) -> Any:
    try:
        from aiohttp import web
    except ImportError:
        return JsonAnswer(payload, status)
    return web.json_response(payload, status=status)


async def fetch_missing_route(
    request: Any, *, comfyui_base: str | None = None, run: Runner | None = None
) -> Any:
    """The aiohttp handler of ``POST /hfsuite/fetch_missing``.

    The body is ``{"workflow": {...}}`` (or the workflow itself); ComfyUI's base folder is
    ``folder_paths.base_path`` unless ``comfyui_base`` is given.
    """
    try:
        body = await request.json()
    except ValueError:
        return _answer({"ok": False, "error": "The request body is not JSON."}, 400)
    workflow = body.get("workflow", body) if isinstance(body, dict) else None
    if not isinstance(workflow, dict) or not workflow:
        return _answer({"ok": False, "error": 'Post {"workflow": <the workflow JSON>}.'}, 400)
    base = comfyui_base or comfy.folder_paths().base_path
    loop = asyncio.get_running_loop()
    answer = await loop.run_in_executor(None, fetch_missing, workflow, base, run)
    return _answer(answer, 200 if answer["ok"] else 500)


def register_routes() -> bool:
    """Add the route to ComfyUI's server; False outside ComfyUI (nothing to add it to)."""
    server = comfy.prompt_server()
    if server is None:
        return False
    server.routes.post(ROUTE)(fetch_missing_route)
    return True
