"""Finding every tool: the usual places of each, plus the folders a user added.

:func:`detect_all` looks everywhere and names what it finds (``comfyui``, ``comfyui-2``…);
:func:`detect_at` reads one folder, of a given kind or whichever kind its files show. Nothing
here raises for what is on disk: a folder that is no tool is ``None``, a broken config is a note.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hfsuite.core.i18n import tr
from hfsuite.integrations.tools import apps, comfyui, llm, stability, webui
from hfsuite.integrations.tools.host import Host, is_dir
from hfsuite.integrations.tools.model import TOOL_KINDS, DetectedTool

MARKERS: dict[str, str] = {
    "comfyui": "main.py, folder_paths.py and comfy/ (or a ComfyUI/ folder holding them)",
    "a1111": "webui.py, launch.py and modules/",
    "forge": "webui.py, launch.py, modules/ and modules_forge/",
    "sdnext": "webui.py, installer.py and modules/",
    "invokeai": "invokeai.yaml",
    "fooocus": "fooocus_version.py and entry_with_update.py (or a Fooocus/ folder holding them)",
    "lmstudio": "settings.json, or models/ with --type lmstudio (an LM Studio home such as "
    "~/.lmstudio)",
    "ollama": "manifests/ or blobs/ (an Ollama models folder such as ~/.ollama/models)",
    "stability-matrix": "settings.json with Packages/ or Models/, .sm-portable, or Data/ "
    "holding them",
}
"""What each kind's folder holds: the files detection looks for (said when a folder has none)."""

ExtraDetector = Callable[[Host], Sequence[DetectedTool]]
"""A detector from outside the built-in ones (a plugin's): the tools it finds on a host. The
caller isolates it (errors, time); its tools are named and listed like the others."""


@dataclass(frozen=True)
class AddedPath:
    """A folder the user added: where, which kind (None: find out), under which name."""

    path: Path
    kind: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Detection:
    """Everything found.

    Attributes:
        tools: The tools, named, in :data:`TOOL_KINDS` order then by folder.
        problems: Added folders that no longer hold a tool, one sentence each.
        searched: Every folder that was looked at.
    """

    tools: list[DetectedTool] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    searched: list[Path] = field(default_factory=list)
    added: frozenset[str] = frozenset()
    """Names of the tools that come from an added folder."""


def _comfyui(path: Path, host: Host, name: str) -> DetectedTool | None:
    found = comfyui.locate(path)
    return comfyui.detect_install(found[0], found[1], host, name) if found else None


def _webui(kind: str) -> Callable[[Path, Host, str], DetectedTool | None]:
    def detect(path: Path, host: Host, name: str) -> DetectedTool | None:
        return webui.detect(path, kind, host, name) if webui.kind_of(path) == kind else None

    return detect


def _fooocus(path: Path, host: Host, name: str) -> DetectedTool | None:
    root = apps.locate_fooocus(path)
    return apps.detect_fooocus(root, host, name) if root else None


def _invokeai(path: Path, host: Host, name: str) -> DetectedTool | None:
    return apps.detect_invokeai(path, host, name) if apps.is_invokeai(path) else None


def _lmstudio(path: Path, host: Host, name: str) -> DetectedTool | None:
    for home in (path, path / ".lmstudio"):
        if llm.is_lmstudio(home):
            return llm.detect_lmstudio(home, host, name)
    return None


def _ollama(path: Path, host: Host, name: str) -> DetectedTool | None:
    models = llm.locate_ollama(path)
    return llm.detect_ollama(models, host, name) if models else None


def _stability(path: Path, host: Host, name: str) -> DetectedTool | None:
    library = stability.locate_library(path)
    return stability.detect_library(library, host, name) if library else None


DETECTORS: dict[str, Callable[[Path, Host, str], DetectedTool | None]] = {
    "comfyui": _comfyui,
    "forge": _webui("forge"),
    "sdnext": _webui("sdnext"),
    "a1111": _webui("a1111"),
    "fooocus": _fooocus,
    "invokeai": _invokeai,
    "stability-matrix": _stability,
    "lmstudio": _lmstudio,
    "ollama": _ollama,
}
"""Each kind's detector, in the order a folder of unknown kind is tried."""


def detect_at(path: Path, host: Host, kind: str | None = None) -> DetectedTool | None:
    """The tool at ``path`` (of ``kind``, or the first kind whose files are there), or None.

    Raises:
        ValueError: ``kind`` is not one of :data:`TOOL_KINDS`.
    """
    if kind is not None and kind not in DETECTORS:
        raise ValueError(f"unknown tool kind {kind!r}; one of: {', '.join(TOOL_KINDS)}")
    if not is_dir(path):
        return None
    for name, detector in DETECTORS.items():
        if kind is None and name == "lmstudio" and not llm.looks_like_lmstudio_home(path):
            continue  # a models/ folder alone is anyone's (a ComfyUI base folder has one)
        if kind is None or name == kind:
            found = detector(path, host, name)
            if found is not None:
                return found
    return None


