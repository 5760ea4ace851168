"""The Hugging Face source against the emulator: revisions, gated/private repos with their exact
messages, renamed repos, the token kept off the CDN, fine-grained tokens and their fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfsuite.app.download.operation import DownloadRequest, download, plan
from hfsuite.core.destination import Destination
from hfsuite.core.errors import AuthenticationError, GatedRepoError, RepoNotFoundError
from hfsuite.core.types import RepoRef, RepoType
from hfsuite.sources.huggingface import HuggingFaceSource
from hfsuite.testing import HubEmulator, TokenRole

MIB = 1024 * 1024
FILES = {"config.json": b'{"a": 1}', "model.bin": b"w" * (MIB + 17)}


@pytest.fixture
def hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    hub.create_repo("acme/pub", files=FILES)
    hub.create_repo("acme/gated", gated="manual", files=FILES)
    hub.create_repo("acme/secret", private=True, files=FILES)
    hub.add_token("hf_aliceREADtoken0001", user="alice")
    hub.add_token("hf_acmeOWNERtoken0002", user="acme", role="write")
    return hub


def _download(suite, ref: RepoRef, tmp_path: Path, token: str | None = None):  # type: ignore[no-untyped-def]
    # One file at a time: with files in parallel, the engine can report a sibling's "download
    # ended with bytes missing" (the file halted because another failed) instead of the real
    # error; that ordering is the engine's business, these tests are about the messages.
    request = DownloadRequest(
        ref=ref, destination=Destination.folder(tmp_path / "out"), token=token, max_files=1
    )
    return download(suite, request)


def test_branches_tags_commits_and_pr_refs_resolve(hub: HubEmulator) -> None:
    repo = hub.repo("acme/pub")
    main = repo.sha
    dev = repo.commit({"dev.txt": b"dev"}, branch="dev")
    repo.create_tag("v1.0", main)
    pr = repo.create_pr({"pr.txt": b"pr"})
    source = HuggingFaceSource(hub.url)
    assert source.snapshot(RepoRef("acme/pub")).commit == main
    assert source.snapshot(RepoRef("acme/pub", revision="dev")).commit == dev
    assert "dev.txt" in {f.path for f in source.snapshot(RepoRef("acme/pub", revision="dev")).files}
    assert source.snapshot(RepoRef("acme/pub", revision="v1.0")).commit == main
    assert source.snapshot(RepoRef("acme/pub", revision=dev[:10])).commit == dev
    snap = source.snapshot(RepoRef("acme/pub", revision=f"refs/pr/{pr}"))
    assert "pr.txt" in {f.path for f in snap.files}
    # The file URL carries the commit, so the engine never has to encode refs/pr/N.
    assert all(f"/resolve/{snap.commit}/" in f.url for f in snap.files)


def test_pr_ref_downloads_through_the_app(hub: HubEmulator, make_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub.repo("acme/pub").create_pr({"pr.txt": b"from a PR"})
    suite = make_suite(endpoint=hub.url)
    _download(suite, RepoRef("acme/pub", revision="refs/pr/1"), tmp_path)
    assert (tmp_path / "out" / "pr.txt").read_bytes() == b"from a PR"


GATED_ANON = (
    "Model acme/gated is gated: log in with a token, and accept its conditions at {url}/acme/gated,"
    " then retry."
)
GATED_NO_ACCESS = (
    "Model acme/gated is gated: accept its conditions at {url}/acme/gated, then retry."
)
GATED_PENDING = "Model acme/gated is gated and your access request is awaiting review."


@pytest.mark.parametrize(
    ("token", "pending", "message"),
    [
        (None, False, GATED_ANON),
        ("hf_aliceREADtoken0001", False, GATED_NO_ACCESS),
        ("hf_aliceREADtoken0001", True, GATED_PENDING),
    ],
    ids=["anonymous", "no-access", "pending"],
)
def test_gated_messages(hub, make_suite, tmp_path, token, pending, message) -> None:  # type: ignore[no-untyped-def]
    if pending:
        hub.request_access("acme/gated", "alice")
    suite = make_suite(endpoint=hub.url)
    with pytest.raises(GatedRepoError) as info:
        _download(suite, RepoRef("acme/gated"), tmp_path, token)
    assert info.value.message == message.format(url=hub.url)
    assert info.value.exit_code == 6


def test_gated_with_access_downloads(hub, make_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub.grant_access("acme/gated", "alice")
    suite = make_suite(endpoint=hub.url)
    _download(suite, RepoRef("acme/gated"), tmp_path, "hf_aliceREADtoken0001")
    assert (tmp_path / "out" / "model.bin").stat().st_size == MIB + 17


def test_private_repo_messages(hub, make_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=hub.url)
    with pytest.raises(RepoNotFoundError) as anon:
        _download(suite, RepoRef("acme/secret"), tmp_path)
    assert anon.value.message == "Model acme/secret was not found (or it is private)."
    with pytest.raises(RepoNotFoundError) as other:
        _download(suite, RepoRef("acme/secret"), tmp_path, "hf_aliceREADtoken0001")
    assert other.value.message == (
        "Model acme/secret was not found, or it is private and your token cannot see it."
    )
    _download(suite, RepoRef("acme/secret"), tmp_path, "hf_acmeOWNERtoken0002")
    assert (tmp_path / "out" / "config.json").read_bytes() == FILES["config.json"]


def test_invalid_token_message(hub, make_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=hub.url)
    with pytest.raises(AuthenticationError) as info:
        _download(suite, RepoRef("acme/pub"), tmp_path, "hf_doesNotExist00000")
    assert info.value.message == f"The token was refused by {hub.url} (invalid or expired)."


def test_renamed_repo_is_followed(hub, make_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub.rename_repo("acme/pub", "acme/public-v2")
    suite = make_suite(endpoint=hub.url)
    source, _, the_plan = plan(suite, DownloadRequest(ref=RepoRef("acme/pub")), dry_run=True)
    assert the_plan.snapshot.ref.repo_id == "acme/public-v2"
    assert source.notices == ["Model acme/pub was renamed to acme/public-v2; using the new name."]
    assert hub.log.filter(path="/api/models/acme/pub/revision/main", status=307)
    _download(suite, RepoRef("acme/pub"), tmp_path)
    assert (tmp_path / "out" / "model.bin").exists()


def test_token_never_reaches_the_cdn(hub, make_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub.grant_access("acme/gated", "alice")
    suite = make_suite(endpoint=hub.url)
    _download(suite, RepoRef("acme/gated"), tmp_path, "hf_aliceREADtoken0001")
    cdn = hub.log.filter(origin="cdn")
    assert cdn, "the LFS file should come from the CDN origin"
    assert not any(r.authorization for r in cdn)
    resolve = hub.log.filter(path="/acme/gated/resolve/*", origin="hub")
    assert resolve and all(r.authorization for r in resolve)


# --- fine-grained tokens ----------------------------------------------------------------------
def _refuse_unscoped_fine_grained(hub: HubEmulator) -> None:
    """Make the emulator behave like the Hub for a fine-grained token without the 'public repos'
    permission: repositories outside its scopes are invisible to it, public ones included."""
    state = hub.state
    original = state.can_see

    def can_see(repo, token):  # type: ignore[no-untyped-def]
        fine_grained = token is not None and token.role is TokenRole.FINE_GRAINED
        if fine_grained and not token.scope_permissions(repo):
            return False
        return original(repo, token)

    state.can_see = can_see  # type: ignore[method-assign]


@pytest.fixture
def fine(hub: HubEmulator) -> HubEmulator:
    hub.add_token(
        "hf_bobFINEscoped00003",
        user="bob",
        role="fineGrained",
        scopes={"bob": ["repo.content.read"]},
    )
    hub.create_repo("bob/private", private=True, files=FILES)
    hub.create_repo("bob/other-private", private=True, files=FILES)
    hub.add_token(
        "hf_bobFINEnarrow00004",
        user="bob",
        role="fineGrained",
        scopes={"bob/private": ["repo.content.read"]},
    )
    _refuse_unscoped_fine_grained(hub)
    return hub


def test_fine_grained_scoped_token_reads_its_private_repo(fine, make_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=fine.url)
    _download(suite, RepoRef("bob/private"), tmp_path, "hf_bobFINEnarrow00004")
    assert (tmp_path / "out" / "config.json").exists()
    with pytest.raises(RepoNotFoundError, match="your token cannot see it"):
        _download(suite, RepoRef("bob/other-private"), tmp_path, "hf_bobFINEnarrow00004")


def test_refused_fine_grained_token_falls_back_to_anonymous_on_public_repo(
    fine, make_suite, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=fine.url)
    source, _, _ = plan(
        suite, DownloadRequest(ref=RepoRef("acme/pub"), token="hf_bobFINEnarrow00004"), dry_run=True
    )
    assert isinstance(source, HuggingFaceSource)
    assert source.token is None
    assert source.notices == [
        "The fine-grained token of bob is refused on public model acme/pub; continuing without a "
        "token (anonymous access)."
    ]
    fine.log.clear()
    _download(suite, RepoRef("acme/pub"), tmp_path, "hf_bobFINEnarrow00004")
    assert (tmp_path / "out" / "model.bin").stat().st_size == MIB + 17
    resolves = fine.log.filter(path="/acme/pub/resolve/*")
    assert resolves and not any(r.authorization for r in resolves)


def test_check_access_drops_a_refused_fine_grained_token_like_snapshot(fine) -> None:  # type: ignore[no-untyped-def]
    source = HuggingFaceSource(fine.url, "hf_bobFINEnarrow00004")
    with pytest.raises(RepoNotFoundError):
        source.auth_check(RepoRef("acme/pub"))
    assert source.token == "hf_bobFINEnarrow00004", "auth_check never drops the token"
    source.check_access(RepoRef("acme/pub"))
    assert source.token is None and len(source.notices) == 1
    assert source.auth.headers_for(f"{fine.url}/acme/pub") == {}
    with pytest.raises(RepoNotFoundError):
        HuggingFaceSource(fine.url, "hf_bobFINEnarrow00004").check_access(RepoRef("acme/secret"))


def test_no_fallback_for_gated_or_private_repos(fine, make_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    suite = make_suite(endpoint=fine.url)
    with pytest.raises(RepoNotFoundError):
        _download(suite, RepoRef("acme/secret"), tmp_path, "hf_bobFINEnarrow00004")
    with pytest.raises(RepoNotFoundError):
        _download(suite, RepoRef("acme/gated"), tmp_path, "hf_bobFINEnarrow00004")


def test_no_fallback_for_classic_tokens(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub.add_fault("/api/models/acme/pub/revision/*", status=403, count=1)
    source = HuggingFaceSource(hub.url, "hf_aliceREADtoken0001")
    with pytest.raises(AuthenticationError) as info:
        source.snapshot(RepoRef("acme/pub"))
    assert info.value.message == "Access to acme/pub is forbidden for this token."
    assert source.token == "hf_aliceREADtoken0001"


def test_dataset_and_space_refs(hub, make_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub.create_repo("acme/data", repo_type="dataset", files={"train.csv": b"a,b\n1,2\n"})
    hub.create_repo("acme/demo", repo_type="space", files={"app.py": b"print(1)\n"})
    suite = make_suite(endpoint=hub.url)
    _download(suite, RepoRef("acme/data", RepoType.DATASET), tmp_path)
    _download(suite, RepoRef("acme/demo", RepoType.SPACE), tmp_path)
    assert (tmp_path / "out" / "train.csv").exists() and (tmp_path / "out" / "app.py").exists()


def test_info_falls_back_too(fine, make_suite) -> None:  # type: ignore[no-untyped-def]
    from hfsuite.app.hub import catalog

    suite = make_suite(endpoint=fine.url)
    details = catalog.info(suite, "acme/pub", token="hf_bobFINEnarrow00004")
    assert details.id == "acme/pub" and len(details.files) == 2
    assert "continuing without a token (anonymous access)" in (details.freshness.note or "")
