"""A new file's Xet facts, asked beside its transfer, for the chunk record of a later update.

Under ``--xet auto`` a file takes the Xet path only when the destination holds enough of its
chunks already (an update). When the destination has no chunk record at all, nothing can be
reused and the file takes the resolve redirect at once: the Xet probe (a ``HEAD`` of the
resolve URL), the read token and the reconstruction, three requests that used to come before
its first byte, are made here in a thread of their own instead. What they give is only the
file's chunk record (:meth:`XetFetcher.record <hfsuite.engine.xet.fetch.XetFetcher.record>`),
which lets a later revision of the file reuse its chunks; a lookup that fails or is late costs
that record, never the download.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from hfsuite.core.errors import HfSuiteError
from hfsuite.engine.changes import RemoteChanged

if TYPE_CHECKING:
    from hfsuite.core.remote import RemoteFile
    from hfsuite.engine.context import FileContext
    from hfsuite.engine.xet.chunk_index import ChunkIndex
    from hfsuite.engine.xet.fetch import XetFetcher

log = logging.getLogger(__name__)


class XetRecordLookup:
    """Finds, in a daemon thread, whether a file is Xet-backed and reads its reconstruction.

    Args:
        ctx: The transfer's shared context (client, options, control).
        remote: The file.
        size: Its expected size.
        index: The destination's chunk records, where the record will go.
    """

    def __init__(self, ctx: FileContext, remote: RemoteFile, size: int, index: ChunkIndex):
        self._ctx, self._remote, self._size, self._index = ctx, remote, size, index
        self._fetcher: XetFetcher | None = None
        self._thread = threading.Thread(target=self._run, name="hfsuite-xet-lookup", daemon=True)

    def start(self) -> XetRecordLookup:
        """Start the lookup; returns self."""
        self._thread.start()
        return self

    def fetcher(self, wait_s: float) -> XetFetcher | None:
        """The fetcher that records the file's chunks, once the lookup has ended within
        ``wait_s`` seconds; None when the file is not Xet-backed, the lookup failed, or it is
        still waiting for the server (the record is then skipped)."""
        self._thread.join(wait_s)
        if self._thread.is_alive():
            log.info("%s: the Xet lookup is still waiting; no chunk record", self._remote.path)
            return None
        return self._fetcher

    def _run(self) -> None:
        from hfsuite.engine.xet.fetch import XetFetcher, choose  # in this thread, not the file's

        path = self._remote.path
        try:
            plan = choose(self._ctx, self._remote, self._size)
            if plan is None:
                return
            fetcher = XetFetcher(self._ctx, self._remote, plan, self._index)
            fetcher.read_reconstruction(self._size)
            self._fetcher = fetcher
        except (HfSuiteError, RemoteChanged) as exc:
            # The transfer checks what the server sends on its own (size, etag, hash).
            log.info("%s: no Xet chunk record (%s)", path, exc)
        except Exception:  # a bug here must not go unseen, nor stop the download
            log.warning("%s: the Xet lookup failed unexpectedly", path, exc_info=True)
