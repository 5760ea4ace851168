"""Which HTTP client should the transfer engine use? Measure, don't guess.

Downloads one large file served by the Hub emulator (``python -m hfsuite.testing.hub serve``)
with N parallel Range requests into one preallocated file (``os.pwrite`` at offsets, as the
engine does), once per candidate client, and prints wall time, throughput and CPU seconds
(user+sys of this process) per GiB.

    python bench/http_clients.py --size-mib 1024 --connections 8 [--repeat 3]

Candidates: aiohttp (asyncio), httpx (asyncio), stdlib http.client in threads (readinto a
reused buffer), and pycurl's multi interface when pycurl is installed.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import dataclasses
import http.client
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

BUF = 1 << 20


def _ranges(size: int, n: int) -> list[tuple[int, int]]:
    step = -(-size // n)
    return [(a, min(size, a + step) - 1) for a in range(0, size, step)]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# --- candidates -------------------------------------------------------------------------------
def run_aiohttp(url: str, size: int, n: int, fd: int) -> None:
    import aiohttp

    async def one(session: aiohttp.ClientSession, a: int, b: int) -> None:
        async with session.get(url, headers={"Range": f"bytes={a}-{b}"}) as resp:
            assert resp.status == 206, resp.status
            pos = a
            async for chunk in resp.content.iter_chunked(BUF):
                os.pwrite(fd, chunk, pos)
                pos += len(chunk)
            assert pos == b + 1

    async def main() -> None:
        conn = aiohttp.TCPConnector(limit=n)
        async with aiohttp.ClientSession(connector=conn, auto_decompress=False) as session:
            await asyncio.gather(*(one(session, a, b) for a, b in _ranges(size, n)))

    asyncio.run(main())


def run_httpx(url: str, size: int, n: int, fd: int) -> None:
    import httpx

    async def one(client: httpx.AsyncClient, a: int, b: int) -> None:
        async with client.stream("GET", url, headers={"Range": f"bytes={a}-{b}"}) as resp:
            assert resp.status_code == 206
            pos = a
            async for chunk in resp.aiter_raw(BUF):
                os.pwrite(fd, chunk, pos)
                pos += len(chunk)
            assert pos == b + 1

    async def main() -> None:
        limits = httpx.Limits(max_connections=n)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            await asyncio.gather(*(one(client, a, b) for a, b in _ranges(size, n)))

    asyncio.run(main())


def _get_range(
    url: str, a: int, b: int
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """A ranged GET with http.client; the response's body still unread."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.request("GET", target, headers={"Range": f"bytes={a}-{b}"})
    resp = conn.getresponse()
    assert resp.status == 206, resp.status
    return conn, resp


def run_threads(url: str, size: int, n: int, fd: int) -> None:
    def one(a: int, b: int) -> None:
        conn, resp = _get_range(url, a, b)
        buf = bytearray(BUF)
        view = memoryview(buf)
        pos = a
        while True:
            got = resp.readinto(view)
            if not got:
                break
            os.pwrite(fd, view[:got], pos)
            pos += got
        conn.close()
        assert pos == b + 1

    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        list(pool.map(lambda r: one(*r), _ranges(size, n)))


def run_splice(url: str, size: int, n: int, fd: int) -> None:
    """As run_threads, but the body goes socket -> pipe -> file with splice(2) (Linux, plain
    HTTP): no copy through a Python buffer."""
    import fcntl

    def one(a: int, b: int) -> None:
        conn, resp = _get_range(url, a, b)
        assert resp.fp is not None and conn.sock is not None
        r, w = os.pipe2(os.O_CLOEXEC)
        fcntl.fcntl(w, 1031, BUF)  # F_SETPIPE_SZ
        pos, end = a, b + 1
        head = resp.fp.peek(1)[: end - pos]  # what http.client read past the headers
        resp.fp.read1(len(head))
        os.pwrite(fd, head, pos)
        pos += len(head)
        conn.sock.setblocking(True)
        sfd = conn.sock.fileno()
        while pos < end:
            got = os.splice(sfd, w, min(BUF, end - pos), flags=os.SPLICE_F_MOVE)
            if not got:
                break
            moved = 0
            while moved < got:
                moved += os.splice(r, fd, got - moved, offset_dst=pos + moved)
            pos += got
        os.close(r)
        os.close(w)
        conn.close()
        assert pos == end

    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        list(pool.map(lambda r: one(*r), _ranges(size, n)))


