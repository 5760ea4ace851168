"""ComfyUI's API ("prompt") JSON: ``{node id: {"class_type", "inputs", "_meta"}}``.

This is what ComfyUI runs and what it embeds in images as ``prompt``: inputs by name, links
as ``[node id, slot]``, subgraphs already flattened (ids ``"12:5"``), muted and bypassed
nodes already left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hfsuite.integrations.comfyui.names import looks_like_model_file
from hfsuite.integrations.comfyui.node_table import INPUT_NAME_FOLDERS, LOADERS, PROMPT_NODE_INPUTS
from hfsuite.integrations.comfyui.refs import RefCollector, prompt_embeddings


def is_api_workflow(doc: Any) -> bool:
    """Whether ``doc`` is API JSON: an object of nodes that each have a ``class_type``."""
    if not isinstance(doc, Mapping) or not doc:
        return False
    nodes = [v for v in doc.values() if isinstance(v, Mapping)]
    return bool(nodes) and all(isinstance(n.get("class_type"), str) for n in nodes)


def read_api_workflow(doc: Mapping[str, Any], collector: RefCollector) -> None:
    """Add every model reference of an API workflow ``doc`` to ``collector``."""
    for node_id, node in doc.items():
        if not isinstance(node, Mapping):
            continue
        node_type = node["class_type"]
        inputs = node.get("inputs")
        if not isinstance(inputs, Mapping):
            continue
        loader = LOADERS.get(node_type)
        folders = dict(INPUT_NAME_FOLDERS)
        if loader is not None:
            folders.update(loader.folders)
        common: dict[str, Any] = {
            "node_id": str(node_id),
            "node_type": node_type,
            "active": True,
            "origin": "input",
        }
        for name, value in inputs.items():
            if isinstance(value, Mapping) and isinstance(value.get("lora"), str):
                on = value.get("on", True) is not False
                collector.add_value(
                    value["lora"], input_name=str(name), folder="loras", **{**common, "active": on}
                )
                continue
            if not isinstance(value, str):
                continue  # numbers, and links to other nodes ([id, slot])
            if name in folders:
                collector.add_value(value, input_name=name, folder=folders[name], **common)
            elif "embedding:" in value.lower() and (
                name in PROMPT_NODE_INPUTS or "Text" in node_type or "Prompt" in node_type
            ):
                for embedding in prompt_embeddings(value):
                    collector.add_value(
                        embedding,
                        input_name=name,
                        folder="embeddings",
                        **{**common, "origin": "prompt"},
                    )
            elif looks_like_model_file(value):
                collector.add_value(value, input_name=name, folder=None, **common)
