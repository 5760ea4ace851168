"""Batch import: many names, one per line, from a file or the clipboard.

Blank lines and ``#`` comments are skipped; each line is read by
:func:`~hfsuite.sources.names.parse_name`. A line that cannot be understood is reported by its
number with the reason, and the other lines are still imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from hfsuite.core.errors import UsageError
from hfsuite.sources.names import ParsedName, parse_name

__all__ = ["BatchError", "BatchImport", "BatchItem", "parse_batch"]


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One line of a batch that was understood.

    Attributes:
        line_no: 1-based line number.
        text: The line's name as written (comments stripped).
        name: What it means.
    """

    line_no: int
    text: str
    name: ParsedName


@dataclass(frozen=True, slots=True)
class BatchError:
    """One line of a batch that was not understood.

    Attributes:
        line_no: 1-based line number.
        text: The line as written.
        message: Why it was refused.
    """

    line_no: int
    text: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line_no}: {self.message}"


@dataclass
class BatchImport:
    """The outcome of reading a batch: what was understood, and what was not."""

    items: list[BatchItem] = field(default_factory=list)
    errors: list[BatchError] = field(default_factory=list)


_COMMENT_RE = re.compile(r"\s+#.*$")


def parse_batch(
    lines: str | Iterable[str],
    *,
    endpoints: Iterable[str] = (),
    modelscope_endpoints: Iterable[str] = (),
) -> BatchImport:
    """Read one name per line (a file, or pasted text from the clipboard).

    Blank lines and lines starting with ``#`` are skipped, as is text after `` #``. A line
    that cannot be understood is reported by number and the others are still read.
    """
    if isinstance(lines, str):
        lines = lines.splitlines()
    endpoints, modelscope_endpoints = list(endpoints), list(modelscope_endpoints)
    result = BatchImport()
    for number, raw in enumerate(lines, start=1):
        line = raw.lstrip("\ufeff").strip()
        if not line or line.startswith("#"):
            continue
        line = _COMMENT_RE.sub("", line)
        try:
            name = parse_name(line, endpoints=endpoints, modelscope_endpoints=modelscope_endpoints)
        except UsageError as exc:
            result.errors.append(BatchError(number, line, exc.message))
            continue
        result.items.append(BatchItem(number, line, name))
    return result
