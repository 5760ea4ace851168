"""Loopback servers that never answer: the faults no HTTP emulator can play.

``SilentServer`` accepts every connection and holds it without a byte in return (or, given
``headers``, sends them and then stalls in the middle of the body). ``FullBacklog`` listens but
never accepts, and its one-slot queue is taken: a new connection is never even established.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class SilentServer:
    """Accepts connections on 127.0.0.1 and never finishes an answer.

    Args:
        headers: Sent once the request has arrived (then nothing more); None sends nothing.
    """

    def __init__(self, headers: bytes | None = None):
        self._headers = headers
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.1)
        self.port = int(self._sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            self._held.append(conn)
            if self._headers is not None:
                threading.Thread(target=self._answer_headers, args=(conn,), daemon=True).start()

    def _answer_headers(self, conn: socket.socket) -> None:
        received = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in received:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                received += chunk
            conn.sendall(self._headers or b"")

    def stop(self) -> None:
        """Stop accepting and close every held connection."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()
        for conn in self._held:
            conn.close()


class FullBacklog:
    """Listens on 127.0.0.1 without ever accepting, its queue already full: connecting hangs."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(0)
        self.port = int(self._sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._filler = socket.create_connection(("127.0.0.1", self.port), timeout=2)

    def stop(self) -> None:
        """Close the listener and the connection that filled its queue."""
        self._filler.close()
        self._sock.close()
