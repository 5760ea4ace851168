"""What the library commands print: JSON documents (docs/json.md, ``library-*`` and ``scan``)
and the short texts the tables show."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hfsuite.cli.json_views import Json, document
from hfsuite.core.i18n import english

if TYPE_CHECKING:
    from hfsuite.app.library import LibraryFileRecord, LibraryRootRecord, ScanSummary


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat() if ts else None


def source_of(f: LibraryFileRecord) -> Json | None:
    """Where a file came from, when the HF cache tells (its first revision/path)."""
    if not f.hf_refs:
        return None
    ref = f.hf_refs[0]
    return {
        "kind": "hf_cache",
        "repo_type": ref.repo_type,
        "repo_id": ref.repo_id,
        "revision": ref.revision,
        "path": ref.path,
    }


def file_item(f: LibraryFileRecord) -> Json:
    """One library file (``library ls`` items; ``library show`` adds header details)."""
    return {
        "path": f.path,
        "root": f.root,
        "format": f.format,
        "kind": f.kind,
        "architecture": f.architecture,
        "dtype": f.dtype,
        "parameter_count": f.parameter_count,
        "context_length": f.context_length,
        "size_bytes": f.size_bytes,
        "modified": _iso(f.mtime_ns / 1e9),
        "sha256": f.sha256,
        "autov2": f.autov2,
        "autov1": f.autov1,
        "hash_origin": f.hash_origin,
        "source": source_of(f),
        "hf_refs": [
            {"repo_type": r.repo_type, "repo_id": r.repo_id, "revision": r.revision, "path": r.path}
            for r in f.hf_refs
        ],
        "hard_links": f.nlink,
        "is_symlink": f.is_symlink,
        "problem": {"kind": f.problem_kind, "message": f.problem} if f.problem else None,
        "first_seen": _iso(f.first_seen),
        "last_seen": _iso(f.last_seen),
    }


def file_list_view(
    files: Iterable[LibraryFileRecord], total_bytes: int, hidden: int, indexed: int
) -> Json:
    """``hfsuite library ls --json``."""
    items = [file_item(f) for f in files]
    return document(
        "library-list",
        {
            "files": items,
            "file_count": len(items),
            "total_bytes": total_bytes,
            "hidden_files": hidden,
            "indexed_files": indexed,
        },
    )


def file_detail_view(f: LibraryFileRecord, provenance: Mapping[str, Any] | None = None) -> Json:
    """``hfsuite library show --json`` (``provenance``: where it came from, or null)."""
    return document(
        "library-file",
        {
            **file_item(f),
            "provenance": dict(provenance) if provenance is not None else None,
            "tensor_count": f.tensor_count,
            "warnings": list(f.warnings),
            "metadata": dict(f.metadata) if f.metadata else {},
        },
    )


def roots_view(roots: Iterable[LibraryRootRecord], counts: Mapping[str, tuple[int, int]]) -> Json:
    """``hfsuite library roots ls --json``."""
    return document(
        "library-roots",
        {
            "roots": [
                {
                    "path": r.path,
                    "kind": r.kind,
                    "added_at": _iso(r.added_at),
                    "file_count": counts.get(r.path, (0, 0))[0],
                    "total_bytes": counts.get(r.path, (0, 0))[1],
                }
                for r in roots
            ]
        },
    )


def root_change_view(action: str, path: str, kind: str | None, files_removed: int) -> Json:
    """``hfsuite library roots add|rm --json``."""
    return document(
        "library-root-change",
        {"action": action, "path": path, "kind": kind, "files_removed": files_removed},
    )


def scan_view(s: ScanSummary, added_roots: Iterable[str]) -> Json:
    """``hfsuite scan --json``: what the scan did."""
    return document(
        "scan",
        {
            "roots": list(s.roots),
            "added_roots": list(added_roots),
            "file_count": s.files,
            "total_bytes": s.bytes,
            "added": s.added,
            "changed": s.changed,
            "unchanged": s.unchanged,
            "removed": s.removed,
            "moved": [{"from": m.old_path, "to": m.new_path, "by": m.by} for m in s.moved],
            "identified": s.identified,
            "hashed_files": s.hashed_files,
            "hashed_bytes": s.hashed_bytes,
            "cached_hashes": s.cached_hashes,
            "issues": [
                {"path": i.path, "kind": i.kind, "message": english(i.message)} for i in s.issues
            ],
            "cancelled": s.cancelled,
            "elapsed_s": round(s.elapsed_s, 3),
        },
    )


def shown_name(f: LibraryFileRecord) -> str:
    """How a table names a file: ``repo_id: path`` for the HF cache, else its path."""
    if f.hf_refs:
        ref = f.hf_refs[0]
        more = f" (+{len(f.hf_refs) - 1})" if len(f.hf_refs) > 1 else ""
        return f"{ref.repo_id}: {ref.path}{more}"
    return f.path


def params_text(count: int | None) -> str:
    """``7.2B``, ``350M``, ``12K`` (blank when unknown)."""
    if not count:
        return ""
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if count >= size:
            value = count / size
            return f"{value:.1f}{unit}" if value < 100 else f"{value:.0f}{unit}"
    return str(count)


def json_safe(value: Any) -> Any:
    """Metadata values as printable text for the table of ``library show``."""
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


FAST_ROWS = 200
"""Listings longer than this are laid out by :func:`aligned_lines` (a Rich table of thousands
of rows takes seconds to measure and render); shorter ones use a FoldingTable."""


def aligned_lines(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Collection[int], width: int
) -> list[str] | None:
    """The lines of a borderless table as FoldingTable draws it (two spaces between columns,
    the header first), with the first column folded onto more lines when the row is too wide.

    Returns None when even a narrow first column does not fit (the caller falls back to a
    FoldingTable, which folds every column).
    """
    from rich.cells import cell_len, chop_cells

    count = len(headers)
    widths = [cell_len(h) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], cell_len(value))
    others = sum(widths[1:]) + 2 * (count - 1)
    first = min(widths[0], width - others)
    if first < min(12, widths[0]):
        return None
    widths[0] = first

    def cell(i: int, text: str) -> str:
        pad = " " * (widths[i] - cell_len(text))
        return pad + text if i in right else text + pad

    def lines_of(row: Sequence[str]) -> list[str]:
        parts = chop_cells(row[0], first) if cell_len(row[0]) > first else [row[0]]
        out = ["  ".join([cell(0, parts[0]), *(cell(i, v) for i, v in enumerate(row) if i)])]
        out += [cell(0, part) for part in parts[1:]]
        return [line.rstrip() for line in out]

    result = lines_of(headers)
    for row in rows:
        result += lines_of(row)
    return result
