"""A1111/Forge generation parameters (the ``parameters`` text of their images).

The text is the prompt, an optional ``Negative prompt:`` part, and a last line of
``Key: value`` pairs. Models appear as ``Model``/``Model hash`` (the checkpoint), ``VAE``,
``Hires upscaler``, ``<lora:name:weight>`` (also ``lyco``, ``hypernet``) tags in the prompts
with ``Lora hashes``, ``TI hashes`` for embeddings, and Civitai's ``Hashes: {json}``.
A1111's short hashes are the first 10 hex digits of the SHA-256 (``autov2``); 8 digits are
its old hash (``autov1``).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from hfsuite.integrations.comfyui.refs import RefCollector

MAX_TEXT_CHARS = 1_000_000
"""Generation text longer than this is cut before reading."""

_PAIR = re.compile(r'\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)')
_TAG = re.compile(r"<(lora|lyco|hypernet):([^:>]+)(?::[^>]*)?>", flags=re.IGNORECASE)
_UNQUOTED_HASHES = re.compile(r"Hashes: (\{[^{}]*\})")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_BUILTIN_UPSCALERS = ("latent", "none", "lanczos", "nearest")
_TAG_FOLDERS = {"lora": "loras", "lyco": "loras", "hypernet": "hypernetworks"}


def looks_like_parameters(text: str) -> bool:
    """Whether ``text`` reads as A1111 generation parameters (a line with ``Steps:``…)."""
    last = text.strip().splitlines()[-1] if text.strip() else ""
    return len(_PAIR.findall(last)) >= 3 and ("Steps:" in text or "Model" in text)


def parse_parameters(text: str) -> tuple[str, str, dict[str, str]]:
    """``(prompt, negative prompt, fields)`` of a ``parameters`` text."""
    lines = text[:MAX_TEXT_CHARS].strip().splitlines()
    fields: dict[str, str] = {}
    if lines and len(_PAIR.findall(lines[-1])) >= 3:
        for key, value in _PAIR.findall(lines.pop()):
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = _unquote(value)
            fields[key.strip()] = value
    prompt: list[str] = []
    negative: list[str] = []
    target = prompt
    for line in lines:
        if line.startswith("Negative prompt:"):
            target = negative
            line = line[len("Negative prompt:") :].strip()
        target.append(line)
    return "\n".join(prompt), "\n".join(negative), fields


def _unquote(value: str) -> str:
    try:
        loaded = json.loads(value)
    except ValueError:
        return value[1:-1]
    return loaded if isinstance(loaded, str) else value[1:-1]


def _hash(value: str | None) -> tuple[str | None, str | None]:
    """A short A1111 hash and its kind, or (None, None) when it is no hex hash."""
    if not value:
        return None, None
    value = value.strip().lower()
    if not _HEX.match(value):
        return None, None
    kind = {8: "autov1", 10: "autov2", 12: "autov3", 64: "sha256"}.get(len(value))
    return value, kind


def _name_hashes(value: str | None) -> dict[str, str]:
    """``"name: hash, name2: hash"`` (Lora hashes, TI hashes) as a dict."""
    found: dict[str, str] = {}
    for part in (value or "").split(","):
        name, _, digest = part.rpartition(":")
        if name.strip() and digest.strip():
            found[name.strip()] = digest.strip()
    return found


def read_parameters(text: str, collector: RefCollector) -> None:
    """Add the models an A1111/Forge ``parameters`` text names to ``collector``."""
    stripped = text.strip()
    if stripped.startswith("{"):
        _read_fooocus(stripped, collector)
        return
    prompt, negative, fields = parse_parameters(text)
    civitai = _civitai_hashes(fields.get("Hashes"))
    if not civitai:  # written unquoted by some tools: its commas split it apart
        unquoted = _UNQUOTED_HASHES.search(text)
        civitai = _civitai_hashes(unquoted.group(1) if unquoted else None)

    def add(value: str, field: str, folder: str, digest: str | None) -> None:
        short, kind = _hash(digest)
        before = len(collector.refs)
        collector.add_value(
            value,
            node_id=None,
            node_type=None,
            input_name=field,
            folder=folder,
            active=True,
            origin="a1111",
        )
        if short and len(collector.refs) > before:
            collector.refs[-1] = replace(collector.refs[-1], hash=short, hash_type=kind)

    model = fields.get("Model")
    if model:
        add(model, "Model", "checkpoints", fields.get("Model hash") or civitai.get("model"))
    vae = fields.get("VAE")
    if vae:
        add(vae, "VAE", "vae", fields.get("VAE hash") or civitai.get("vae"))
    lora_hashes = _name_hashes(fields.get("Lora hashes"))
    for kind, name in _TAG.findall(f"{prompt}\n{negative}"):
        name = name.strip()
        digest = lora_hashes.get(name) or civitai.get(f"lora:{name}")
        field = "hypernet" if kind.lower() == "hypernet" else "lora"
        add(name, field, _TAG_FOLDERS[kind.lower()], digest)
    for name, digest in lora_hashes.items():
        add(name, "lora", "loras", digest)
    for name, digest in _name_hashes(fields.get("TI hashes")).items():
        add(name, "embedding", "embeddings", digest)
    for key, digest in civitai.items():
        if key.startswith("embed:"):
            add(key[len("embed:") :], "embedding", "embeddings", digest)
    for field in ("Hires upscaler", "Upscaler"):
        upscaler = fields.get(field)
        if upscaler and not upscaler.lower().startswith(_BUILTIN_UPSCALERS):
            add(upscaler, field, "upscale_models", None)


def _civitai_hashes(value: str | None) -> dict[str, str]:
    """Civitai's ``Hashes: {"model": "…", "lora:name": "…"}`` field."""
    if not value:
        return {}
    try:
        loaded: Any = json.loads(value)
    except ValueError:
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {str(k): v for k, v in loaded.items() if isinstance(v, str)}


def _read_fooocus(text: str, collector: RefCollector) -> None:
    """Fooocus writes its ``parameters`` as JSON: base/refiner model and LoRAs by name."""
    try:
        doc: Any = json.loads(text[:MAX_TEXT_CHARS])
    except ValueError:
        return
    if not isinstance(doc, dict):
        return
    common: dict[str, Any] = {"node_id": None, "node_type": None, "active": True, "origin": "a1111"}
    for key in ("base_model", "refiner_model"):
        value = doc.get(key)
        if isinstance(value, str):
            collector.add_value(value, input_name=key, folder="checkpoints", **common)
    loras = doc.get("loras")
    if isinstance(loras, list):
        for entry in loras:
            if isinstance(entry, list) and entry and isinstance(entry[0], str):
                collector.add_value(entry[0], input_name="loras", folder="loras", **common)