def run_mmap(url: str, size: int, n: int, fd: int) -> None:
    """As run_threads, but each connection reads straight into a shared mapping of the file
    (``recv_into`` the page cache: no copy through a Python buffer, no ``pwrite``)."""
    import mmap

    mapped = mmap.mmap(fd, size)
    whole = memoryview(mapped)

    def one(a: int, b: int) -> None:
        conn, resp = _get_range(url, a, b)
        assert resp.fp is not None and conn.sock is not None
        pos, end = a, b + 1
        head = resp.fp.peek(1)[: end - pos]  # what http.client read past the headers
        resp.fp.read1(len(head))
        whole[pos : pos + len(head)] = head
        pos += len(head)
        sock = conn.sock
        while pos < end:
            got = sock.recv_into(whole[pos : min(end, pos + BUF)])
            if not got:
                break
            pos += got
        conn.close()
        assert pos == end

    try:
        with concurrent.futures.ThreadPoolExecutor(n) as pool:
            list(pool.map(lambda r: one(*r), _ranges(size, n)))
    finally:
        whole.release()
        mapped.close()


def _open_for_selector(url: str, size: int, n: int, fd: int) -> list[tuple[object, int, int]]:
    """Every ranged GET sent and its headers read; the sockets non-blocking, with the next
    byte each is to write and its end (what http.client read past the headers is written)."""
    opened = []
    for a, b in _ranges(size, n):
        conn, resp = _get_range(url, a, b)
        assert resp.fp is not None and conn.sock is not None
        head = resp.fp.peek(1)[: b + 1 - a]
        resp.fp.read1(len(head))
        os.pwrite(fd, head, a)
        conn.sock.setblocking(False)
        opened.append((conn, a + len(head), b + 1))
    return opened


def _selector_loop(opened: list[tuple[object, int, int]], fd: int) -> None:
    import selectors

    sel = selectors.DefaultSelector()
    for conn, pos, end in opened:
        sel.register(conn.sock, selectors.EVENT_READ, [pos, end])  # type: ignore[attr-defined]
    view = memoryview(bytearray(BUF))
    left = len(opened)
    while left:
        for key, _ in sel.select(60):
            pos, end = key.data
            got = key.fileobj.recv_into(view, min(BUF, end - pos))  # type: ignore[union-attr]
            if not got:
                raise ConnectionError("the server closed a response early")
            os.pwrite(fd, view[:got], pos)
            key.data[0] = pos = pos + got
            if pos == end:
                sel.unregister(key.fileobj)
                left -= 1
    sel.close()


def _run_selector_threads(url: str, size: int, n: int, fd: int, threads: int) -> None:
    opened = _open_for_selector(url, size, n, fd)
    shares = [opened[i::threads] for i in range(threads)]
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda share: _selector_loop(share, fd), shares))
    for conn, _, _ in opened:
        conn.close()  # type: ignore[attr-defined]


def run_selectors(url: str, size: int, n: int, fd: int) -> None:
    """One thread for every connection: non-blocking sockets under a selector, ``recv_into`` a
    reused buffer and ``pwrite`` (what an event loop without asyncio's machinery costs)."""
    _run_selector_threads(url, size, n, fd, 1)


def run_selectors2(url: str, size: int, n: int, fd: int) -> None:
    """As run_selectors, the connections shared among two threads."""
    _run_selector_threads(url, size, n, fd, 2)


def run_selectors4(url: str, size: int, n: int, fd: int) -> None:
    """As run_selectors, the connections shared among four threads."""
    _run_selector_threads(url, size, n, fd, 4)


def run_pycurl(url: str, size: int, n: int, fd: int) -> None:
    import pycurl

    multi = pycurl.CurlMulti()
    handles = []
    for a, b in _ranges(size, n):
        c = pycurl.Curl()
        pos = [a]

        def write(data: bytes, pos: list[int] = pos) -> None:
            os.pwrite(fd, data, pos[0])
            pos[0] += len(data)

        c.setopt(pycurl.URL, url)
        c.setopt(pycurl.RANGE, f"{a}-{b}")
        c.setopt(pycurl.WRITEFUNCTION, write)
        c.setopt(pycurl.BUFFERSIZE, 512 * 1024)
        multi.add_handle(c)
        handles.append(c)
    remaining = len(handles)
    while remaining:
        multi.select(1.0)
        while True:
            ret, remaining = multi.perform()
            if ret != pycurl.E_CALL_MULTI_PERFORM:
                break
    for c in handles:
        assert c.getinfo(pycurl.RESPONSE_CODE) == 206
        c.close()


