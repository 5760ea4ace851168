"""ComfyUI's UI workflow JSON (what the editor saves): the models its nodes load.

A node's widget values are positional (``widgets_values``, a list; some custom nodes save a
dict by name). :mod:`~hfsuite.integrations.comfyui.node_table` gives each loader's widget
order. Subgraphs (``definitions.subgraphs``) are expanded where they are used: an instance
node's ``type`` is the subgraph's id, its own widget values override the inner nodes' values
they are wired to, and inner nodes are numbered ``instance:inner`` as ComfyUI does. A muted
(mode 2) or bypassed (mode 4) node, or any node inside such an instance, is inactive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hfsuite.core.errors import WorkflowError
from hfsuite.core.i18n import tr
from hfsuite.integrations.comfyui.names import looks_like_model_file
from hfsuite.integrations.comfyui.node_table import (
    INPUT_NAME_FOLDERS,
    LOADERS,
    PROMPT_NODE_INPUTS,
    Loader,
)
from hfsuite.integrations.comfyui.refs import (
    NO_DECLARED,
    RefCollector,
    prompt_embeddings,
    read_declared,
)

INACTIVE_MODES = frozenset({2, 4})
"""Node modes that do not run: 2 muted ("never"), 4 bypassed."""

MAX_SUBGRAPH_DEPTH = 32
"""Subgraphs inside subgraphs deeper than this are refused."""

MAX_EXPANDED_NODES = 200_000
"""Nodes visited with every subgraph expanded (instances of instances multiply)."""

SUBGRAPH_INPUT_NODE = -10
"""The origin id of a link that starts at a subgraph's inputs."""

_NOTE_TYPES = frozenset({"Note", "MarkdownNote", "PrimitiveNode", "Reroute"})


