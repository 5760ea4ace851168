"""Every fault knob, the protocol headers and the request log, with raw HTTP requests."""

from __future__ import annotations

import http.client
import json
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from huggingface_hub import hf_hub_download

from hfsuite.testing import HubEmulator, synthetic

SIZE = 200_000
LFS_THRESHOLD = 100_000


@pytest.fixture
def fhub(hub_factory) -> HubEmulator:
    """An emulator with a regular file (``small.bin``, 50 kB) and an LFS file (``big.bin``)."""
    hub = hub_factory(lfs_threshold=LFS_THRESHOLD)
    hub.create_repo(
        "acme/f", files={"small.bin": synthetic(50_000, seed=2), "big.bin": synthetic(SIZE, seed=3)}
    )
    return hub


def small(hub: HubEmulator) -> bytes:
    return hub.repo("acme/f").files()["small.bin"].read_all()


def raw_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET with http.client, returning what arrived even when the body is cut short."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    target = parts.path + ("?" + parts.query if parts.query else "")
    conn.request("GET", target, headers=headers or {})
    resp = conn.getresponse()
    try:
        body = resp.read()
    except http.client.IncompleteRead as exc:
        body = exc.partial
    conn.close()
    return resp.status, dict(resp.getheaders()), body


def test_resolve_headers_head_and_ranges(fhub):
    repo = fhub.repo("acme/f")
    url = f"{fhub.url}/acme/f/resolve/main/small.bin"
    head = httpx.head(url)
    assert head.status_code == 200
    assert head.headers["X-Repo-Commit"] == repo.sha
    assert head.headers["ETag"] == f'"{repo.files()["small.bin"].git_sha1}"'
    assert head.headers["Content-Length"] == "50000" and head.headers["Accept-Ranges"] == "bytes"
    assert "Content-Encoding" not in head.headers
    assert not any(k.lower().startswith("x-xet") for k in head.headers)
    r = httpx.get(url, headers={"Range": "bytes=100-199", "Accept-Encoding": "gzip"})
    assert r.status_code == 206 and r.content == small(fhub)[100:200]
    assert r.headers["Content-Range"] == "bytes 100-199/50000"
    assert "Content-Encoding" not in r.headers
    assert httpx.get(url, headers={"Range": "bytes=-10"}).content == small(fhub)[-10:]
    r = httpx.get(url, headers={"Range": "bytes=50000-"})
    assert r.status_code == 416 and r.headers["Content-Range"] == "bytes */50000"
    # LFS: 302 to the CDN origin with the linked headers; the CDN honours Range
    big = httpx.head(f"{fhub.url}/acme/f/resolve/main/big.bin")
    assert big.status_code == 302 and big.headers["X-Repo-Commit"] == repo.sha
    assert big.headers["X-Linked-Size"] == str(SIZE)
    assert big.headers["X-Linked-Etag"] == f'"{repo.files()["big.bin"].sha256}"'
    location = big.headers["Location"]
    assert location.startswith(fhub.cdn_url) and fhub.cdn_url != fhub.url
    r = httpx.get(location, headers={"Range": f"bytes={SIZE - 5}-"})
    assert r.status_code == 206 and r.content == synthetic(SIZE, seed=3).read_all()[-5:]
    assert httpx.get(location, headers={"Range": f"bytes={SIZE}-"}).status_code == 416
    # 404s of the resolve route keep X-Repo-Commit
    missing = httpx.head(f"{fhub.url}/acme/f/resolve/main/nope")
    assert missing.status_code == 404 and missing.headers["X-Error-Code"] == "EntryNotFound"
    assert missing.headers["X-Repo-Commit"] == repo.sha


def test_keep_alive_and_request_log(fhub):
    with httpx.Client() as client:
        for _ in range(3):
            client.get(f"{fhub.url}/acme/f/resolve/main/small.bin", headers={"Range": "bytes=0-9"})
        client.get(f"{fhub.url}/api/models/acme/f", headers={"Authorization": "Bearer nope"})
    records = fhub.log.wait_for(4)
    assert len(fhub.log.connection_ids(path="/acme/f/*")) == 1  # one keep-alive connection
    first = records[0]
    assert (first.method, first.path, first.range, first.status, first.bytes_sent) == (
        "GET",
        "/acme/f/resolve/main/small.bin",
        "bytes=0-9",
        206,
        10,
    )
    assert first.origin == "hub" and not first.authorization
    assert records[-1].authorization and records[-1].status == 401
    assert fhub.log.bytes_sent(path="*/small.bin") == 30


