"""The one exception both download paths (HTTP ranges, Xet) raise when the file moved on."""

from __future__ import annotations


class RemoteChanged(Exception):
    """The file on the server is not the one planned (size or etag differ)."""

    def __init__(self, reason: str, new_etag: str | None = None, new_size: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.new_etag = new_etag
        self.new_size = new_size
