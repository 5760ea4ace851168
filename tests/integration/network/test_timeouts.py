"""Nothing waits forever: every metadata path against servers that never answer.

Each path (huggingface_hub's calls for info, search, auth; our own fetcher for ModelScope and
plain URLs) runs against a loopback server that accepts and stays silent, with
``read_timeout_s`` set to half a second through the environment, as a user would. Each must
end with exit code 5, a message naming the host and the timeout, after 3 tries, within a few
seconds. Slow and busy servers that recover are retried into success.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from huggingface_hub.utils import _http as hf_http
from huggingface_hub.utils import get_session, set_client_factory
from silent_server import FullBacklog, SilentServer

from hfsuite.app import accounts
from hfsuite.app.download.sources import SourceSpec, make_source
from hfsuite.app.hub import catalog
from hfsuite.app.network import http_options
from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.core.errors import HfSuiteError, NetworkError, SettingsValueError
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.engine.http import HttpClient, HttpOptions

pytestmark = pytest.mark.timeout(60)  # before the fix these calls hung for good

DOC = (Path(__file__).parents[3] / "docs" / "errors.md").read_text(encoding="utf-8")
READ_TIMEOUT = "0.5"
BOUND_S = 8.0  # 3 tries of 0.5 s plus two backoff waits (at most 0.5 s and 1 s), with slack


@pytest.fixture(autouse=True)
def default_hub_client() -> Iterator[None]:
    """Leave huggingface_hub's shared client as it was found (other tests share the process)."""
    yield
    set_client_factory(hf_http.default_client_factory)


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.stop()


@pytest.fixture
def make_suite(tmp_path: Path) -> Iterator[Callable[..., Suite]]:
    """A Suite whose settings come from the environment given (and a sandboxed database)."""
    made: list[Suite] = []

    def make(**env: str) -> Suite:
        store = SettingsStore(tmp_path / "cfg" / "settings.toml")
        full = {
            "HFSUITE_DB_URL": os.environ.get(
                "HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"
            ),
            **env,
        }
        suite = Suite(store.load(env=full), store)
        made.append(suite)
        return suite

    yield make
    for suite in made:
        suite.close()


def _fails(call: Callable[[], Any]) -> tuple[HfSuiteError, float]:
    start = time.monotonic()
    with pytest.raises(HfSuiteError) as info:
        call()
    return info.value, time.monotonic() - start


def _assert_no_answer(error: HfSuiteError, elapsed: float, server: Any, kind: str = "read") -> None:
    assert isinstance(error, NetworkError), error
    assert error.exit_code == 5
    seconds = READ_TIMEOUT if kind == "read" else "0.5"
    assert error.message.startswith(
        f"No answer from 127.0.0.1:{server.port} within {seconds} s ({kind} timeout) while "
    ), error.message
    assert f"{kind}_timeout_s" in (error.hint or "")
    assert elapsed < BOUND_S, f"took {elapsed:.1f} s"


# --- huggingface_hub's paths --------------------------------------------------------------
def test_info_ends_naming_the_silent_host(make_suite, silent) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(HF_ENDPOINT=silent.url, HFSUITE_READ_TIMEOUT_S=READ_TIMEOUT)
    error, elapsed = _fails(lambda: catalog.info(suite, "acme/x"))
    _assert_no_answer(error, elapsed, silent)
    assert "requesting /api/models/acme/x" in error.message
    assert silent.accepted == 3  # tried 3 times, each on a new connection


def test_search_ends_naming_the_silent_host(make_suite, silent) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(HF_ENDPOINT=silent.url, HFSUITE_READ_TIMEOUT_S=READ_TIMEOUT)
    error, elapsed = _fails(lambda: catalog.search(suite, "x"))
    _assert_no_answer(error, elapsed, silent)
    assert "requesting /api/models." in error.message


