"""`hfsuite auth`, `search` and `info` end to end: the installed command against the emulator."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from database_rows import every_row
from json_documents import document

from hfsuite.testing import HubEmulator

ALICE = "hf_aliceE2Etoken000001"
BOB_FINE = "hf_bobFINEe2etoken0002"
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@pytest.fixture
def hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    hub = hub_factory()
    hub.create_repo(
        "acme/pub",
        files={"README.md": b"# pub\n", "config.json": b"{}", "model.bin": b"x" * 4096},
        downloads=120,
        likes=4,
        pipeline_tag="text-to-image",
        library_name="diffusers",
        tags=["diffusers", "license:mit"],
    )
    hub.create_repo("acme/lora", files={"l.safetensors": b"l" * 10}, downloads=5, likes=40)
    hub.create_repo("meta/gated", gated="manual", files={"a.txt": b"a"})
    hub.create_repo("alice/secret", private=True, files={"a.txt": b"a"})
    hub.add_token(ALICE, user="alice", display_name="laptop")
    hub.add_token(BOB_FINE, user="bob", role="fineGrained", scopes={"bob/x": ["repo.content.read"]})
    return hub


def _env(hub: HubEmulator, **extra: str) -> dict[str, str]:
    return {"HF_ENDPOINT": hub.url, **NO_KEYRING, **extra}


def test_auth_login_status_check_logout(hfsuite_cmd, hub) -> None:  # type: ignore[no-untyped-def]
    env = _env(hub)
    login = hfsuite_cmd("auth", "login", env=env, input=ALICE + "\n")
    assert login.returncode == 0, login.stderr
    assert "Logged in as alice (read token 'laptop')." in login.stdout
    assert ALICE not in login.stdout + login.stderr
    token_file = Path(login.stdout.split("suite token file: ")[1].strip())
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600

    status = hfsuite_cmd("auth", "status", "--json", env=env)
    data = document(status.stdout, "auth-status")
    assert (data["logged_in"], data["user"], data["role"], data["origin"]) == (
        True,
        "alice",
        "read",
        "suite token file",
    )
    assert ALICE not in status.stdout

    ok = hfsuite_cmd("auth", "check", "acme/pub", env=env)
    assert ok.returncode == 0 and "OK: The token of alice can read model acme/pub." in ok.stdout
    gated = hfsuite_cmd("auth", "check", "meta/gated", env=env)
    assert gated.returncode == 6
    assert "Error: Model meta/gated is gated and alice has not been granted access." in gated.stderr
    assert f"Accept its conditions at {hub.url}/meta/gated" in gated.stderr
    private = hfsuite_cmd("auth", "check", "acme/hidden", env=env)
    assert private.returncode == 7

    logout = hfsuite_cmd("auth", "logout", env=env)
    assert "Removed the stored token from the suite token file." in logout.stdout
    assert not token_file.exists()
    after = hfsuite_cmd("auth", "status", env=env)
    assert after.returncode == 0 and "Not logged in" in after.stdout


def test_login_refuses_invalid_token(hfsuite_cmd, hub) -> None:  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("auth", "login", "--token", "hf_wrongwrongwrong00", env=_env(hub))
    assert result.returncode == 6
    assert f"The token was refused by {hub.url} (invalid or expired)." in result.stderr
    assert "hf_wrongwrongwrong00" not in result.stdout + result.stderr


def test_login_uses_the_keyring_when_there_is_one(hfsuite_cmd, hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "keyring.json"
    env = _env(
        hub,
        PYTHON_KEYRING_BACKEND="e2e_file_keyring.JsonFileKeyring",
        PYTHONPATH=str(Path(__file__).parent),
        TEST_KEYRING_FILE=str(store),
    )
    login = hfsuite_cmd("auth", "login", "--token", ALICE, env=env)
    assert login.returncode == 0, login.stderr
    assert "Token stored in the keyring: e2e_file_keyring.JsonFileKeyring" in login.stdout
    assert json.loads(store.read_text()) == {"hfsuite/huggingface-token": ALICE}
    status = document(hfsuite_cmd("auth", "status", "--json", env=env).stdout, "auth-status")
    assert (status["origin"], status["user"]) == ("keyring", "alice")
    hfsuite_cmd("auth", "logout", env=env)
    assert json.loads(store.read_text()) == {}


def test_status_shows_fine_grained_scopes(hfsuite_cmd, hub) -> None:  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("auth", "status", "--token", BOB_FINE, env=_env(hub))
    assert result.returncode == 0, result.stderr
    assert "fineGrained" in result.stdout and "bob/x: repo.content.read" in result.stdout
    bad = hfsuite_cmd("auth", "status", env=_env(hub, HF_TOKEN="hf_wrongwrongwrong00"))
    assert bad.returncode == 6 and "invalid or expired" in bad.stderr


def test_search_and_info(hfsuite_cmd, hub) -> None:  # type: ignore[no-untyped-def]
    env = _env(hub)
    table = hfsuite_cmd("search", "acme", "--sort", "likes", env=env)
    assert table.returncode == 0, table.stderr
    assert table.stdout.index("acme/lora") < table.stdout.index("acme/pub")
    found = hfsuite_cmd("search", "--filter", "diffusers", "--json", env=env).stdout
    data = document(found, "search-page")
    assert [i["repo_id"] for i in data["items"]] == ["acme/pub"]
    assert data["items"][0]["pipeline_tag"] == "text-to-image"
    paged = document(hfsuite_cmd("search", "--limit", "1", "--json", env=env).stdout, "search-page")
    assert paged["next_cursor"]
    nxt = document(
        hfsuite_cmd("search", "--cursor", paged["next_cursor"], "--json", env=env).stdout,
        "search-page",
    )
    assert nxt["items"] and nxt["items"][0]["repo_id"] != paged["items"][0]["repo_id"]
    bad_sort = hfsuite_cmd("search", "--sort", "stars", env=env)
    assert bad_sort.returncode == 2 and "Unknown sort 'stars'" in bad_sort.stderr

    info = hfsuite_cmd("info", "acme/pub", "--files", env=env)
    assert info.returncode == 0, info.stderr
    for text in ("acme/pub", "mit", "text-to-image", "diffusers", "120", "model.bin", "4.0 KiB"):
        assert text in info.stdout
    shown = hfsuite_cmd("info", f"{hub.url}/acme/pub", "--json", env=env).stdout
    as_json = document(shown, "repo-details")
    assert as_json["total_bytes"] == 6 + 2 + 4096 and as_json["file_count"] == 3
    assert len(as_json["files"]) == 3 and as_json["repo_id"] == "acme/pub"
    assert as_json["commit"] == hub.repo("acme/pub").sha and as_json["license"] == "mit"
    missing = hfsuite_cmd("info", "acme/nope", env=env)
    assert missing.returncode == 7
    assert "Model acme/nope was not found (or it is private)." in missing.stderr

    offline = hfsuite_cmd("info", "acme/pub", env={**env, "HF_HUB_OFFLINE": "1"})
    assert offline.returncode == 0 and "Offline mode: showing the information" in offline.stderr
    uncached = hfsuite_cmd("info", "acme/lora", env={**env, "HF_HUB_OFFLINE": "1"})
    assert uncached.returncode == 5 and "there is no cached copy" in uncached.stderr


def test_token_never_lands_in_database_logs_or_exports(hfsuite_cmd, hub, sandbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = _env(hub, HF_HUB_DISABLE_XET="1")
    assert hfsuite_cmd("auth", "login", "--token", ALICE, env=env).returncode == 0
    runs = [
        ("-vv", "download", "alice/secret", "--local-dir", str(tmp_path / "dl")),
        ("-vv", "download", "acme/pub", "--token", ALICE, "--local-dir", str(tmp_path / "dl2")),
        ("-vv", "search", "acme"),
        ("-vv", "info", "alice/secret", "--files"),
        ("-vv", "auth", "check", "alice/secret"),
        ("-vv", "auth", "status"),
        ("history", "export", "--format", "json", "--output", str(tmp_path / "h.json")),
        ("history", "export", "--format", "csv", "--output", str(tmp_path / "h.csv")),
    ]
    for args in runs:
        result = hfsuite_cmd(*args, env=env)
        assert ALICE not in result.stdout + result.stderr, args
    assert (tmp_path / "dl" / "a.txt").exists(), "the stored token was used for the private repo"
    token_file = next(sandbox.rglob("token"))  # the suite's 0600 token file
    checked = []
    for root in (sandbox, tmp_path):
        for path in root.rglob("*"):
            if path.is_file() and path != token_file:
                checked.append(path)
                assert ALICE.encode() not in path.read_bytes(), path
    names = {p.name for p in checked}
    if os.environ.get("HFSUITE_DB_URL"):  # the default database is the test's PostgreSQL one
        rows = every_row(os.environ["HFSUITE_DB_URL"])
        assert "alice/secret" in rows, "the history is in the database"
        assert ALICE not in rows
    else:
        assert any(n.endswith(".db") for n in names), names
    assert "hfsuite.log" in names
