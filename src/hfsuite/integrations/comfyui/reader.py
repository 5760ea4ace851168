"""One entry point: a file (workflow JSON, image, audio, video, A1111 text) -> its model refs.

The format is recognised from the content, never the extension. Anything unreadable is a
:class:`~hfsuite.core.errors.WorkflowError` with a one-line message: a file too big, JSON that
does not parse or nests too deeply, a subgraph that contains itself, a file with nothing of
ComfyUI or A1111 in it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hfsuite.core.errors import WorkflowError
from hfsuite.core.i18n import tr
from hfsuite.integrations.comfyui.a1111 import looks_like_parameters, read_parameters
from hfsuite.integrations.comfyui.api import is_api_workflow, read_api_workflow
from hfsuite.integrations.comfyui.media import read_embedded, sniff
from hfsuite.integrations.comfyui.refs import RefCollector, WorkflowRefs
from hfsuite.integrations.comfyui.workflow import is_ui_workflow, read_ui_workflow

MAX_JSON_BYTES = 64 * 1024 * 1024
"""A workflow JSON (or text) file larger than this is refused before it is read."""


def read_refs(path: Path) -> WorkflowRefs:
    """Every model reference in the file at ``path``.

    Raises:
        WorkflowError: the file cannot be read, or holds no workflow and no generation
            parameters.
    """
    name = path.name
    try:
        with path.open("rb") as stream:
            head = stream.read(16)
            container = sniff(head)
            if container is None:
                size = os.fstat(stream.fileno()).st_size
                if size > MAX_JSON_BYTES:
                    raise WorkflowError(
                        tr(
                            "{name} is {size} bytes; workflow files over {limit} bytes are not "
                            "read.",
                            name=name,
                            size=size,
                            limit=MAX_JSON_BYTES,
                        )
                    )
                stream.seek(0)
                return _read_text(path, stream.read(MAX_JSON_BYTES + 1))
            embedded = read_embedded(stream, container)
    except FileNotFoundError:
        raise WorkflowError(tr("There is no file {path}.", path=path)) from None
    except IsADirectoryError:
        raise WorkflowError(
            tr("{path} is a folder, not a workflow or image file.", path=path)
        ) from None
    except OSError as exc:
        raise WorkflowError(
            tr("Cannot read {path}: {reason}.", path=path, reason=exc.strerror or exc)
        ) from None
    result = WorkflowRefs(str(path), container, warnings=list(embedded.warnings))
    _read_embedded_texts(name, embedded.texts, result)
    if not result.contents:
        raise WorkflowError(
            tr(
                "{name} holds no ComfyUI workflow and no generation parameters ({why}).",
                name=name,
                why="; ".join(result.warnings),
            )
            if result.warnings
            else tr("{name} holds no ComfyUI workflow and no generation parameters.", name=name),
            hint=tr("Images keep them only when saved by ComfyUI or A1111/Forge unchanged."),
        )
    return result


def _read_text(path: Path, data: bytes) -> WorkflowRefs:
    name = path.name
    text = data.decode("utf-8-sig", "replace")
    if text.lstrip().startswith(("{", "[")):
        doc = parse_json(text, name)
        collector = RefCollector()
        fmt = read_document(doc, collector, name)
        return WorkflowRefs(str(path), fmt, contents=[_CONTENT[fmt]], refs=collector.refs)
    if looks_like_parameters(text):
        collector = RefCollector()
        read_parameters(text, collector)
        return WorkflowRefs(str(path), "text", contents=["parameters"], refs=collector.refs)
    raise WorkflowError(
        tr(
            "{name} is not a ComfyUI workflow (JSON), an image, or generation parameters.",
            name=name,
        )
    )


_CONTENT = {"ui-json": "workflow", "api-json": "prompt"}


def parse_json(text: str, name: str) -> Any:
    """``text`` parsed, or a WorkflowError that says where it is broken."""
    try:
        return json.loads(text)
    except RecursionError:
        raise WorkflowError(
            tr("{name} nests JSON too deeply to be a workflow.", name=name)
        ) from None
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            message = tr(
                "{name} is not valid JSON: {reason} (line {line}, column {column}).",
                name=name,
                reason=exc.msg,
                line=exc.lineno,
                column=exc.colno,
            )
        else:
            message = tr("{name} is not valid JSON: {reason}.", name=name, reason=exc)
        raise WorkflowError(message) from None


def read_document(doc: Any, collector: RefCollector, name: str) -> str:
    """Read a parsed workflow into ``collector``; its format (``ui-json`` or ``api-json``)."""
    try:
        if is_ui_workflow(doc):
            read_ui_workflow(doc, collector)
            return "ui-json"
        if is_api_workflow(doc):
            read_api_workflow(doc, collector)
            return "api-json"
        if isinstance(doc, Mapping):  # a queued prompt: {"prompt": {...}, "extra_data": ...}
            extra = doc.get("extra_data")
            pnginfo = extra.get("extra_pnginfo") if isinstance(extra, Mapping) else None
            inner = pnginfo.get("workflow") if isinstance(pnginfo, Mapping) else None
            if isinstance(inner, Mapping) and is_ui_workflow(inner):
                read_ui_workflow(inner, collector)
                return "ui-json"
            if is_api_workflow(doc.get("prompt")):
                read_api_workflow(doc["prompt"], collector)
                return "api-json"
    except RecursionError:
        raise WorkflowError(tr("{name} nests too deeply to be read.", name=name)) from None
    raise WorkflowError(
        tr(
            "{name} is JSON but not a ComfyUI workflow (neither the editor's format nor API JSON).",
            name=name,
        )
    )


def _read_embedded_texts(name: str, texts: Mapping[str, str], result: WorkflowRefs) -> None:
    ui = RefCollector()
    api = RefCollector()
    for key, collector in (("workflow", ui), ("prompt", api)):
        text = texts.get(key)
        if text is None:
            continue
        try:
            read_document(parse_json(text, f"{name} ({key})"), collector, f"{name} ({key})")
        except WorkflowError as exc:
            result.warnings.append(exc.message)
            continue
        result.contents.append(key)
    known = {(r.node_id, r.value) for r in ui.refs}
    result.refs = ui.refs + [r for r in api.refs if (r.node_id, r.value) not in known]
    parameters = texts.get("parameters")
    if parameters is not None and (
        looks_like_parameters(parameters) or parameters.lstrip().startswith("{")
    ):
        collector = RefCollector()
        read_parameters(parameters, collector)
        result.contents.append("parameters")
        result.refs += collector.refs
