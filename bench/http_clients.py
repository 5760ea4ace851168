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
import http.client
import os
import resource
import statistics
import subprocess
import sys
import tempfile
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
    "pycurl": run_pycurl,
}


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
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            base = server.stdout.readline().strip()
            url = resolve_cdn(f"{base}/bench/big/resolve/main/model.bin")
            print(f"file {args.size_mib} MiB, {args.connections} connections, url {url}\n")
            print(f"{'client':22} {'MiB/s':>9} {'CPU s/GiB':>10}")
            for name, fn in CANDIDATES.items():
                if args.only and name not in args.only:
                    continue
                speeds, cpus = [], []
                for _ in range(args.repeat):
                    out = Path(tmp) / "out.bin"
                    fd = os.open(out, os.O_RDWR | os.O_CREAT | os.O_TRUNC)
                    os.ftruncate(fd, size)
                    c0, t0 = _cpu(), time.perf_counter()
                    try:
                        fn(url, size, args.connections, fd)
                    except ImportError as exc:
                        print(f"{name:22} skipped ({exc})")
                        break
                    finally:
                        os.close(fd)
                    wall, cpu = time.perf_counter() - t0, _cpu() - c0
                    speeds.append(size / wall / 2**20)
                    cpus.append(cpu / (size / 2**30))
                    out.unlink()
                if speeds:
                    print(
                        f"{name:22} {statistics.median(speeds):9.0f} "
                        f"{statistics.median(cpus):10.2f}"
                    )
        finally:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
