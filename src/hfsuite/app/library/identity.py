"""What one scanned file is, as a ``library_files`` row: identification from its header (the
pure readers of :mod:`hfsuite.library.identify`) and metadata cut to a bounded, readable size.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from hfsuite.app.library.hashes import stat_key
from hfsuite.core.i18n import english, joined
from hfsuite.library.cache_layout import HfRef
from hfsuite.library.hashing import FileKey
from hfsuite.library.header import ModelFormat
from hfsuite.library.identify import Identification, identify
from hfsuite.library.scanner import ScannedFile
from hfsuite.storage import HfRefEntry, LibraryFileSpec

METADATA_BUDGET = 32 * 1024
"""At most this many characters of header metadata are stored per file (as JSON)."""
METADATA_VALUE = 1024
"""A metadata string longer than this is cut (LoRA tag frequencies can be megabytes)."""
PROBLEM_TEXT = 1000
"""Longest problem message stored."""
TRUNCATED_KEY = "…"
"""Key under which the number of metadata entries left out is stored."""

NOT_A_MODEL = "Not a model format the library reads."


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _readable(value: object) -> Any:
    """A JSON-friendly, bounded form of one metadata value."""
    if isinstance(value, str):
        return _clip(value, METADATA_VALUE)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        return [_readable(v) for v in value[:16]]
    if isinstance(value, Mapping):
        return {str(k): _readable(v) for k, v in list(value.items())[:16]}
    return _clip(str(value), METADATA_VALUE)


def bounded_metadata(metadata: Mapping[str, object]) -> dict[str, Any] | None:
    """Header metadata for storage: strings cut, at most :data:`METADATA_BUDGET` characters
    of JSON; the number of entries left out is stored under :data:`TRUNCATED_KEY`."""
    if not metadata:
        return None
    out: dict[str, Any] = {}
    used = 2
    left = 0
    for key, value in metadata.items():
        item = _readable(value)
        cost = len(json.dumps({str(key): item}, ensure_ascii=False, default=str))
        if used + cost > METADATA_BUDGET:
            left += 1
            continue
        out[str(key)] = item
        used += cost
    if left:
        out[TRUNCATED_KEY] = left
    return out


def _shard_keys(ident: Identification) -> dict[str, object]:
    """A shard's set, first in the stored metadata so the budget never cuts it."""
    if ident.shard_count is None and ident.shard_of is None:
        return {}
    keys: dict[str, object] = {"shard.count": ident.shard_count}
    if ident.shard_index is not None:
        keys["shard.index"] = ident.shard_index
    if ident.shard_of is not None:
        keys["shard.of"] = str(ident.shard_of)
    return keys


def ref_entries(refs: tuple[HfRef, ...]) -> tuple[HfRefEntry, ...]:
    """HF-cache references as storage entries (the snapshot path is left out: it follows)."""
    return tuple(HfRefEntry(r.repo_type, r.repo_id, r.revision, r.path) for r in refs)


def describe(found: ScannedFile, root: str) -> tuple[LibraryFileSpec | None, str | None]:
    """Identify one scanned file from its header.

    Args:
        found: The file as the walk saw it.
        root: The registered scan root it belongs to.

    Returns:
        The row to store, or None when the file vanished before it could be read; and a
        problem message for the scan's report (also stored on the row when there is one).
    """
    path = found.path
    problem_kind: str | None = None
    problem: str | None = None
    report: str | None = None
    try:
        with open(path, "rb"):
            pass
    except FileNotFoundError:
        return None, "vanished before it could be read"
    except PermissionError as exc:
        problem_kind, problem = "permission", f"cannot be read: {exc.strerror or exc}"
    except OSError as exc:
        problem_kind, problem = "error", f"cannot be read: {exc}"
    fields: dict[str, Any] = {}
    if problem_kind is None:
        ident = identify(path)
        errors = [e for e in ident.errors if english(e) != NOT_A_MODEL]
        if errors:
            # The header's problems are translated (tr); the database, shared by processes in
            # any language, stores their English, and the scan's report shows them translated.
            problem_kind = "header"
            report = joined(*errors, sep="; ")
            problem = _clip(english(report), PROBLEM_TEXT)
        fields = {
            "format": str(ident.format),
            "kind": ident.kind if ident.format is not ModelFormat.UNKNOWN else "unknown",
            "architecture": ident.architecture,
            # Precision or quantisation: Q4_K_M, fp8_e4m3fn, bnb-nf4 say more than the
            # dominant tensor type of a quantised file.
            "dtype": ident.quantization or ident.dtype,
            "parameter_count": ident.parameter_count,
            "context_length": ident.context_length,
            "tensor_count": ident.header.tensor_count or None,
            "metadata": bounded_metadata({**_shard_keys(ident), **ident.header.metadata}),
            "warnings": tuple(_clip(w, PROBLEM_TEXT) for w in ident.warnings),
        }
        try:
            after = FileKey.of(os.stat(path))
        except OSError:
            return None, "vanished while it was read"
        if after != found.key:
            problem_kind = "changed"
            problem = "changed while it was read (it is read again by the next scan)"
            report = None
    spec = LibraryFileSpec(
        path=path,
        root=root,
        key=stat_key(found.key),
        nlink=found.nlink,
        is_symlink=found.is_symlink,
        hf_blob=found.hf_blob,
        problem_kind=problem_kind,
        problem=problem,
        hf_refs=ref_entries(found.hf_refs),
        **fields,
    )
    # A report too long to store whole is shown as stored (English, cut).
    short = report is not None and len(english(report)) <= PROBLEM_TEXT
    return spec, report if short else problem
