"""Downloads through real proxy processes on loopback (pproxy): HTTP and SOCKS5.

The proxy prints one line per tunnelled connection (-v); the test checks that both the hub and
the CDN connections went through it, and that the bytes are right.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hfsuite.core.errors import NetworkError
from hfsuite.core.types import RepoRef
from hfsuite.engine.http import HttpClient, HttpOptions
from hfsuite.engine.layouts import LocalDirLayout
from hfsuite.engine.planner import plan_download
from hfsuite.engine.retry import RetryPolicy
from hfsuite.engine.transfer import Transfer, TransferOptions
from hfsuite.sources.huggingface import HuggingFaceSource

MIB = 1 << 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proxy:
    """A pproxy process listening on loopback, with its verbose log."""

    def __init__(self, scheme: str, log: Path, auth: str = ""):
        self.port = _free_port()
        self.log = log
        self.url = f"{scheme}://{auth + '@' if auth else ''}127.0.0.1:{self.port}"
        listen = f"{scheme}://127.0.0.1:{self.port}" + (f"#{auth}" if auth else "")
        self._fh = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            # --auth 0: check credentials on every connection (pproxy trusts an IP for 30 days
            # after one good login by default).
            [sys.executable, "-m", "pproxy", "-l", listen, "-v", "--auth", "0"],
            stdout=self._fh,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("proxy did not start")

    def text(self) -> str:
        self._fh.flush()
        return self.log.read_text()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self._fh.close()


@pytest.fixture(params=["http", "socks5"])
def proxy(request, tmp_path) -> Iterator[Proxy]:  # type: ignore[no-untyped-def]
    p = Proxy(request.param, tmp_path / f"{request.param}.log")
    yield p
    p.stop()


def _download(hub, dest: Path, proxy_url: str):  # type: ignore[no-untyped-def]
    fast = TransferOptions(retry=RetryPolicy(max_attempts=3, base_s=0.01, cap_s=0.02))
    source = HuggingFaceSource(hub.url)
    snapshot = source.snapshot(RepoRef("acme/p"))
    layout = LocalDirLayout(dest, snapshot.commit)
    plan = plan_download(snapshot, layout)
    client = HttpClient(HttpOptions(proxy=proxy_url), auth=source.auth)
    try:
        transfer = Transfer(client, layout, source.map_error, options=fast)
        result = transfer.run([f.remote for f in plan.files])
    finally:
        client.close()
    if result.failed:
        raise result.failed[0].error  # type: ignore[misc]


def test_download_through_proxy(hub_factory, proxy, tmp_path):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    content = bytes(range(256)) * (12 * 1024)  # 3 MiB: LFS, goes through the CDN
    hub.create_repo("acme/p", files={"w.bin": content, "c.json": b"{}"})
    _download(hub, tmp_path / "d", proxy.url)
    assert (tmp_path / "d" / "w.bin").read_bytes() == content
    log = proxy.text()
    hub_port = hub.url.rsplit(":", 1)[1]
    cdn_port = hub.cdn_url.rsplit(":", 1)[1].split("/")[0]
    assert f":{hub_port}" in log and f":{cdn_port}" in log, log


def test_proxy_with_credentials(hub_factory, tmp_path):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    hub.create_repo("acme/p", files={"w.bin": b"z" * (2 * MIB)})
    p = Proxy("socks5", tmp_path / "auth.log", auth="user:s3cret")
    try:
        _download(hub, tmp_path / "ok", p.url)
        assert (tmp_path / "ok" / "w.bin").stat().st_size == 2 * MIB
        wrong = p.url.replace("s3cret", "wrong")
        with pytest.raises(NetworkError, match="through the proxy") as info:
            _download(hub, tmp_path / "bad", wrong)
        assert "wrong" not in str(info.value) and "s3cret" not in str(info.value)
        assert "proxy settings" in str(info.value)
    finally:
        p.stop()


def test_no_proxy_bypasses(hub_factory, tmp_path):  # type: ignore[no-untyped-def]
    client = HttpClient(HttpOptions(proxy="socks5://127.0.0.1:9", no_proxy="127.0.0.1,localhost"))
    assert client.proxy_for("127.0.0.1") is None
    assert client.proxy_for("example.org") == "socks5://127.0.0.1:9"


def test_unreachable_proxy_is_a_clear_network_error(hub_factory, tmp_path):  # type: ignore[no-untyped-def]
    hub = hub_factory()
    hub.create_repo("acme/p", files={"c.json": b"{}"})
    client = HttpClient(HttpOptions(proxy=f"socks5://127.0.0.1:{_free_port()}"))
    with pytest.raises(NetworkError, match="through the proxy"):
        client.fetch("GET", f"{hub.url}/api/models/acme/p")


def test_settings_proxy_reaches_metadata_and_bytes(hub_factory, proxy, tmp_path, hfsuite_exe):  # type: ignore[no-untyped-def]
    """`hfsuite download` with a proxy setting: HfApi's calls and the CDN both go through it."""
    import os

    hub = hub_factory(lfs_threshold=MIB)
    hub.create_repo("acme/p", files={"w.bin": b"q" * (2 * MIB)})
    env = dict(os.environ, HFSUITE_PROXY=proxy.url, NO_PROXY="", no_proxy="")
    result = subprocess.run(
        [
            hfsuite_exe,
            "download",
            "acme/p",
            "--endpoint",
            hub.url,
            "--local-dir",
            str(tmp_path / "d"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "d" / "w.bin").read_bytes() == b"q" * (2 * MIB)
    log = proxy.text()
    hub_port = hub.url.rsplit(":", 1)[1]
    cdn_port = hub.cdn_url.rsplit(":", 1)[1].split("/")[0]
    assert log.count(f":{hub_port}") >= 2 and f":{cdn_port}" in log, log
