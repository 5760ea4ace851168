"""Accounts against the emulator: login (keyring or 0600 file), status, check, logout, and the
token discovery order as the download path sees it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from hfsuite.app import accounts
from hfsuite.app.download.operation import DownloadRequest
from hfsuite.app.download.sources import make_source
from hfsuite.core.errors import AuthenticationError, NetworkError
from hfsuite.core.types import RepoRef
from hfsuite.sources.auth import AccessVerdict
from hfsuite.sources.huggingface import HuggingFaceSource
from hfsuite.sources.tokens import KEYRING_SERVICE, KEYRING_USER, TokenOrigin
from hfsuite.testing import HubEmulator

ALICE = "hf_aliceREADtoken0001"
BOB_FINE = "hf_bobFINEtoken000003"


@pytest.fixture
def hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    hub = hub_factory()
    hub.create_repo("acme/pub", files={"a.txt": b"a"})
    hub.create_repo("meta/gated", gated="manual", files={"a.txt": b"a"})
    hub.create_repo("acme/secret", private=True, files={"a.txt": b"a"})
    hub.create_repo("bob/private", private=True, files={"a.txt": b"a"})
    hub.create_repo("bob/hidden", private=True, files={"a.txt": b"a"})
    hub.add_token(ALICE, user="alice", orgs=["acme"], display_name="laptop")
    hub.add_token(
        BOB_FINE,
        user="bob",
        role="fineGrained",
        scopes={"bob/private": ["repo.content.read"]},
        can_read_gated=False,
    )
    return hub


def test_login_stores_in_keyring_and_status_shows_owner(hub, make_suite, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=hub.url)
    result = accounts.login(suite, f"  {ALICE}\n")
    assert result.stored_in is TokenOrigin.KEYRING
    assert memory_keyring.data == {(KEYRING_SERVICE, KEYRING_USER): ALICE}
    assert not accounts.token_store(suite).file.exists()
    state = accounts.status(suite)
    assert state.origin is TokenOrigin.KEYRING and state.valid
    assert (state.info.user, state.info.role, state.info.orgs, state.info.token_name) == (
        "alice",
        "read",
        ("acme",),
        "laptop",
    )
    assert state.masked == "hf_…0001" and ALICE not in str(state.to_dict())
    # The download path uses the stored token.
    source = make_source(suite, DownloadRequest(ref=RepoRef("acme/pub")))
    assert isinstance(source, HuggingFaceSource) and source.token == ALICE
    assert accounts.logout(suite).removed == [TokenOrigin.KEYRING]
    assert memory_keyring.data == {}
    assert accounts.status(suite).origin is None


def test_login_without_keyring_writes_a_0600_file(hub, make_suite, no_keyring) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=hub.url)
    result = accounts.login(suite, ALICE)
    assert result.stored_in is TokenOrigin.SUITE_FILE
    path = Path(result.location)
    assert path == accounts.token_store(suite).file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == ALICE
    assert accounts.current_token(suite).origin is TokenOrigin.SUITE_FILE
    assert accounts.logout(suite).removed == [TokenOrigin.SUITE_FILE]
    assert not path.exists()


def test_login_refuses_an_invalid_token_and_stores_nothing(hub, make_suite, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=hub.url)
    with pytest.raises(AuthenticationError) as info:
        accounts.login(suite, "hf_notARealToken0000")
    assert info.value.message == f"The token was refused by {hub.url} (invalid or expired)."
    assert memory_keyring.data == {}
    assert accounts.current_token(suite) is None


def test_login_offline_is_refused(hub, make_suite) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=hub.url, offline=True)
    with pytest.raises(NetworkError, match="Offline mode is on, so the token cannot be checked"):
        accounts.login(suite, ALICE)


def test_discovery_order_and_logout_note(hub, make_suite, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hf_home = tmp_path / "hf-home"
    hf_home.mkdir()
    (hf_home / "token").write_text("hf_fromHFtokenFile0000\n")
    suite = make_suite(endpoint=hub.url, hf_home=str(hf_home))
    assert accounts.current_token(suite).origin is TokenOrigin.HF_TOKEN_FILE
    monkeypatch.setenv("HF_TOKEN", "hf_fromEnvironment0000")
    assert accounts.current_token(suite).origin is TokenOrigin.ENV
    accounts.login(suite, ALICE)
    assert accounts.current_token(suite).value == ALICE
    assert accounts.current_token(suite, "hf_explicit00000000").origin is TokenOrigin.EXPLICIT
    result = accounts.logout(suite)
    assert result.still_active is not None and result.still_active.origin is TokenOrigin.ENV


def test_status_of_a_fine_grained_token_lists_scopes(hub, make_suite) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=hub.url)
    info = accounts.status(suite, BOB_FINE).info
    assert info.fine_grained and info.can_read_gated is False
    assert [(g.entity, g.permissions) for g in info.scopes] == [
        ("bob/private", ("repo.content.read",))
    ]
    assert info.permissions_on("bob/private") == ("repo.content.read",)
    assert info.permissions_on("bob/hidden") == ()


@pytest.mark.parametrize(
    ("token", "repo", "verdict", "message"),
    [
        (None, "acme/pub", AccessVerdict.READABLE, "Anonymous access can read model acme/pub."),
        (None, "meta/gated", AccessVerdict.GATED_LOGIN, "Model meta/gated is gated and no token "
         "is set."),
        (None, "acme/secret", AccessVerdict.NOT_FOUND, "Model acme/secret was not found (or it "
         "is private)."),
        (ALICE, "acme/secret", AccessVerdict.READABLE, "The token of alice can read private "
         "model acme/secret."),
        (ALICE, "meta/gated", AccessVerdict.GATED_NOT_ACCEPTED, "Model meta/gated is gated and "
         "alice has not been granted access."),
        (ALICE, "bob/private", AccessVerdict.NOT_FOUND, "Model bob/private was not found, or it "
         "is private and alice cannot see it."),
        (BOB_FINE, "bob/private", AccessVerdict.READABLE, "The token of bob can read private "
         "model bob/private."),
        (BOB_FINE, "bob/hidden", AccessVerdict.NO_SCOPE, "Model bob/hidden was not found, or it "
         "is private and this fine-grained token has no read scope for it."),
        ("hf_notARealToken0000", "acme/pub", AccessVerdict.INVALID_TOKEN, "The token was refused "
         "by {url} (invalid or expired)."),
    ],
)  # fmt: skip
def test_check_explains_access(hub, make_suite, token, repo, verdict, message) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=hub.url)
    report = accounts.check(suite, repo, token)
    assert report.verdict is verdict
    assert report.message == message.format(url=hub.url)
    assert report.readable is (verdict is AccessVerdict.READABLE)


def test_check_gated_pending_and_fine_grained_without_gated_permission(hub, make_suite) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=hub.url)
    hub.request_access("meta/gated", "alice")
    pending = accounts.check(suite, "meta/gated", ALICE)
    assert pending.verdict is AccessVerdict.GATED_PENDING
    assert pending.message == (
        "Model meta/gated is gated and the access request of alice is awaiting review."
    )
    hub.grant_access("meta/gated", "bob")
    denied = accounts.check(suite, "meta/gated", BOB_FINE)
    assert denied.verdict is AccessVerdict.GATED_NOT_PERMITTED
    assert "may not read gated repositories" in denied.message
    hub.grant_access("meta/gated", "alice")
    granted = accounts.check(suite, f"{hub.url}/meta/gated", ALICE)
    assert granted.readable and granted.message.endswith("(gated; access granted).")
