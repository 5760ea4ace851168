"""The emulator's Xet surface over HTTP: resolve headers, tokens, reconstructions, xorbs, dedup."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from xet_helpers import random_bytes, reconstruct, xet_token

from hfsuite.testing import HubEmulator

LFS_THRESHOLD = 64 * 1024
WEIGHTS = random_bytes(3_000_000, 11)


@pytest.fixture
def xet_hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=LFS_THRESHOLD, xet=True)
    hub.create_repo("acme/tiny", files={"config.json": b"{}", "model.bin": WEIGHTS})
    return hub


def _head(hub: HubEmulator, path: str, repo: str = "acme/tiny") -> httpx.Response:
    return httpx.head(f"{hub.url}/{repo}/resolve/main/{path}", follow_redirects=False)


def test_resolve_of_an_lfs_file_names_its_xet_id_and_token_route(xet_hub: HubEmulator) -> None:
    answer = _head(xet_hub, "model.bin")
    assert answer.status_code == 302
    file_id = answer.headers["X-Xet-Hash"]
    assert file_id == xet_hub.repo("acme/tiny").xet_file("model.bin").file_id
    assert len(file_id) == 64
    sha = answer.headers["X-Repo-Commit"]
    assert answer.links["xet-auth"]["url"] == (
        f"{xet_hub.url}/api/models/acme/tiny/xet-read-token/{sha}"
    )
    assert answer.headers["X-Xet-Refresh-Route"] == f"/api/models/acme/tiny/xet-read-token/{sha}"
    # the 302 still points at the CDN (the bridge non-Xet clients follow), another host
    assert answer.headers["Location"].startswith(xet_hub.cdn_url)
    assert xet_hub.cas_url not in (xet_hub.url, xet_hub.cdn_url)
    # regular files are untouched
    assert "X-Xet-Hash" not in _head(xet_hub, "config.json").headers


def test_xet_is_off_by_default_and_per_repo(hub_factory) -> None:  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=LFS_THRESHOLD)
    plain = hub.create_repo("acme/plain", files={"model.bin": WEIGHTS})
    hub.create_repo("acme/other", files={"model.bin": WEIGHTS})
    assert "X-Xet-Hash" not in _head(hub, "model.bin", "acme/plain").headers
    assert httpx.get(f"{hub.url}/api/models/acme/plain/xet-read-token/main").status_code == 404
    plain.set_xet(True)
    assert "X-Xet-Hash" in _head(hub, "model.bin", "acme/plain").headers
    assert "X-Xet-Hash" not in _head(hub, "model.bin", "acme/other").headers


def test_repo_config_turns_xet_on(hub_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "root" / "acme" / "cfg"
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(WEIGHTS)
    (folder / ".hfsuite-repo.toml").write_text("xet = true\n")
    hub = hub_factory(tmp_path / "root", lfs_threshold=LFS_THRESHOLD)
    assert "X-Xet-Hash" in _head(hub, "model.bin", "acme/cfg").headers


def test_token_route_answers_headers_and_json(xet_hub: HubEmulator) -> None:
    answer = httpx.get(f"{xet_hub.url}/api/models/acme/tiny/xet-read-token/main")
    assert answer.status_code == 200
    body = answer.json()
    assert answer.headers["X-Xet-Cas-Url"] == body["casUrl"] == xet_hub.cas_url
    assert answer.headers["X-Xet-Access-Token"] == body["accessToken"]
    assert int(answer.headers["X-Xet-Token-Expiration"]) == body["exp"]


def test_private_repo_token_needs_access(hub_factory) -> None:  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=LFS_THRESHOLD, xet=True)
    hub.create_repo("acme/secret", private=True, files={"model.bin": WEIGHTS})
    hub.add_token("hf_acme", user="acme")
    route = f"{hub.url}/api/models/acme/secret/xet-read-token/main"
    assert httpx.get(route).status_code in (401, 404)
    good = httpx.get(route, headers={"Authorization": "Bearer hf_acme"})
    assert good.status_code == 200


def test_cas_needs_a_token(xet_hub: HubEmulator) -> None:
    file_id = xet_hub.repo("acme/tiny").xet_file("model.bin").file_id
    url = f"{xet_hub.cas_url}/v1/reconstructions/{file_id}"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer xet_1_forged"}).status_code == 401


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize(
    ("start", "end"),
    [(0, len(WEIGHTS) - 1), (0, 0), (123_457, 1_999_999), (len(WEIGHTS) - 10, len(WEIGHTS) + 99)],
)
def test_reconstruction_rebuilds_any_range(
    xet_hub: HubEmulator, version: int, start: int, end: int
) -> None:
    token = xet_token(xet_hub.url, "acme/tiny")["accessToken"]
    file_id = xet_hub.repo("acme/tiny").xet_file("model.bin").file_id
    got = reconstruct(xet_hub.cas_url, token, file_id, start, end, version)
    assert got == WEIGHTS[start : end + 1]


def test_range_past_the_end_is_416(xet_hub: HubEmulator) -> None:
    token = xet_token(xet_hub.url, "acme/tiny")["accessToken"]
    file_id = xet_hub.repo("acme/tiny").xet_file("model.bin").file_id
    for version in ("v1", "v2"):
        answer = httpx.get(
            f"{xet_hub.cas_url}/{version}/reconstructions/{file_id}",
            headers={
                "Authorization": f"Bearer {token}",
                "Range": f"bytes={len(WEIGHTS)}-{len(WEIGHTS) + 255_999_999}",
            },
        )
        assert answer.status_code == 416
        assert answer.headers["Content-Range"] == f"bytes */{len(WEIGHTS)}"


def test_v1_and_v2_json_shapes(xet_hub: HubEmulator) -> None:
    token = xet_token(xet_hub.url, "acme/tiny")["accessToken"]
    file_id = xet_hub.repo("acme/tiny").xet_file("model.bin").file_id
    auth = {"Authorization": f"Bearer {token}"}
    v1 = httpx.get(f"{xet_hub.cas_url}/v1/reconstructions/{file_id}", headers=auth).json()
    v2 = httpx.get(f"{xet_hub.cas_url}/v2/reconstructions/{file_id}", headers=auth).json()
    assert set(v1) == {"offset_into_first_range", "terms", "fetch_info"}
    assert set(v2) == {"offset_into_first_range", "terms", "xorbs"}
    assert v1["terms"] == v2["terms"]
    assert sum(t["unpacked_length"] for t in v1["terms"]) == len(WEIGHTS)
    (xorb,) = v1["fetch_info"]
    (item,) = v1["fetch_info"][xorb]
    assert set(item) == {"range", "url", "url_range"}
    (fetch,) = v2["xorbs"][xorb]
    assert set(fetch) == {"url", "ranges"}
    assert set(fetch["ranges"][0]) == {"chunks", "bytes"}
    # V1 with the version header answers V2
    v1v2 = httpx.get(
        f"{xet_hub.cas_url}/v1/reconstructions/{file_id}",
        headers={**auth, "X-Xet-Reconstruction-Version": "2"},
    )
    assert "xorbs" in v1v2.json() and v1v2.headers["X-Xet-Reconstruction-Version"] == "2"


def test_xorb_urls_are_signed_and_expire(xet_hub: HubEmulator) -> None:
    token = xet_token(xet_hub.url, "acme/tiny")["accessToken"]
    file_id = xet_hub.repo("acme/tiny").xet_file("model.bin").file_id
    auth = {"Authorization": f"Bearer {token}"}
    body = httpx.get(f"{xet_hub.cas_url}/v1/reconstructions/{file_id}", headers=auth).json()
    (items,) = body["fetch_info"].values()
    url = items[0]["url"]
    assert httpx.get(url, headers={"Range": "bytes=0-7"}).status_code == 206
    tampered = url.replace("Signature=", "Signature=0")
    assert httpx.get(tampered).status_code == 403
    xet_hub.set_cdn_url_ttl(-1)
    body = httpx.get(f"{xet_hub.cas_url}/v1/reconstructions/{file_id}", headers=auth).json()
    (items,) = body["fetch_info"].values()
    assert httpx.get(items[0]["url"]).status_code == 403


def test_telemetry_is_accepted(xet_hub: HubEmulator) -> None:
    assert httpx.post(f"{xet_hub.cas_url}/v1/telemetry", content=b"{}").status_code == 200


def test_revision_sharing_95_percent_shares_about_95_percent_of_chunks(
    hub_factory,  # type: ignore[no-untyped-def]
) -> None:
    hub = hub_factory(lfs_threshold=LFS_THRESHOLD, xet=True)
    size = 8_000_000
    old = random_bytes(size, 21)
    # 5 % of the file changes: a 400 KB region in the middle is rewritten
    cut = size // 2
    new = old[:cut] + random_bytes(size // 20, 22) + old[cut + size // 20 :]
    repo = hub.create_repo("acme/evolving", files={"model.bin": old})
    first_sha = repo.sha
    repo.commit({"model.bin": new})
    assert hub.repo("acme/evolving").files(first_sha)["model.bin"].read_all() == old
    a = repo.xet_file("model.bin", first_sha)
    b = repo.xet_file("model.bin")
    assert a.file_id != b.file_id
    shared = set(a.chunk_hashes) & set(b.chunk_hashes)
    ratio = len(shared) / len(b.chunk_hashes)
    assert 0.88 <= ratio <= 0.97, ratio
    # the unchanged chunks are served from the first revision's xorbs
    old_xorbs = {t.xorb.hash_hex for t in a.terms}
    new_bytes_in_old_xorbs = sum(t.size for t in b.terms if t.xorb.hash_hex in old_xorbs)
    assert new_bytes_in_old_xorbs >= 0.88 * size
    # and the new revision's file rebuilds exactly
    token = xet_token(hub.url, "acme/evolving")["accessToken"]
    assert reconstruct(hub.cas_url, token, b.file_id, 0, size - 1) == new
    assert reconstruct(hub.cas_url, token, a.file_id, 0, size - 1) == old
    assert len(b.chunk_hashes) > 50  # ~64 KiB chunks of an 8 MB file


def test_control_endpoints_report_the_cas_and_the_store(xet_hub: HubEmulator) -> None:
    health = httpx.get(f"{xet_hub.url}/_emulator/health").json()
    assert health["cas_url"] == xet_hub.cas_url
    _head(xet_hub, "model.bin")
    stats = httpx.get(f"{xet_hub.url}/_emulator/xet").json()
    assert stats["enabled"] is True
    assert stats["files"] == 1 and stats["chunked_bytes"] == len(WEIGHTS)
    assert stats["chunks"] >= len(WEIGHTS) // (128 * 1024) and stats["xorbs"] == 1


def test_serve_flag_and_environment_turn_xet_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hfsuite.testing.hub import _emulator, build_parser

    (tmp_path / "acme" / "m").mkdir(parents=True)
    off = _emulator(build_parser().parse_args(["serve", "--root", str(tmp_path)]))
    on = _emulator(build_parser().parse_args(["serve", "--root", str(tmp_path), "--xet"]))
    monkeypatch.setenv("HFSUITE_HUB_XET", "1")
    by_env = _emulator(build_parser().parse_args(["serve", "--root", str(tmp_path)]))
    assert (off.xet_store.enabled, on.xet_store.enabled, by_env.xet_store.enabled) == (
        False,
        True,
        True,
    )