def is_ui_workflow(doc: Any) -> bool:
    """Whether ``doc`` is a ComfyUI UI workflow (not, say, an n8n one with ``nodes`` too)."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("nodes"), list):
        return False
    if "connections" in doc and "links" not in doc:
        return False  # n8n and similar
    markers = ("links", "last_node_id", "state", "definitions", "version", "groups")
    if not any(key in doc for key in markers):
        return False
    nodes = [n for n in doc["nodes"][:1000] if isinstance(n, Mapping)]
    if any("typeVersion" in n for n in nodes):  # n8n nodes, in a file without "connections"
        return False
    return not doc["nodes"] or any("type" in n for n in nodes)


@dataclass(frozen=True)
class _Subgraph:
    id: str
    name: str
    nodes: list[Any]
    inputs: list[Any]
    links: dict[int, tuple[Any, Any, Any]]
    """link id -> (origin id, target id, target slot)."""
    by_id: dict[str, Any]
    """inner node id -> node."""
    widget_inputs: list[str]
    """The inputs that feed an inner widget, in order (an instance's widgets, older format)."""


def read_ui_workflow(doc: Mapping[str, Any], collector: RefCollector) -> None:
    """Add every model reference of a UI workflow ``doc`` to ``collector``."""
    walker = _Walker(collector, _subgraphs(doc))
    walker.walk(doc["nodes"], prefix="", active=True, stack=(), overrides={}, subgraph=None)
    top = read_declared(doc.get("models"))
    collector.attach(top)
    collector.add_declared_leftovers(top, node_id=None, node_type=None, active=True)


def _subgraphs(doc: Mapping[str, Any]) -> dict[str, _Subgraph]:
    """Every subgraph definition, wherever it is declared (nested definitions included)."""
    found: dict[str, _Subgraph] = {}
    pending: list[tuple[Any, int]] = [(doc.get("definitions"), 0)]
    while pending:
        definitions, depth = pending.pop()
        if not isinstance(definitions, Mapping) or depth > MAX_SUBGRAPH_DEPTH:
            continue
        subgraphs = definitions.get("subgraphs")
        if not isinstance(subgraphs, list):
            continue
        for sg in subgraphs:
            if not isinstance(sg, Mapping) or not isinstance(sg.get("id"), str):
                continue
            if sg["id"] in found:
                continue
            name = sg.get("name")
            nodes = sg["nodes"] if isinstance(sg.get("nodes"), list) else []
            inputs = sg["inputs"] if isinstance(sg.get("inputs"), list) else []
            links = _links(sg.get("links"))
            by_id = {str(n.get("id")): n for n in nodes if isinstance(n, Mapping)}
            found[sg["id"]] = _Subgraph(
                id=sg["id"],
                name=name if isinstance(name, str) and name else sg["id"],
                nodes=nodes,
                inputs=inputs,
                links=links,
                by_id=by_id,
                widget_inputs=_subgraph_widget_inputs(inputs, links, by_id),
            )
            pending.append((sg.get("definitions"), depth + 1))
    return found


def _links(raw: Any) -> dict[int, tuple[Any, Any, Any]]:
    links: dict[int, tuple[Any, Any, Any]] = {}
    if not isinstance(raw, list):
        return links
    for link in raw:
        if isinstance(link, Mapping) and isinstance(link.get("id"), int):
            links[link["id"]] = (
                link.get("origin_id"),
                link.get("target_id"),
                link.get("target_slot"),
            )
        elif isinstance(link, list) and len(link) >= 5 and isinstance(link[0], int):
            links[link[0]] = (link[1], link[3], link[4])
    return links


class _Walker:
    def __init__(self, collector: RefCollector, subgraphs: dict[str, _Subgraph]):
        self.collector = collector
        self.subgraphs = subgraphs
        self.visited = 0

    def walk(
        self,
        nodes: list[Any],
        *,
        prefix: str,
        active: bool,
        stack: tuple[str, ...],
        overrides: dict[str, dict[str, Any]],
        subgraph: str | None,
    ) -> None:
        for node in nodes:
            if not isinstance(node, Mapping):
                continue
            self.visited += 1
            if self.visited > MAX_EXPANDED_NODES:
                raise WorkflowError(
                    tr(
                        "The workflow has more than {limit} nodes with its subgraphs expanded; "
                        "it is not read.",
                        limit=MAX_EXPANDED_NODES,
                    )
                )
            node_type = node.get("type")
            if not isinstance(node_type, str):
                continue
            local_id = str(node.get("id"))
            node_id = prefix + local_id
            node_active = active and node.get("mode") not in INACTIVE_MODES
            values = _merge(
                _widget_values(node, LOADERS.get(node_type), self.subgraphs.get(node_type)),
                overrides.get(local_id, {}),
            )
            sg = self.subgraphs.get(node_type)
            if sg is not None:
                if node_type in stack:
                    raise WorkflowError(
                        tr(
                            "Subgraph '{name}' contains itself; the workflow is not read.",
                            name=sg.name,
                        )
                    )
                if len(stack) >= MAX_SUBGRAPH_DEPTH:
                    raise WorkflowError(
                        tr(
                            "Subgraphs are nested more than {limit} deep; the workflow is not "
                            "read.",
                            limit=MAX_SUBGRAPH_DEPTH,
                        )
                    )
                self.walk(
                    sg.nodes,
                    prefix=node_id + ":",
                    active=node_active,
                    stack=(*stack, node_type),
                    overrides=_inner_overrides(sg, node, dict(values)),
                    subgraph=sg.name,
                )
                continue
            self._node(node, node_type, node_id, node_active, values, subgraph)

    def _node(
        self,
        node: Mapping[str, Any],
        node_type: str,
        node_id: str,
        active: bool,
        values: list[tuple[str | None, Any]],
        subgraph: str | None,
    ) -> None:
        properties = node.get("properties")
        declared = (
            read_declared(properties.get("models"))
            if isinstance(properties, Mapping)
            else NO_DECLARED
        )
        loader = LOADERS.get(node_type)
        latest = {name: value for name, value in values if name is not None}
        common: dict[str, Any] = {
            "node_id": node_id,
            "node_type": node_type,
            "active": active,
            "declared": declared,
            "subgraph": subgraph,
        }
        used: set[str] = set()
        if loader is not None:
            for input_name, folder in loader.folders.items():
                value = latest.get(input_name)
                if isinstance(value, str):
                    used.add(input_name)
                    self.collector.add_value(value, input_name=input_name, folder=folder, **common)
        for position, (name, value) in enumerate(values):
            if name in used:
                continue
            label = name if name is not None else f"widgets_values[{position}]"
            if isinstance(value, str):
                self._string(node_type, label, name, value, common)
            elif isinstance(value, Mapping) and isinstance(value.get("lora"), str):
                # rgthree Power Lora Loader: {"on": true, "lora": "x.safetensors", "strength": 1}
                self.collector.add_value(
                    value["lora"],
                    input_name=f"lora_{position}",
                    folder="loras",
                    **{**common, "active": active and value.get("on", True) is not False},
                )
        self.collector.add_declared_leftovers(
            declared, node_id=node_id, node_type=node_type, active=active, subgraph=subgraph
        )

    def _string(
        self, node_type: str, label: str, name: str | None, value: str, common: dict[str, Any]
    ) -> None:
        if node_type in _NOTE_TYPES:
            return
        if "embedding:" in value.lower() and (
            name in PROMPT_NODE_INPUTS or "Text" in node_type or "Prompt" in node_type
        ):
            for embedding in prompt_embeddings(value):
                self.collector.add_value(
                    embedding, input_name=label, folder="embeddings", origin="prompt", **common
                )
            return
        if name in INPUT_NAME_FOLDERS:
            self.collector.add_value(
                value, input_name=label, folder=INPUT_NAME_FOLDERS[name], **common
            )
        elif looks_like_model_file(value):
            self.collector.add_value(value, input_name=label, folder=None, **common)


def _merge(
    values: list[tuple[str | None, Any]], overrides: Mapping[str, Any]
) -> list[tuple[str | None, Any]]:
    """``values`` with the named ones an enclosing subgraph instance sets replaced."""
    if not overrides:
        return values
    merged = [(name, overrides.get(name, value) if name else value) for name, value in values]
    present = {name for name, _ in values}
    merged.extend((name, value) for name, value in overrides.items() if name not in present)
    return merged


def _widget_values(
    node: Mapping[str, Any], loader: Loader | None, sg: _Subgraph | None
) -> list[tuple[str | None, Any]]:
    """``(widget name or None, value)`` for each widget value of ``node``, in order."""
    raw = node.get("widgets_values")
    if isinstance(raw, Mapping):
        return [(str(k), v) for k, v in raw.items()]
    if not isinstance(raw, list):
        return []
    names = _widget_names(node, loader, sg, len(raw))
    return [(names[i] if i < len(names) else None, v) for i, v in enumerate(raw)]


def _widget_names(
    node: Mapping[str, Any], loader: Loader | None, sg: _Subgraph | None, count: int
) -> list[str | None]:
    if loader is not None and loader.widgets is not None:
        return list(loader.widgets)
    if sg is not None:
        # Newer frontends save an instance's values in the order of its promoted widgets
        # (``proxyWidgets``; all of them, or only those bound to subgraph inputs, "-1");
        # older ones in the order of the subgraph's inputs that feed a widget.
        proxied = _proxy_names(node)
        if proxied and len(proxied) == count:
            return proxied
        bound = [n for n in proxied if n is not None and n.startswith("-1\x00")]
        if bound and len(bound) == count:
            return list(bound)
        inputs_named: list[str | None] = list(sg.widget_inputs)
        return inputs_named if len(inputs_named) == count else []
    inputs = node.get("inputs")
    names: list[str | None] = []
    if isinstance(inputs, list):
        for entry in inputs:
            widget = entry.get("widget") if isinstance(entry, Mapping) else None
            if isinstance(widget, Mapping) and isinstance(widget.get("name"), str):
                names.append(widget["name"])
    return names if len(names) == count else []


def _proxy_names(node: Mapping[str, Any]) -> list[str | None]:
    """Names for the values of an instance whose widgets are ``properties.proxyWidgets``."""
    properties = node.get("properties")
    proxied = properties.get("proxyWidgets") if isinstance(properties, Mapping) else None
    if not isinstance(proxied, list):
        return []
    names: list[str | None] = []
    for entry in proxied:
        if isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry):
            names.append(f"{entry[0]}\x00{entry[1]}")  # resolved in _inner_overrides
        else:
            names.append(None)
    return names