CANDIDATES: dict[str, Callable[[str, int, int, int], None]] = {
    "aiohttp": run_aiohttp,
    "httpx": run_httpx,
    "http.client+threads": run_threads,
    "http.client+splice": run_splice,
    "http.client+mmap": run_mmap,
    "http.client+selectors": run_selectors,
    "http.client+selectors/2": run_selectors2,
    "http.client+selectors/4": run_selectors4,
    "pycurl": run_pycurl,
}


_BUSY_SOURCE = "\n".join(
    f"@dataclass(frozen=True)\nclass R{i}:\n    a: int\n    b: str = ''\n    c: float = 0.0\n"
    for i in range(20)
)


def busy_round() -> None:
    """Work like a module import: compile and run source that builds dataclasses (what
    ``hfsuite download`` does on its main thread while the bytes move)."""
    exec(compile(_BUSY_SOURCE, "<busy>", "exec"), {"dataclass": dataclasses.dataclass})


def calibrate_busy(seconds: float) -> int:
    """Rounds of :func:`busy_round` that take ``seconds`` on an idle interpreter."""
    t0 = time.perf_counter()
    rounds = 0
    while time.perf_counter() - t0 < seconds:
        busy_round()
        rounds += 1
    return rounds


class Busy(threading.Thread):
    """Runs ``rounds`` of :func:`busy_round` beside a download; ``wall`` is how long it took."""

    def __init__(self, rounds: int):
        super().__init__(daemon=True)
        self.rounds = rounds
        self.wall = 0.0

    def run(self) -> None:
        t0 = time.perf_counter()
        for _ in range(self.rounds):
            busy_round()
        self.wall = time.perf_counter() - t0


def resolve_cdn(url: str) -> str:
    """Follow the Hub's 302 once so every candidate talks to the CDN directly."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port)
    conn.request("HEAD", parts.path)
    resp = conn.getresponse()
    location = resp.getheader("Location")
    return location or url


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", nargs="*", help="candidates to run")
    ap.add_argument(
        "--cap-mbps", type=float, help="the emulator caps each connection at this many MB/s"
    )
    ap.add_argument(
        "--busy-s",
        type=float,
        help="beside each download, a thread does this many seconds (alone) of import-like "
        "Python; its wall time during the download is printed (the main thread's critical path)",
    )
    args = ap.parse_args()
    size = args.size_mib * 2**20

    with tempfile.TemporaryDirectory(prefix="hfsuite-bench-") as tmp:
        root = Path(tmp) / "root" / "bench" / "big"
        root.mkdir(parents=True)
        with open(root / "model.bin", "wb") as fh:
            block = os.urandom(2**20)
            for _ in range(args.size_mib):
                fh.write(block)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hfsuite.testing.hub",
                "serve",
                "--root",
                str(Path(tmp) / "root"),
                *(["--per-connection-bps", str(int(args.cap_mbps * 1e6))] if args.cap_mbps else []),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            base = server.stdout.readline().strip()
            url = resolve_cdn(f"{base}/bench/big/resolve/main/model.bin")
            print(f"file {args.size_mib} MiB, {args.connections} connections, url {url}\n")
            rounds = calibrate_busy(args.busy_s) if args.busy_s else 0
            print(f"{'client':22} {'MiB/s':>9} {'CPU s/GiB':>10} {'busy wall s' if rounds else ''}")
            for name, fn in CANDIDATES.items():
                if args.only and name not in args.only:
                    continue
                speeds, cpus, busy = [], [], []
                for _ in range(args.repeat):
                    out = Path(tmp) / "out.bin"
                    fd = os.open(out, os.O_RDWR | os.O_CREAT | os.O_TRUNC)
                    os.ftruncate(fd, size)
                    c0, t0 = _cpu(), time.perf_counter()
                    beside = Busy(rounds)
                    try:
                        if rounds:
                            beside.start()
                        fn(url, size, args.connections, fd)
                    except ImportError as exc:
                        print(f"{name:22} skipped ({exc})")
                        break
                    finally:
                        os.close(fd)
                    wall = time.perf_counter() - t0
                    if rounds:
                        beside.join()
                        busy.append(beside.wall)
                    cpu = _cpu() - c0
                    speeds.append(size / wall / 2**20)
                    cpus.append(cpu / (size / 2**30))
                    out.unlink()
                if speeds:
                    print(
                        f"{name:22} {statistics.median(speeds):9.0f} "
                        f"{statistics.median(cpus):10.2f} "
                        + (f"{statistics.median(busy):8.2f}" if busy else "")
                    )
        finally:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
