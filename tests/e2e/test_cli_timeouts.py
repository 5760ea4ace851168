"""The installed command against a server that accepts connections and never answers.

With ``HFSUITE_READ_TIMEOUT_S=0.5`` each command must stop after its tries with exit code 5, an
error naming the host and the timeout, and a hint naming the setting: never sit silent.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.timeout(150)  # the fixture's own limit (120 s) is what used to trip
BOUND_S = 20.0  # start-up, 3 tries of 0.5 s, two short pauses; generous for a loaded machine


class _Silent:
    """Accepts on 127.0.0.1 and holds every connection without a byte in return."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.held: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            with contextlib.suppress(TimeoutError):
                self.held.append(self.sock.accept()[0])

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent() -> Iterator[_Silent]:
    server = _Silent()
    yield server
    server.stop()


def _run(hfsuite_cmd, *args: str, env: dict[str, str]):  # type: ignore[no-untyped-def]
    start = time.monotonic()
    result = hfsuite_cmd(*args, env={"HFSUITE_READ_TIMEOUT_S": "0.5", **env})
    return result, time.monotonic() - start


def _assert_names_the_host(result, elapsed: float, port: int, request: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 5, (result.returncode, result.stderr)
    assert (
        f"Error: No answer from 127.0.0.1:{port} within 0.5 s (read timeout) while "
        f"requesting {request}." in result.stderr
    ), result.stderr
    assert "hfsuite config set read_timeout_s" in result.stderr
    assert "attempt 3 of 3" in result.stderr  # the tries are announced, not silent
    assert elapsed < BOUND_S, f"took {elapsed:.1f} s"


def test_info(hfsuite_cmd, silent) -> None:  # type: ignore[no-untyped-def]
    result, elapsed = _run(hfsuite_cmd, "info", "acme/x", env={"HF_ENDPOINT": silent.url})
    _assert_names_the_host(result, elapsed, silent.port, "/api/models/acme/x")


def test_download_dry_run(hfsuite_cmd, silent) -> None:  # type: ignore[no-untyped-def]
    result, elapsed = _run(
        hfsuite_cmd, "download", "--dry-run", "acme/x", env={"HF_ENDPOINT": silent.url}
    )
    _assert_names_the_host(result, elapsed, silent.port, "/api/models/acme/x/revision/main")


def test_plain_url_download(hfsuite_cmd, silent, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result, elapsed = _run(
        hfsuite_cmd,
        "download",
        f"{silent.url}/weights.bin",
        "--local-dir",
        str(tmp_path / "out"),
        env={},
    )
    _assert_names_the_host(result, elapsed, silent.port, "/weights.bin")
