"""The emulator's HTTP layer under rude clients."""

from __future__ import annotations

import socket
import struct
import urllib.request
from urllib.parse import urlsplit


def test_a_client_resetting_its_connection_prints_no_traceback(hub_factory, capfd) -> None:  # type: ignore[no-untyped-def]
    hub = hub_factory()
    hub.create_repo("acme/m", files={"config.json": b"{}"})
    host, port = urlsplit(hub.url).hostname, urlsplit(hub.url).port
    assert host and port
    for _ in range(3):
        with socket.create_connection((host, port)) as sock:
            sock.sendall(b"GET /api/models/acme/m HTTP/1.1\r\nHost: x\r\n")  # never finished
            # Close with a reset (linger 0) while the server waits for the rest.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    # The server is still serving, and said nothing about the hang-ups.
    with urllib.request.urlopen(f"{hub.url}/api/models/acme/m", timeout=10) as resp:
        assert resp.status == 200
    assert "Traceback" not in capfd.readouterr().err