def test_snapshot_for_download_ends_naming_the_silent_host(make_suite, silent) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(HF_ENDPOINT=silent.url, HFSUITE_READ_TIMEOUT_S=READ_TIMEOUT)
    source = make_source(suite, SourceSpec(RepoRef("acme/x")))
    error, elapsed = _fails(lambda: source.snapshot(RepoRef("acme/x")))
    _assert_no_answer(error, elapsed, silent)


def test_auth_check_and_status_end_naming_the_silent_host(make_suite, silent) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(HF_ENDPOINT=silent.url, HFSUITE_READ_TIMEOUT_S=READ_TIMEOUT)
    error, elapsed = _fails(lambda: accounts.check(suite, "acme/x"))
    _assert_no_answer(error, elapsed, silent)
    assert "/auth-check" in error.message
    # Status validates the token with whoami-v2: bounded the same way.
    other = make_suite(HF_ENDPOINT=silent.url, HFSUITE_READ_TIMEOUT_S=READ_TIMEOUT)
    error, elapsed = _fails(lambda: accounts.status(other, token="hf_" + "a" * 30))
    _assert_no_answer(error, elapsed, silent)
    assert "/api/whoami-v2" in error.message


def test_hub_body_that_stalls_after_the_headers(make_suite) -> None:  # type: ignore[no-untyped-def]
    stalling = SilentServer(
        headers=b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n{"
    )
    try:
        suite = make_suite(HF_ENDPOINT=stalling.url, HFSUITE_READ_TIMEOUT_S=READ_TIMEOUT)
        error, elapsed = _fails(lambda: catalog.info(suite, "acme/x"))
    finally:
        stalling.stop()
    _assert_no_answer(error, elapsed, stalling)
    assert stalling.accepted == 3


def test_hub_connect_timeout(make_suite) -> None:  # type: ignore[no-untyped-def]
    full = FullBacklog()
    try:
        suite = make_suite(HF_ENDPOINT=full.url, HFSUITE_CONNECT_TIMEOUT_S="0.5")
        error, elapsed = _fails(lambda: catalog.info(suite, "acme/x"))
    finally:
        full.stop()
    _assert_no_answer(error, elapsed, full, kind="connect")


def test_a_limit_the_caller_chose_is_kept_and_not_retried(make_suite, silent) -> None:  # type: ignore[no-untyped-def]
    make_suite(HFSUITE_READ_TIMEOUT_S="20").prepare_network()
    start = time.monotonic()
    with pytest.raises(NetworkError, match=r"within 0\.3 s \(read timeout\)"):
        get_session().get(f"{silent.url}/api/agent-harnesses", timeout=0.3)
    assert time.monotonic() - start < 3
    assert silent.accepted == 1


def test_slow_then_busy_hub_is_retried_into_an_answer(make_suite, hub) -> None:  # type: ignore[no-untyped-def]
    hub.create_repo("acme/m", files={"a.txt": b"a"})
    # First try: too slow (then 503); second: 503; third: the answer.
    hub.add_fault("/api/models/acme/m*", count=1, latency_s=2.0)
    hub.add_fault("/api/models/acme/m*", count=2, status=503, retry_after_s=0)
    suite = make_suite(HF_ENDPOINT=hub.url, HFSUITE_READ_TIMEOUT_S=READ_TIMEOUT)
    details = catalog.info(suite, "acme/m")
    assert details.id == "acme/m"
    assert [f.path for f in details.files] == ["a.txt"]


def test_settings_reach_huggingface_hub_and_the_engine(make_suite) -> None:  # type: ignore[no-untyped-def]
    defaults = make_suite()
    assert (defaults.settings.connect_timeout_s, defaults.settings.read_timeout_s) == (10.0, 30.0)
    suite = make_suite(HFSUITE_CONNECT_TIMEOUT_S="2", HFSUITE_READ_TIMEOUT_S="7.5")
    suite.prepare_network()
    limits = get_session().timeout.as_dict()
    assert limits == {"connect": 2.0, "read": 7.5, "write": 7.5, "pool": 2.0}
    options = http_options(suite.settings)
    assert (options.connect_timeout_s, options.read_timeout_s) == (2.0, 7.5)
    with pytest.raises(SettingsValueError, match="HFSUITE_READ_TIMEOUT_S"):
        make_suite(HFSUITE_READ_TIMEOUT_S="0")


# --- our own fetcher (ModelScope, plain URLs) -------------------------------------------------
def test_modelscope_snapshot_ends_naming_the_silent_host(make_suite, silent) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(MODELSCOPE_ENDPOINT=silent.url, HFSUITE_READ_TIMEOUT_S=READ_TIMEOUT)
    ref = RepoRef("acme/x", source=SourceKind.MODELSCOPE)
    error, elapsed = _fails(lambda: make_source(suite, SourceSpec(ref)).snapshot(ref))
    _assert_no_answer(error, elapsed, silent)
    assert "requesting /api/v1/models/acme/x/repo/files" in error.message
    assert silent.accepted == 3


def test_plain_url_ends_naming_the_silent_host(make_suite, silent) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(HFSUITE_READ_TIMEOUT_S=READ_TIMEOUT)
    ref = RepoRef(f"{silent.url}/weights.bin", source=SourceKind.URL)
    error, elapsed = _fails(lambda: make_source(suite, SourceSpec(ref)).snapshot(ref))
    _assert_no_answer(error, elapsed, silent)
    assert "requesting /weights.bin" in error.message


def test_fetch_body_that_stalls_after_the_headers() -> None:
    stalling = SilentServer(headers=b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nx")
    client = HttpClient(HttpOptions(read_timeout_s=0.5))
    try:
        error, elapsed = _fails(lambda: client.fetch("GET", f"{stalling.url}/list.json"))
    finally:
        stalling.stop()
    _assert_no_answer(error, elapsed, stalling)
    assert error.message.endswith("while reading /list.json.")
    assert stalling.accepted == 3


def test_fetch_connect_timeout() -> None:
    full = FullBacklog()
    client = HttpClient(HttpOptions(connect_timeout_s=0.5))
    try:
        error, elapsed = _fails(lambda: client.fetch("GET", f"{full.url}/x"))
    finally:
        full.stop()
    _assert_no_answer(error, elapsed, full, kind="connect")


def test_fetch_does_not_repeat_a_request_that_changes_things(silent) -> None:  # type: ignore[no-untyped-def]
    client = HttpClient(HttpOptions(read_timeout_s=0.5))
    error, _ = _fails(lambda: client.fetch("POST", f"{silent.url}/x", body=b"{}"))
    assert "(read timeout)" in error.message
    assert silent.accepted == 1


def test_modelscope_busy_then_answering_is_retried(make_suite, hub) -> None:  # type: ignore[no-untyped-def]
    hub.create_repo("acme/m", files={"a.txt": b"a"})
    hub.add_fault("/api/v1/models/acme/m/*", count=1, latency_s=2.0)
    hub.add_fault("/api/v1/models/acme/m/*", count=2, status=503, retry_after_s=0)
    suite = make_suite(MODELSCOPE_ENDPOINT=hub.url, HFSUITE_READ_TIMEOUT_S=READ_TIMEOUT)
    ref = RepoRef("acme/m", source=SourceKind.MODELSCOPE)
    snapshot = make_source(suite, SourceSpec(ref)).snapshot(ref)
    assert [f.path for f in snapshot.files] == ["a.txt"]


# --- the message is documented --------------------------------------------------------------
def test_the_message_is_documented(silent) -> None:  # type: ignore[no-untyped-def]
    client = HttpClient(HttpOptions(read_timeout_s=0.5))
    error, _ = _fails(lambda: client.fetch("GET", f"{silent.url}/x"))
    documented = "`No answer from <host> within <seconds> s (<kind> timeout) while <doing>.`"
    assert documented in DOC
    pattern = re.escape(documented.strip("`"))
    pattern = re.sub(r"<[^>]+>", ".+?", pattern.replace(r"\<", "<").replace(r"\>", ">"))
    assert re.fullmatch(pattern, error.message), error.message