def _subgraph_widget_inputs(
    inputs: list[Any], links: Mapping[int, tuple[Any, Any, Any]], by_id: Mapping[str, Any]
) -> list[str]:
    """The subgraph's inputs that feed an inner widget, in order."""
    names: list[str] = []
    for entry in inputs:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            continue
        if any(widget is not None for _, widget in _targets(links, entry, by_id)):
            names.append(entry["name"])
    return names


def _targets(
    links: Mapping[int, tuple[Any, Any, Any]], entry: Mapping[str, Any], by_id: Mapping[str, Any]
) -> list[tuple[str, str | None]]:
    """``(inner node id, widget name or None)`` each link of a subgraph input reaches."""
    found: list[tuple[str, str | None]] = []
    link_ids = entry.get("linkIds")
    if not isinstance(link_ids, list):
        return found
    for link_id in link_ids:
        link = links.get(link_id) if isinstance(link_id, int) else None
        if link is None or link[0] != SUBGRAPH_INPUT_NODE:
            continue
        target_id, slot = str(link[1]), link[2]
        inner = by_id.get(target_id)
        inputs = inner.get("inputs") if isinstance(inner, Mapping) else None
        widget_name: str | None = None
        if isinstance(inputs, list) and isinstance(slot, int) and 0 <= slot < len(inputs):
            slot_entry = inputs[slot]
            if isinstance(slot_entry, Mapping):
                widget = slot_entry.get("widget")
                if isinstance(widget, Mapping) and isinstance(widget.get("name"), str):
                    widget_name = widget["name"]
        found.append((target_id, widget_name))
    return found


def _inner_overrides(
    sg: _Subgraph, node: Mapping[str, Any], values: Mapping[str | None, Any]
) -> dict[str, dict[str, Any]]:
    """Inner node id -> widget name -> the value the instance gives it."""
    overrides: dict[str, dict[str, Any]] = {}
    inputs_by_name = {
        e["name"]: e for e in sg.inputs if isinstance(e, Mapping) and isinstance(e.get("name"), str)
    }
    for key, value in values.items():
        if key is None:
            continue
        if "\x00" in key:  # a proxied widget: "inner id\x00widget name"
            inner_id, widget = key.split("\x00", 1)
            if inner_id != "-1":
                overrides.setdefault(inner_id, {})[widget] = value
                continue
            key = widget
        entry = inputs_by_name.get(key)
        if entry is None:
            continue
        for target_id, widget_name in _targets(sg.links, entry, sg.by_id):
            if widget_name is not None:
                overrides.setdefault(target_id, {})[widget_name] = value
    return overrides
