"""The request log: one record per answered request, for assertions in tests.

Records are appended when a response is finished (so ``bytes_sent`` is what was really
written, partial when a connection dropped). A client can see its last byte before the server
thread has appended the record: use :meth:`RequestLog.wait_for` instead of asserting at once.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any


@dataclass(frozen=True)
class RequestRecord:
    """One answered request.

    Attributes:
        method: HTTP method.
        path: Decoded request path (no query).
        query: Raw query string ("" when none).
        range: The ``Range`` header as sent, or None.
        status: Response status code.
        bytes_sent: Body bytes actually written to the socket.
        connection_id: Identifies the TCP connection (distinct across hub and CDN).
        origin: ``"hub"`` or ``"cdn"``.
        authorization: Whether an Authorization header was present (the token is never kept).
        started: Unix time the request arrived.
        duration_s: Time from arrival to the end of the response.
        user_agent: The ``User-Agent`` header, if any.
    """

    method: str
    path: str
    query: str
    range: str | None
    status: int
    bytes_sent: int
    connection_id: int
    origin: str
    authorization: bool
    started: float
    duration_s: float
    user_agent: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-able data."""
        return dataclasses.asdict(self)


class RequestLog:
    """A thread-safe list of :class:`RequestRecord`, optionally mirrored to a JSON-lines file.

    Args:
        path: If given, every record is also appended to this file as one JSON line.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._records: list[RequestRecord] = []
        self._cond = threading.Condition()
        self._cleared_at = float("-inf")
        self._file: IO[str] | None = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115

    def append(self, record: RequestRecord, *, began: float | None = None) -> None:
        """Add a record (and write it to the log file).

        Args:
            record: The finished request.
            began: When the request arrived (``time.monotonic()``). A request that arrived before
                the last :meth:`clear` is written to the file but not kept: the server records a
                request a moment after answering it, and that record must not land after a clear
                meant to forget it.
        """
        with self._cond:
            if began is None or began >= self._cleared_at:
                self._records.append(record)
            if self._file is not None:
                self._file.write(json.dumps(record.to_dict()) + "\n")
                self._file.flush()
            self._cond.notify_all()

    def close(self) -> None:
        """Close the log file, if any."""
        with self._cond:
            if self._file is not None:
                self._file.close()
                self._file = None

    @property
    def records(self) -> list[RequestRecord]:
        """A copy of all records, oldest first."""
        with self._cond:
            return list(self._records)

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        with self._cond:
            return len(self._records)

    def clear(self) -> None:
        """Forget all records, including those of requests under way now (see :meth:`append`)."""
        with self._cond:
            self._records.clear()
            self._cleared_at = time.monotonic()

    def filter(
        self,
        path: str | None = None,
        method: str | None = None,
        origin: str | None = None,
        status: int | None = None,
    ) -> list[RequestRecord]:
        """Records matching every given criterion (``path`` is an fnmatch glob)."""
        out = []
        for r in self.records:
            if path is not None and not fnmatch.fnmatchcase(r.path, path):
                continue
            if method is not None and r.method != method.upper():
                continue
            if origin is not None and r.origin != origin:
                continue
            if status is not None and r.status != status:
                continue
            out.append(r)
        return out

    def bytes_sent(self, path: str | None = None, origin: str | None = None) -> int:
        """Total body bytes sent for matching records."""
        return sum(r.bytes_sent for r in self.filter(path=path, origin=origin))

    def connection_ids(self, path: str | None = None, origin: str | None = None) -> set[int]:
        """Distinct connection ids used by matching records."""
        return {r.connection_id for r in self.filter(path=path, origin=origin)}

    def wait_for(
        self,
        predicate: Callable[[list[RequestRecord]], bool] | int,
        timeout_s: float = 5.0,
    ) -> list[RequestRecord]:
        """Block until ``predicate(records)`` is true (or, given an int, that many records exist).

        Raises:
            TimeoutError: When the condition is still false after ``timeout_s``.
        """
        if isinstance(predicate, int):
            wanted = predicate

            def predicate(records: list[RequestRecord]) -> bool:
                return len(records) >= wanted

        deadline = time.monotonic() + timeout_s
        with self._cond:
            while not predicate(list(self._records)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("request log condition not met in time")
                self._cond.wait(remaining)
            return list(self._records)
