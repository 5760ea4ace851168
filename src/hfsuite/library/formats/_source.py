"""Opening a path or a binary file, and reads that never go past a bound or the end."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from hfsuite.core.i18n import tr
from hfsuite.library.header import HeaderError

__all__ = ["Source", "opened", "read_exact", "remaining", "size_of"]

Source = str | os.PathLike[str] | BinaryIO
"""A file to read: a path, or a seekable binary file (left open, read from where it is)."""


@contextmanager
def opened(source: Source) -> Iterator[BinaryIO]:
    """A binary file for ``source``: opened (and closed after) for a path, as is otherwise."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            yield f
    else:
        yield source


def size_of(f: BinaryIO) -> int:
    """The size of a seekable file, keeping its position."""
    here = f.tell()
    end = f.seek(0, io.SEEK_END)
    f.seek(here)
    return end


def remaining(f: BinaryIO, size: int) -> int:
    """Bytes from the current position to ``size`` (the end)."""
    return max(0, size - f.tell())


def read_exact(f: BinaryIO, n: int, size: int, what: str) -> bytes:
    """Exactly ``n`` bytes, checked against the file's end before anything is allocated.

    Raises:
        HeaderError: when fewer than ``n`` bytes are left (a truncated or lying header).
    """
    if n < 0 or n > remaining(f, size):
        raise HeaderError(
            tr(
                "Truncated {what}: needs {n} bytes, {left} left.",
                what=tr(what),
                n=n,
                left=remaining(f, size),
            )
        )
    data = f.read(n)
    if len(data) != n:
        raise HeaderError(
            tr("Truncated {what}: needs {n} bytes, got {got}.", what=tr(what), n=n, got=len(data))
        )
    return data
