"""``--to TOOL:KIND``: finding the tool a download names and its folder for a kind of model.

How a tool is named (:func:`find_tool`): its name as ``hfsuite tools ls`` shows it
(``comfyui``, ``comfyui-2``, ``comfyui-desktop``), or its install folder. A tool type with
several installs is ambiguous: the error lists each install with the name that picks it
(``TYPE-1`` is the install named ``TYPE``).

Where a download goes there (:func:`target_destination`): the kind's folder (``--subfolder``:
one folder further), for LM Studio ``<models>/<publisher>/<model>``; files land by name
(:class:`hfsuite.app.download.destinations.ByNameLayout`). Ollama imports models itself and
is no download destination.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from functools import reduce
from pathlib import Path
from urllib.parse import urlparse

from hfsuite.app.tools import DetectedTool, Detection
from hfsuite.core.destination import MODEL_KINDS, Destination
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import joined, tr
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.integrations.tools.model import LLM_KIND, TOOL_KINDS

__all__ = [
    "KNOWN_KINDS",
    "ToolTarget",
    "check_subfolder",
    "find_tool",
    "parse_to",
    "target_destination",
    "tool_target",
]

_TOOL_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*")
KNOWN_KINDS: tuple[str, ...] = (*MODEL_KINDS, LLM_KIND)
"""Every kind ``--to`` can name: ComfyUI's folder keys and ``llm``."""


@dataclass(frozen=True)
class ToolTarget:
    """One tool's folder for one kind of model.

    Attributes:
        tool: The tool's name (``comfyui``, ``comfyui-2``).
        tool_type: Its type (``comfyui``, ``lmstudio``…).
        model_kind: ``loras``, ``checkpoints``… or ``llm``.
        root: The install folder (LM Studio: its home).
        folder: The folder downloads of that kind go to.
    """

    tool: str
    tool_type: str
    model_kind: str
    root: Path
    folder: Path

    @property
    def display(self) -> str:
        """``ComfyUI (comfyui)``."""
        return f"{TOOL_KINDS.get(self.tool_type, self.tool_type)} ({self.tool})"


def parse_to(text: str) -> tuple[str, str]:
    """``comfyui:loras`` → ``("comfyui", "loras")`` (the last colon splits, so a Windows path
    works as TOOL).

    Raises:
        UsageError: no colon, or an empty part.
    """
    tool, sep, kind = text.strip().rpartition(":")
    if not sep or not tool.strip() or not kind.strip():
        raise UsageError(
            tr("--to {text} is not TOOL:KIND.", text=repr(text)),
            hint=tr("For example --to comfyui:loras or --to lmstudio:llm (hfsuite tools ls)."),
        )
    return tool.strip(), kind.strip()


def _looks_like_path(text: str) -> bool:
    return text.startswith(("~", ".")) or "/" in text or os.sep in text


def _same_path(a: Path, b: Path) -> bool:
    try:
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))
    except (OSError, ValueError):
        return False


def _pick_name(tool: DetectedTool) -> str:
    """What to type to pick ``tool`` when its type is ambiguous."""
    return f"{tool.kind}-1" if tool.name == tool.kind else tool.name


def find_tool(detection: Detection, text: str) -> DetectedTool:
    """The tool ``text`` names.

    In order: an install folder (a path: ``~/ComfyUI``), ``TYPE-1`` (the install named
    ``TYPE``), a type with one install, a type with several (ambiguous: an error listing
    them), a tool's name.

    Raises:
        UsageError: no such tool (with the closest names), or an ambiguous type.
    """
    tools = detection.tools
    if _looks_like_path(text):
        path = Path(os.path.abspath(Path(text).expanduser()))
        for tool in tools:
            if _same_path(tool.root, path):
                return tool
        raise UsageError(
            tr("No known tool is installed at {path}.", path=path),
            hint=tr(
                "hfsuite tools ls lists the tools; add one elsewhere with hfsuite tools add PATH."
            ),
        )
    kind_1 = text[:-2] if text.endswith("-1") else None
    if kind_1 in TOOL_KINDS:
        for tool in tools:
            if tool.name == kind_1:
                return tool
    of_type = [t for t in tools if t.kind == text]
    if len(of_type) > 1:
        listed = "; ".join(f"{_pick_name(t)} ({t.root})" for t in of_type)
        raise UsageError(
            tr(
                "{count} {tool} installs are known: {listed}.",
                count=len(of_type),
                tool=TOOL_KINDS[text],
                listed=listed,
            ),
            hint=tr(
                "Say which one by the name shown before its folder, e.g. --to {name}:KIND, or "
                "give its folder as TOOL.",
                name=_pick_name(of_type[-1]),
            ),
        )
    if of_type:
        return of_type[0]
    for tool in tools:
        if tool.name == text:
            return tool
    if text == "ollama" or any(t.name == text and t.kind == "ollama" for t in tools):
        raise _ollama_error()
    names = [t.name for t in tools]
    close = difflib.get_close_matches(
        text, list(dict.fromkeys([*names, *TOOL_KINDS])), n=3, cutoff=0.6
    )
    if text in TOOL_KINDS:
        message = tr("No {tool} install is known.", tool=TOOL_KINDS[text])
    else:
        message = tr("No tool is named {text}.", text=repr(text))
        if close:
            either = reduce(lambda a, b: tr("{a} or {b}", a=a, b=b), close)
            message = joined(message, tr("Did you mean {names}?", names=either))
    raise UsageError(
        message,
        hint=tr(
            "Known tools: {known}. One elsewhere: hfsuite tools add PATH.", known=", ".join(names)
        )
        if names
        else tr(
            "Known tools: none (hfsuite tools detect finds them). One elsewhere: hfsuite tools "
            "add PATH."
        ),
    )


