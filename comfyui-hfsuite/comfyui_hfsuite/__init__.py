"""HF Download Suite nodes for ComfyUI: the download node and the fetch-missing-models route.

Importable without ComfyUI (its modules are looked up when a node runs or the routes are
registered), so the pack can be tested, and imported by ``pip``-installed code, anywhere.
"""

from __future__ import annotations

from pathlib import Path

from .download import HFDownloadNode, download_file
from .fetch import ROUTE, fetch_command, fetch_missing, fetch_missing_route, register_routes

NODE_CLASS_MAPPINGS = {"HFSuiteDownload": HFDownloadNode}
NODE_DISPLAY_NAME_MAPPINGS = {"HFSuiteDownload": "HF Download (hfsuite)"}

WEB_DIRECTORY = str(Path(__file__).resolve().parent.parent / "web" / "js")
"""The frontend extension, for a loader that imports this package directly."""

__all__ = [
    "NODE_CLASS_MAPPINGS",
    "NODE_DISPLAY_NAME_MAPPINGS",
    "ROUTE",
    "WEB_DIRECTORY",
    "HFDownloadNode",
    "download_file",
    "fetch_command",
    "fetch_missing",
    "fetch_missing_route",
    "register_routes",
]
