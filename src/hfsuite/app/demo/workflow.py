"""A ComfyUI workflow (the format its Load button and drag-and-drop take) and what it needs.

The workflow loads a checkpoint, applies a LoRA, and renders one image. ComfyUI looks up a
loader's file by name in one of its model folders (``models/checkpoints``, ``models/loras``);
:func:`referenced_models` reads those names back, so the demo can show each one is where
ComfyUI will look.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: Loader node type -> the ComfyUI model folder its first widget names a file in.
LOADER_FOLDERS = {
    "CheckpointLoaderSimple": "checkpoints",
    "LoraLoader": "loras",
    "VAELoader": "vae",
    "UpscaleModelLoader": "upscale_models",
}

# (link id, from node, from slot, to node, to slot, type)
_LINKS = [
    (1, 4, 0, 10, 0, "MODEL"),
    (2, 4, 1, 10, 1, "CLIP"),
    (3, 10, 0, 3, 0, "MODEL"),
    (4, 10, 1, 6, 0, "CLIP"),
    (5, 10, 1, 7, 0, "CLIP"),
    (6, 6, 0, 3, 1, "CONDITIONING"),
    (7, 7, 0, 3, 2, "CONDITIONING"),
    (8, 5, 0, 3, 3, "LATENT"),
    (9, 3, 0, 8, 0, "LATENT"),
    (10, 4, 2, 8, 1, "VAE"),
    (11, 8, 0, 9, 0, "IMAGE"),
]
# (id, type, input names, output names, widget values)
_Node = tuple[int, str, list[str], list[str], list[Any]]


def comfyui_workflow(checkpoint: str, lora: str) -> dict[str, Any]:
    """A text-to-image workflow using ``checkpoint`` and ``lora``.

    Args:
        checkpoint: File name in ``models/checkpoints``.
        lora: File name in ``models/loras``.
    """
    nodes: list[_Node] = [
        (4, "CheckpointLoaderSimple", [], ["MODEL", "CLIP", "VAE"], [checkpoint]),
        (10, "LoraLoader", ["model", "clip"], ["MODEL", "CLIP"], [lora, 0.8, 0.8]),
        (6, "CLIPTextEncode", ["clip"], ["CONDITIONING"], ["a fox in a birch wood, watercolor"]),
        (7, "CLIPTextEncode", ["clip"], ["CONDITIONING"], ["blurry, text, watermark"]),
        (5, "EmptyLatentImage", [], ["LATENT"], [512, 512, 1]),
        (
            3,
            "KSampler",
            ["model", "positive", "negative", "latent_image"],
            ["LATENT"],
            [42, "fixed", 20, 7.0, "euler", "normal", 1.0],
        ),
        (8, "VAEDecode", ["samples", "vae"], ["IMAGE"], []),
        (9, "SaveImage", ["images"], [], ["hfsuite-demo"]),
    ]
    return {
        "last_node_id": max(node[0] for node in nodes),
        "last_link_id": max(link[0] for link in _LINKS),
        "nodes": [_node_json(node, order) for order, node in enumerate(nodes)],
        "links": [list(link) for link in _LINKS],
        "groups": [],
        "config": {},
        "extra": {},
        "version": 0.4,
    }


def _node_json(node: _Node, order: int) -> dict[str, Any]:
    node_id, kind, inputs, outputs, widgets = node
    incoming = {link[4]: link for link in _LINKS if link[3] == node_id}
    return {
        "id": node_id,
        "type": kind,
        "pos": [60 + 330 * (order // 2), 80 + 260 * (order % 2)],
        "size": [300, 120],
        "flags": {},
        "order": order,
        "mode": 0,
        "inputs": [
            {"name": name, "type": incoming[slot][5], "link": incoming[slot][0]}
            for slot, name in enumerate(inputs)
        ],
        "outputs": [
            {
                "name": name,
                "type": name,
                "links": [link[0] for link in _LINKS if link[1:3] == (node_id, slot)],
                "slot_index": slot,
            }
            for slot, name in enumerate(outputs)
        ],
        "properties": {"Node name for S&R": kind},
        "widgets_values": widgets,
    }


def referenced_models(workflow: dict[str, Any]) -> list[tuple[str, str]]:
    """``(folder, file name)`` of every model the workflow's loader nodes name."""
    found = []
    for node in workflow.get("nodes", []):
        folder = LOADER_FOLDERS.get(node.get("type", ""))
        values = node.get("widgets_values") or []
        if folder and values and isinstance(values[0], str):
            found.append((folder, values[0]))
    return found


def missing_models(workflow: dict[str, Any], models_dir: Path) -> list[tuple[str, str]]:
    """The referenced models not found under ``models_dir/<folder>/``."""
    return [
        (folder, name)
        for folder, name in referenced_models(workflow)
        if not (models_dir / folder / name).is_file()
    ]