def test_request_log_file_never_holds_the_token(hub_factory, tmp_path):
    log_file = tmp_path / "requests.jsonl"
    hub = hub_factory(request_log_path=log_file)
    hub.create_repo("acme/x", files={"a": b"abc"})
    hub.add_token("hf_secret_value", user="u")
    httpx.get(
        f"{hub.url}/acme/x/resolve/main/a", headers={"Authorization": "Bearer hf_secret_value"}
    )
    hub.log.wait_for(1)
    lines = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert lines[0]["bytes_sent"] == 3 and lines[0]["authorization"] is True
    assert {"method", "path", "range", "status", "bytes_sent", "connection_id", "origin"} <= set(
        lines[0]
    )
    assert "hf_secret_value" not in log_file.read_text()


def test_per_connection_cap_is_accurate(fhub):
    fhub.throttle(per_connection_bps=100_000)
    t0 = time.monotonic()
    status, _, body = raw_get(f"{fhub.url}/acme/f/resolve/main/small.bin")
    elapsed = time.monotonic() - t0
    assert status == 200 and body == small(fhub)
    assert 0.4 <= elapsed <= 0.9, elapsed  # 50 kB at 100 kB/s


def test_total_cap_is_shared_by_connections(fhub):
    fhub.throttle(total_bps=100_000)
    results: list[bytes] = []

    def fetch() -> None:
        results.append(raw_get(f"{fhub.url}/acme/f/resolve/main/small.bin")[2])

    t0 = time.monotonic()
    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    assert results == [small(fhub)] * 2
    assert 0.85 <= elapsed <= 1.5, elapsed  # 100 kB at 100 kB/s in total


def test_latency_and_status_faults(fhub):
    fhub.add_fault("*/small.bin", latency_s=0.3, count=1)
    t0 = time.monotonic()
    httpx.head(f"{fhub.url}/acme/f/resolve/main/small.bin")
    assert time.monotonic() - t0 >= 0.3
    fhub.add_fault("*/small.bin", status=503, count=2, methods=["GET"])
    url = f"{fhub.url}/acme/f/resolve/main/small.bin"
    assert [httpx.get(url).status_code for _ in range(3)] == [503, 503, 200]
    fhub.add_fault("/api/*", status=429, retry_after_s=7, count=1)
    r = httpx.get(f"{fhub.url}/api/models/acme/f")
    assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    assert httpx.get(f"{fhub.url}/api/models/acme/f").status_code == 200


def test_drop_after_bytes_gives_a_short_body_once(fhub):
    fhub.add_fault("*/small.bin", drop_after_bytes=1000, count=1, methods=["GET"])
    url = f"{fhub.url}/acme/f/resolve/main/small.bin"
    status, headers, body = raw_get(url)
    assert status == 200 and headers["Content-Length"] == "50000" and body == small(fhub)[:1000]
    assert raw_get(url)[2] == small(fhub)
    records = fhub.log.wait_for(2)
    assert [r.bytes_sent for r in records] == [1000, 50000]


def test_official_client_resumes_after_a_dropped_cdn_connection(fhub, tmp_path):
    # the client reads in 10 MiB chunks, so only a drop past 10 MiB leaves something to resume
    size = 11 << 20
    fhub.create_repo("acme/large", files={"large.bin": synthetic(size, seed=4)})
    fhub.add_fault("*/large.bin", origin="cdn", drop_after_bytes=(10 << 20) + 5000, count=1)
    path = hf_hub_download("acme/large", "large.bin", endpoint=fhub.url, cache_dir=tmp_path)
    assert Path(path).read_bytes() == synthetic(size, seed=4).read_all()
    records = fhub.log.wait_for(lambda rs: len([r for r in rs if r.origin == "cdn"]) == 2)
    cdn = [r for r in records if r.origin == "cdn"]
    assert cdn[0].bytes_sent == (10 << 20) + 5000 and cdn[0].status == 200
    assert cdn[1].range == f"bytes={10 << 20}-" and cdn[1].status == 206
    assert cdn[1].bytes_sent == size - (10 << 20)


