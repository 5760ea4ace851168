"""Token discovery order, the token store (keyring or 0600 file) and whoami parsing."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.backends import fail

from hfsuite.sources.auth import TokenInfo
from hfsuite.sources.tokens import (
    FoundToken,
    TokenOrigin,
    TokenStore,
    discover_token,
    find_token,
    mask,
)
from memory_keyring import MemoryKeyring

_Memory = MemoryKeyring


class _Broken(_Memory):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")


@pytest.fixture
def memory() -> Iterator[_Memory]:
    previous = keyring.get_keyring()
    backend = _Memory()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def failing() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_discovery_order(tmp_path: Path, memory: _Memory) -> None:
    hf_file = tmp_path / "hf" / "token"
    hf_file.parent.mkdir()
    hf_file.write_text("hf_file\n")
    store = TokenStore(tmp_path / "cfg")
    env = {"HF_TOKEN": "hf_env"}
    assert find_token(None, {}, hf_file) == FoundToken(
        "hf_file", TokenOrigin.HF_TOKEN_FILE, str(hf_file)
    )
    assert find_token(None, env, hf_file).origin is TokenOrigin.ENV
    assert find_token(None, {"HUGGING_FACE_HUB_TOKEN": "x"}, hf_file).value == "x"
    store.save("hf_stored")
    assert find_token(None, env, hf_file, store=store).value == "hf_stored"
    assert find_token(" hf_cli ", env, hf_file, store=store) == FoundToken(
        "hf_cli", TokenOrigin.EXPLICIT
    )
    # token_source narrows the search.
    assert find_token(None, env, hf_file, "env", store).value == "hf_env"
    assert find_token(None, env, hf_file, "hf-token-file", store).value == "hf_file"
    assert find_token(None, env, hf_file, "keyring", store).value == "hf_stored"
    assert find_token(None, env, hf_file, "none", store) is None
    assert discover_token("x", env, hf_file, "none") == "x"


def test_hf_token_path_overrides_the_default_file(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.write_text("hf_other")
    found = find_token(None, {"HF_TOKEN_PATH": str(other)}, tmp_path / "missing")
    assert found == FoundToken("hf_other", TokenOrigin.HF_TOKEN_FILE, str(other))
    assert find_token(None, {}, tmp_path / "missing") is None


def test_store_prefers_the_keyring(tmp_path: Path, memory: _Memory) -> None:
    store = TokenStore(tmp_path / "cfg")
    assert store.save("hf_secret") is TokenOrigin.KEYRING
    assert list(memory.data.values()) == ["hf_secret"]
    assert not store.file.exists()
    assert store.load() == FoundToken("hf_secret", TokenOrigin.KEYRING, "hfsuite")
    assert store.delete() == [TokenOrigin.KEYRING]
    assert memory.data == {} and store.load() is None


def test_store_falls_back_to_a_0600_file(tmp_path: Path, failing: None) -> None:
    store = TokenStore(tmp_path / "cfg")
    assert store.keyring_name() is None
    assert store.save("hf_secret") is TokenOrigin.SUITE_FILE
    assert stat.S_IMODE(store.file.stat().st_mode) == 0o600
    assert store.load() == FoundToken("hf_secret", TokenOrigin.SUITE_FILE, str(store.file))
    store.save("hf_second")  # replacing keeps the mode
    assert stat.S_IMODE(store.file.stat().st_mode) == 0o600
    assert store.load().value == "hf_second"
    assert store.delete() == [TokenOrigin.SUITE_FILE]
    assert store.load() is None and not store.file.exists()


def test_a_refusing_keyring_falls_back_to_the_file(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(_Broken())
    try:
        store = TokenStore(tmp_path / "cfg")
        assert store.save("hf_secret") is TokenOrigin.SUITE_FILE
        assert store.load().value == "hf_secret"
    finally:
        keyring.set_keyring(previous)


def test_no_keyring_probe_without_a_marker(tmp_path: Path) -> None:
    class Exploding(_Memory):
        def get_password(self, service: str, username: str) -> str | None:
            raise AssertionError("the keyring must not be asked")

    previous = keyring.get_keyring()
    keyring.set_keyring(Exploding())
    try:
        assert TokenStore(tmp_path / "cfg").load() is None
    finally:
        keyring.set_keyring(previous)


def test_mask_and_repr_never_show_the_token() -> None:
    token = "hf_abcdefghijklmnopqrstuvwxyz"
    assert mask(token) == "hf_…wxyz"
    assert mask("short") == "***" and mask(None) == ""
    assert token not in repr(FoundToken(token, TokenOrigin.ENV))


def test_token_info_from_whoami() -> None:
    data = {
        "name": "gharnaari",
        "fullname": "ghar naarii",
        "orgs": [{"name": "acme"}],
        "auth": {
            "type": "access_token",
            "accessToken": {
                "displayName": "deployement",
                "role": "fineGrained",
                "fineGrained": {
                    "canReadGatedRepos": True,
                    "global": ["discussion.write"],
                    "scoped": [
                        {
                            "entity": {"type": "user", "name": "gharnaari"},
                            "permissions": ["repo.content.read", "repo.write"],
                        }
                    ],
                },
            },
        },
    }
    info = TokenInfo.from_whoami(data)
    assert (info.user, info.role, info.token_name, info.orgs) == (
        "gharnaari",
        "fineGrained",
        "deployement",
        ("acme",),
    )
    assert info.fine_grained and info.can_read_gated is True
    assert info.permissions_on("gharnaari/model") == ("repo.content.read", "repo.write")
    assert info.permissions_on("other/model") == ()
    assert info.global_permissions == ("discussion.write",)
    classic = TokenInfo.from_whoami({"name": "x", "auth": {"accessToken": {"role": "write"}}})
    assert classic.role == "write" and classic.can_read_gated is None and not classic.fine_grained