def _usual_places(host: Host) -> list[tuple[str, Path]]:
    places: list[tuple[str, Path]] = []
    places += [("comfyui", p) for p in comfyui.usual_places(host)]
    places += [("webui", p) for p in webui.usual_places(host)]
    places += [("fooocus", p) for p in apps.fooocus_places(host)]
    places += [("invokeai", p) for p in apps.invokeai_places(host)]
    places += [("stability-matrix", p) for p in stability.library_places(host)]
    places += [("lmstudio", p) for p in llm.lmstudio_homes(host)]
    places += [("ollama", p) for p in llm.ollama_places(host)]
    return places


def _key(tool: DetectedTool) -> tuple[str, str]:
    return tool.kind, os.path.normcase(os.path.realpath(tool.root))


def detect_all(
    host: Host, added: Sequence[AddedPath] = (), extra: Sequence[ExtraDetector] = ()
) -> Detection:
    """Every tool in the usual places and in the folders the user added, named uniquely.

    An added folder keeps its name; a tool found twice (added and in a usual place, or a
    Stability Matrix package that is also a usual place) is listed once, as added. ``extra``
    detectors (plugins') add theirs after the built-in ones.
    """
    tools: list[DetectedTool] = []
    problems: list[str] = []
    searched: list[Path] = []
    seen: set[tuple[str, str]] = set()
    fixed: set[int] = set()

    def keep(tool: DetectedTool | None, *, named: bool = False) -> None:
        if tool is not None and _key(tool) not in seen:
            seen.add(_key(tool))
            if named:
                fixed.add(len(tools))
            tools.append(tool)

    for entry in added:
        searched.append(entry.path)
        tool = detect_at(entry.path, host, entry.kind)
        if tool is None:
            what = TOOL_KINDS.get(entry.kind or "")
            problems.append(
                tr(
                    "The added folder {path} ({name}) no longer holds {tool}.",
                    path=entry.path,
                    name=entry.name,
                    tool=what,
                )
                if what
                else tr(
                    "The added folder {path} ({name}) no longer holds a known tool.",
                    path=entry.path,
                    name=entry.name,
                )
            )
            continue
        keep(tool.renamed(entry.name) if entry.name else tool, named=bool(entry.name))

    for group, path in _usual_places(host):
        searched.append(path)
        if group == "webui":
            kind = webui.kind_of(path)
            keep(detect_at(path, host, kind) if kind else None)
        else:
            keep(detect_at(path, host, group))
    keep(comfyui.detect_desktop(host))

    for library in [t for t in tools if t.kind == "stability-matrix"]:
        for package in stability.packages(library.root, host):
            if package.kind is None:
                continue
            searched.append(package.path)
            tool = detect_at(package.path, host, package.kind)
            if tool is not None:
                keep(_as_package(tool, package.version))

    for detector in extra:
        for tool in detector(host):
            searched.append(tool.root)
            keep(tool)

    named = _named(tools, fixed)
    added_names = frozenset(named[i].name for i in fixed)
    order = list(TOOL_KINDS)
    named.sort(key=lambda t: (order.index(t.kind) if t.kind in order else 99, t.name))
    return Detection(named, problems, searched, added_names)


def _as_package(tool: DetectedTool, version: str | None) -> DetectedTool:
    return DetectedTool(
        tool.name,
        tool.kind,
        tool.version or version,
        tool.root,
        tool.folders,
        tool.default_folder,
        tool.config_files,
        tool.notes,
        "stability-matrix",
    )


def _named(tools: list[DetectedTool], fixed: set[int]) -> list[DetectedTool]:
    """Give every tool a unique name: added ones (indexes in ``fixed``) keep theirs, the others
    get their kind (``comfyui``), then ``comfyui-2``… in the order they were found."""
    taken = {tools[i].name for i in fixed}
    named: list[DetectedTool] = []
    for i, tool in enumerate(tools):
        if i in fixed:
            named.append(tool)
            continue
        name = unique_name("comfyui-desktop" if tool.variant == "desktop" else tool.kind, taken)
        taken.add(name)
        named.append(tool.renamed(name))
    return named


def unique_name(kind: str, taken: set[str]) -> str:
    """``kind``, or ``kind-2``, ``kind-3``… the first not in ``taken``."""
    name, n = kind, 1
    while name in taken:
        n += 1
        name = f"{kind}-{n}"
    return name