def test_stall_ignore_range_and_wrong_content_length(fhub):
    url = f"{fhub.url}/acme/f/resolve/main/small.bin"
    fhub.add_fault("*/small.bin", stall_after_bytes=10_000, stall_s=0.4, count=1, methods=["GET"])
    t0 = time.monotonic()
    assert raw_get(url)[2] == small(fhub)
    assert time.monotonic() - t0 >= 0.4
    fhub.clear_faults()
    fhub.add_fault("*/small.bin", ignore_range=True)
    status, _, body = raw_get(url, {"Range": "bytes=10-19"})
    assert status == 200 and body == small(fhub)
    fhub.clear_faults()
    fhub.add_fault("*/small.bin", content_length_delta=100, count=1)
    status, headers, body = raw_get(url)
    assert headers["Content-Length"] == "50100" and body == small(fhub)  # then the server hangs up


def test_expired_cdn_urls_get_403(fhub):
    fhub.set_cdn_url_ttl(0)
    location = httpx.head(f"{fhub.url}/acme/f/resolve/main/big.bin").headers["Location"]
    r = httpx.get(location)
    assert r.status_code == 403 and b"expired" in r.content
    tampered = location.replace("Signature=", "Signature=0")
    assert httpx.get(tampered).status_code == 403
    fhub.set_cdn_url_ttl(60)
    location = httpx.head(f"{fhub.url}/acme/f/resolve/main/big.bin").headers["Location"]
    assert httpx.get(location).content == synthetic(SIZE, seed=3).read_all()


def test_content_changes_after_k_requests(fhub):
    fhub.add_fault("*/small.bin", change_content_after=1)
    url = f"{fhub.url}/acme/f/resolve/main/small.bin"
    first, second = httpx.get(url), httpx.get(url)
    assert first.content == small(fhub) and second.content != small(fhub)
    assert len(second.content) == len(first.content)
    assert first.headers["ETag"] != second.headers["ETag"]
    blob = fhub.mutated(fhub.repo("acme/f").files()["small.bin"])
    assert second.headers["ETag"] == f'"{blob.git_sha1}"'


def test_faults_scoped_by_glob_and_origin(fhub):
    fhub.add_fault("*.bin", status=500, origin="cdn")
    assert httpx.get(f"{fhub.url}/acme/f/resolve/main/small.bin").status_code == 200
    r = httpx.get(f"{fhub.url}/acme/f/resolve/main/big.bin", follow_redirects=True)
    assert r.status_code == 500


def test_runtime_control_over_http(fhub):
    r = httpx.post(
        f"{fhub.url}/_emulator/faults",
        json={
            "per_connection_bps": 1_000_000,
            "add_rules": [{"path": "*/small.bin", "status": 502}],
        },
    )
    assert r.status_code == 200 and r.json()["per_connection_bps"] == 1_000_000
    assert httpx.get(f"{fhub.url}/acme/f/resolve/main/small.bin").status_code == 502
    state = httpx.get(f"{fhub.url}/_emulator/faults").json()
    assert state["rules"][0]["matched"] == 1
    assert httpx.post(f"{fhub.url}/_emulator/faults", json={"bogus": 1}).status_code == 400
    httpx.delete(f"{fhub.url}/_emulator/faults")
    assert httpx.get(f"{fhub.url}/acme/f/resolve/main/small.bin").status_code == 200
    fhub.log.wait_for(2)
    logged = httpx.get(f"{fhub.url}/_emulator/requests", params={"path": "*/small.bin"}).json()
    assert [r["status"] for r in logged] == [502, 200]  # control calls are not logged
    httpx.delete(f"{fhub.url}/_emulator/requests")
    assert httpx.get(f"{fhub.url}/_emulator/requests").json() == []
