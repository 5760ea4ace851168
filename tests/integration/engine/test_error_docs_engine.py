"""Transfer, connection, ModelScope, URL and queue messages: produced for real (against the
emulator where a server is involved), then found in docs/errors.md with placeholders."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from engine_helpers import MIB, pattern_bytes, run_transfer

from hfsuite.core.errors import HfSuiteError
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.engine.http import HttpClient, HttpOptions
from hfsuite.engine.layouts import LocalDirLayout
from hfsuite.engine.paths import check_remote_path, safe_join
from hfsuite.engine.planner import plan_download
from hfsuite.engine.transfer import Transfer
from hfsuite.sources.direct import DirectUrlSource
from hfsuite.sources.modelscope import ModelScopeSource

DOC = (Path(__file__).parents[3] / "docs" / "errors.md").read_text(encoding="utf-8")


def _rows() -> list[re.Pattern[str]]:
    """Every documented message (in backticks at the start of a table row) as a regex."""
    patterns = []
    for line in DOC.splitlines():
        m = re.match(r"^\| `([^`]+)` \|", line)
        if m:
            text = re.escape(m.group(1))
            text = re.sub(r"<[^>]+>", ".+?", text.replace(r"\<", "<").replace(r"\>", ">"))
            patterns.append(re.compile("^" + text + "$"))
    return patterns


ROWS = _rows()


def documented(error: HfSuiteError) -> bool:
    return any(p.match(error.message) for p in ROWS)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def hub(hub_factory):  # type: ignore[no-untyped-def]
    h = hub_factory(lfs_threshold=MIB)
    h.create_repo("acme/m", files={"w.bin": pattern_bytes(2 * MIB, 5)})
    return h


def _fails(fn) -> HfSuiteError:  # type: ignore[no-untyped-def]
    with pytest.raises(HfSuiteError) as info:
        fn()
    return info.value


def _download(source, snapshot, dest: Path) -> None:  # type: ignore[no-untyped-def]
    layout = LocalDirLayout(dest, snapshot.commit)
    client = HttpClient(auth=source.auth)
    files = [f.remote for f in plan_download(snapshot, layout).files]
    try:
        result = Transfer(client, layout, source.map_error).run(files)
    finally:
        client.close()
    if result.failed:
        raise result.failed[0].error  # type: ignore[misc]


def test_transfer_messages(hub, tmp_path):  # type: ignore[no-untyped-def]
    hub.add_fault("*w.bin*", origin="cdn", status=503)
    server = _fails(lambda: run_transfer(hub.url, "acme/m", tmp_path / "a", local_dir=True))
    assert "giving up after" in server.message and documented(server)

    hub.clear_faults()
    hub.add_fault("*w.bin*", origin="cdn", status=403)
    refused = _fails(lambda: run_transfer(hub.url, "acme/m", tmp_path / "r", local_dir=True))
    assert refused.exit_code == 6 and documented(refused)
    seen = hub.log.wait_for(lambda rs: any(r.origin == "cdn" and r.status == 403 for r in rs))
    assert len([r for r in seen if r.origin == "cdn" and r.status == 403]) == 1

    hub.clear_faults()
    hub.add_fault("*w.bin*", origin="cdn", drop_after_bytes=0)
    network = _fails(lambda: run_transfer(hub.url, "acme/m", tmp_path / "b", local_dir=True))
    assert "proxy settings" in str(network) and documented(network)


def test_path_messages(tmp_path):  # type: ignore[no-untyped-def]
    assert documented(_fails(lambda: check_remote_path("../x")))
    (tmp_path / "out").mkdir()
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "link").symlink_to(tmp_path / "out")
    assert documented(_fails(lambda: safe_join(tmp_path / "d", "link/x.bin")))


def test_connection_and_proxy_messages():  # type: ignore[no-untyped-def]
    port = _closed_port()
    refused = _fails(lambda: HttpClient().fetch("GET", f"http://127.0.0.1:{port}/x"))
    assert refused.message == f"Cannot reach 127.0.0.1:{port}: connection refused."
    assert documented(refused) and "proxy settings" in (refused.hint or "")
    unknown = _fails(lambda: HttpClient().fetch("GET", "http://nonexistent.invalid/x"))
    assert unknown.message == "Cannot reach nonexistent.invalid: its name does not resolve (DNS)."
    assert documented(unknown) and "proxy settings" in (unknown.hint or "")
    via = HttpClient(HttpOptions(proxy=f"socks5://user:pw@127.0.0.1:{port}"))
    proxy = _fails(lambda: via.fetch("GET", "http://127.0.0.1:1/x"))
    assert documented(proxy) and "pw" not in proxy.message
    https_proxy = HttpClient(HttpOptions(proxy=f"https://127.0.0.1:{port}"))
    assert documented(_fails(lambda: https_proxy.fetch("GET", "http://127.0.0.1:1/x")))


def test_modelscope_messages(hub):  # type: ignore[no-untyped-def]
    ms = ModelScopeSource(hub.url, HttpClient())
    missing = _fails(lambda: ms.snapshot(RepoRef("acme/none", source=SourceKind.MODELSCOPE)))
    assert documented(missing)
    rev = _fails(
        lambda: ms.snapshot(RepoRef("acme/m", revision="nope", source=SourceKind.MODELSCOPE))
    )
    assert documented(rev)
    space = _fails(
        lambda: ms.snapshot(RepoRef("acme/m", RepoType.SPACE, source=SourceKind.MODELSCOPE))
    )
    assert documented(space)
    assert documented(ms._error(401, "", RepoRef("acme/m")))
    assert documented(ms._error(503, "", RepoRef("acme/m")))


def test_url_messages(hub, tmp_path):  # type: ignore[no-untyped-def]
    direct = DirectUrlSource(HttpClient())

    def url(text: str) -> RepoRef:
        return RepoRef(text, source=SourceKind.URL)

    assert documented(_fails(lambda: direct.snapshot(url(f"{hub.url}/acme/m/resolve/main/nope"))))
    assert documented(_fails(lambda: direct.snapshot(url("ftp://host/file"))))
    hub.create_repo("acme/s", files={"c.json": b"{}"})  # a small file: no sha256 named
    pinned = DirectUrlSource(HttpClient(), sha256="1" * 64)
    wrong = pinned.snapshot(url(f"{hub.url}/acme/s/resolve/main/c.json"))
    mismatch = _fails(lambda: _download(pinned, wrong, tmp_path / "u"))
    assert "expected 111111111111…, got" in mismatch.message and documented(mismatch)
    bad_hash = DirectUrlSource(HttpClient(), sha256="abc")
    assert documented(_fails(lambda: bad_hash.snapshot(url(f"{hub.url}/x"))))
    assert documented(DirectUrlSource._error(403, "http://h.test/f"))
    assert documented(DirectUrlSource._error(503, "http://h.test/f"))


def test_queue_and_cli_usage_messages(tmp_path, hub):  # type: ignore[no-untyped-def]
    from filelock import FileLock
    from typer.testing import CliRunner

    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.app.suite import Suite
    from hfsuite.cli.main import app
    from hfsuite.config import SettingsStore

    store = SettingsStore(tmp_path / "settings.toml")
    db_path = tmp_path / "q.db"
    env = {"HFSUITE_DB_URL": f"sqlite:///{db_path}"}
    first = DownloadManager(Suite(store.load(env=env), store))
    first.db  # noqa: B018 - creates the database (and its folder)
    # Another runner holds the queue: the lock file next to the database, as a process would.
    with FileLock(str(db_path) + ".runner.lock", is_singleton=False):
        busy = _fails(first.run)
    assert documented(busy)
    assert documented(_fails(lambda: first.require(999)))
    assert documented(_fails(lambda: first.add_repos([])))
    first.suite.close()

    result = CliRunner().invoke(
        app,
        ["download", "acme/m", "--endpoint", hub.url, "--sha256", "0" * 64],
        standalone_mode=False,
    )
    assert isinstance(result.exception, HfSuiteError) and documented(result.exception)


def test_disk_write_messages(hub, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    # Each refusal of the disk, at a data write and at the refs/ file, as a user meets it.
    import errno
    import os

    real_pwrite, real_replace = os.pwrite, os.replace
    for code in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EROFS, errno.ENAMETOOLONG):

        def pwrite(fd, data, offset, code=code):  # type: ignore[no-untyped-def]
            raise OSError(code, os.strerror(code))

        def replace(src, dst, code=code):  # type: ignore[no-untyped-def]
            if "/refs/" in str(dst):
                raise OSError(code, os.strerror(code), str(src), None, str(dst))
            real_replace(src, dst)

        monkeypatch.setattr(os, "pwrite", pwrite)
        data = _fails(lambda d=tmp_path / f"d{code}": run_transfer(hub.url, "acme/m", d))
        monkeypatch.setattr(os, "pwrite", real_pwrite)
        monkeypatch.setattr(os, "replace", replace)
        refs = _fails(lambda d=tmp_path / f"r{code}": run_transfer(hub.url, "acme/m", d))
        monkeypatch.setattr(os, "replace", real_replace)
        assert documented(data) and documented(refs), (data.message, refs.message)
    monkeypatch.setattr(os, "pwrite", lambda *a: (_ for _ in ()).throw(OSError(errno.EIO, "EIO")))
    other = _fails(lambda: run_transfer(hub.url, "acme/m", tmp_path / "eio"))
    assert "cannot write to disk" in other.message and documented(other)