def _ollama_error() -> UsageError:
    return UsageError(
        tr("Ollama is not a download destination: it imports models itself."),
        hint=tr(
            "Pull with `ollama pull`, or download the GGUF elsewhere (e.g. --to lmstudio:llm "
            "or --local-dir) and import it with `ollama create NAME -f Modelfile` (FROM <file>)."
        ),
    )


def tool_target(tool: DetectedTool, model_kind: str) -> ToolTarget:
    """``tool``'s folder for ``model_kind``.

    Raises:
        UsageError: Ollama; a kind the tool has no download folder for (with "did you mean").
    """
    if tool.kind == "ollama":
        raise _ollama_error()
    folder = tool.default_folder.get(model_kind)
    if folder is not None:
        return ToolTarget(tool.name, tool.kind, model_kind, tool.root, folder)
    has = sorted(tool.default_folder)
    close = difflib.get_close_matches(model_kind, has or list(KNOWN_KINDS), n=2, cutoff=0.5)
    if model_kind in KNOWN_KINDS:
        message = tr(
            "{tool} ({name}) has no folder for {kind}.",
            tool=tool.display_name,
            name=tool.name,
            kind=model_kind,
        )
    else:
        message = tr("Unknown model kind {kind}.", kind=repr(model_kind))
    if close:
        either = reduce(lambda a, b: tr("{a} or {b}", a=a, b=b), close)
        message = joined(message, tr("Did you mean {names}?", names=either))
    hint = tr("{name}'s download folders: {kinds}.", name=tool.name, kinds=", ".join(has))
    if not has:
        hint = tr(
            "{tool} adds models through its own model manager, not a folder.",
            tool=tool.display_name,
        )
    raise UsageError(message, hint=hint)


def _publisher_model(ref: RepoRef) -> tuple[str, str]:
    """LM Studio's two folders for a repository: its owner and its name."""
    if ref.source is SourceKind.URL:
        url = urlparse(ref.repo_id)
        stem = Path(url.path).stem or "download"
        return url.hostname or "web", stem
    parts = [p for p in ref.repo_id.split("/") if p]
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    return parts[0], parts[0]


def check_subfolder(subfolder: str | None) -> str | None:
    if subfolder is None:
        return None
    text = subfolder.strip().strip("/")
    parts = text.replace("\\", "/").split("/")
    if not text or any(p in ("", ".", "..") for p in parts) or Path(text).is_absolute():
        raise UsageError(
            tr(
                "--subfolder {subfolder} is not a folder name inside the tool's folder.",
                subfolder=repr(subfolder),
            ),
            hint=tr("Give a relative name such as sdxl or styles/anime."),
        )
    return "/".join(parts)


def target_destination(
    target: ToolTarget, ref: RepoRef | None, subfolder: str | None = None
) -> Destination:
    """Where a download of ``ref`` goes in ``target``'s folder: ``<folder>[/<subfolder>]``, or
    for LM Studio ``<models>/<publisher>/<model>`` (``ref`` needed then).

    Raises:
        UsageError: ``--subfolder`` for LM Studio, whose folders are fixed.
    """
    if target.tool_type == "lmstudio":
        if subfolder:
            raise UsageError(
                tr(
                    "--subfolder does not apply to LM Studio: a model goes to "
                    "<models>/<publisher>/<model>/."
                ),
                hint=tr("Leave --subfolder out."),
            )
        if ref is None:
            return Destination.folder(target.folder)
        publisher, model = _publisher_model(ref)
        return Destination.folder(target.folder / publisher / model)
    folder = target.folder / subfolder if subfolder else target.folder
    name = target.tool if _TOOL_NAME.fullmatch(target.tool) else target.tool_type
    if target.model_kind in MODEL_KINDS:
        return Destination.tool_folder(name, target.model_kind, folder)
    return Destination.folder(folder)
