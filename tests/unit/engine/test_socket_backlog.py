"""How many received bytes wait in a socket (the connection policy's sign of a busy machine)."""

from __future__ import annotations

import socket
import sys

import pytest

from hfsuite.engine.http import waiting_bytes

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIONREAD through fcntl: POSIX")


@posix_only
def test_the_bytes_not_read_yet_are_counted() -> None:
    left, right = socket.socketpair()
    with left, right:
        assert waiting_bytes(right) == 0
        left.sendall(b"x" * 5000)
        got = right.recv(1000)
        # a local pair delivers at once; what was not read is still there
        assert len(got) == 1000 and waiting_bytes(right) == 4000


def test_no_socket_or_a_closed_one_is_unknown() -> None:
    assert waiting_bytes(None) is None
    left, right = socket.socketpair()
    left.close()
    right.close()
    assert waiting_bytes(right) is None  # fileno() is -1: the question cannot be asked
