"""Header metadata in a readable form for the Local models tab's details pane.

A LoRA's kohya ``ss_*`` keys become "Training" with plain names (base model, network dim,
epochs, the most frequent caption tags); ``modelspec.*`` keys "Model spec"; a GGUF's keys are
grouped as "GGUF" (``general.*``, the architecture's own keys, the tokenizer's summary); any
other safetensors ``__metadata__`` is listed as it is. Long values are cut for the pane.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from hfsuite.ui.i18n import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate

MAX_VALUE = 300
"""Characters of one value shown (the rest is cut with an ellipsis)."""
TOP_TAGS_SHOWN = 12

_TRAINING = (  # labels in English, shown through translate("LibraryMeta", …)
    ("ss_base_model_version", QT_TRANSLATE_NOOP("LibraryMeta", "Base model")),
    ("ss_sd_model_name", QT_TRANSLATE_NOOP("LibraryMeta", "Trained on")),
    ("ss_output_name", QT_TRANSLATE_NOOP("LibraryMeta", "Output name")),
    ("ss_network_module", QT_TRANSLATE_NOOP("LibraryMeta", "Network")),
    ("ss_network_dim", QT_TRANSLATE_NOOP("LibraryMeta", "Network dim")),
    ("ss_network_alpha", QT_TRANSLATE_NOOP("LibraryMeta", "Network alpha")),
    ("ss_resolution", QT_TRANSLATE_NOOP("LibraryMeta", "Resolution")),
    ("ss_num_train_images", QT_TRANSLATE_NOOP("LibraryMeta", "Training images")),
    ("ss_num_epochs", QT_TRANSLATE_NOOP("LibraryMeta", "Epochs")),
    ("ss_max_train_steps", QT_TRANSLATE_NOOP("LibraryMeta", "Steps")),
    ("ss_learning_rate", QT_TRANSLATE_NOOP("LibraryMeta", "Learning rate")),
    ("ss_optimizer", QT_TRANSLATE_NOOP("LibraryMeta", "Optimizer")),
    ("ss_mixed_precision", QT_TRANSLATE_NOOP("LibraryMeta", "Mixed precision")),
    ("ss_training_comment", QT_TRANSLATE_NOOP("LibraryMeta", "Comment")),
    ("ss_training_started_at", QT_TRANSLATE_NOOP("LibraryMeta", "Started")),
    ("ss_training_finished_at", QT_TRANSLATE_NOOP("LibraryMeta", "Finished")),
)  # fmt: skip
_HIDDEN = {"ss_tag_frequency", "ss_dataset_dirs", "ss_bucket_info", "modelspec.thumbnail"}

Section = tuple[str, list[tuple[str, str]]]


def value_text(value: Any, limit: int = MAX_VALUE) -> str:
    """A metadata value as one line of text, cut to ``limit`` characters."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, Mapping) and "count" in value and "first" in value:
        first = ", ".join(str(v) for v in list(value["first"])[:8])
        text = translate("LibraryMeta", "{count} entries ({first}, …)").format(
            count=f"{value['count']:,}", first=first
        )
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tags(meta: Mapping[str, Any]) -> str | None:
    top = meta.get("ss_tag_frequency.top")
    if not isinstance(top, list) or not top:
        return None
    shown = ", ".join(f"{t[0]} ({t[1]})" for t in top[:TOP_TAGS_SHOWN] if len(t) >= 2)
    count = meta.get("ss_tag_frequency.count")
    if not isinstance(count, int):
        return shown
    distinct = translate("LibraryMeta", "{count} distinct tags").format(count=f"{count:,}")
    return f"{shown} — {distinct}"


def readable_metadata(meta: Mapping[str, Any] | None, fmt: str = "") -> list[Section]:
    """The header metadata as titled sections of (label, text) pairs, empty ones left out
    (titles and labels translated; metadata keys as they are)."""
    if not meta:
        return []
    used: set[str] = set()
    training: list[tuple[str, str]] = []
    for key, label in _TRAINING:
        value = meta.get(key)
        if value not in (None, "", "None"):
            training.append((translate("LibraryMeta", label), value_text(value)))
            used.add(key)
    tags = _tags(meta)
    if tags:
        training.append((translate("LibraryMeta", "Top tags"), tags))
    used |= {k for k in meta if k.startswith("ss_tag_frequency")}
    spec = [
        (k.removeprefix("modelspec."), value_text(v))
        for k, v in meta.items()
        if k.startswith("modelspec.") and k not in _HIDDEN
    ]
    used |= {k for k in meta if k.startswith("modelspec.")}
    rest = [
        (k, value_text(v))
        for k, v in meta.items()
        if k not in used and k not in _HIDDEN and not k.startswith("ss_")
    ]
    more_ss = [
        (k.removeprefix("ss_"), value_text(v))
        for k, v in meta.items()
        if k.startswith("ss_") and k not in used and k not in _HIDDEN
    ]
    sections: list[Section] = []
    if training or more_ss:
        sections.append((translate("LibraryMeta", "Training (LoRA)"), training + more_ss))
    if spec:
        sections.append((translate("LibraryMeta", "Model spec"), spec))
    if rest:
        title = (
            translate("LibraryMeta", "GGUF keys")
            if fmt == "gguf"
            else translate("LibraryMeta", "Header metadata")
        )
        sections.append((title, rest))
    return sections
