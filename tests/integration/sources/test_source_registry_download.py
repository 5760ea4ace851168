"""A source is one class and one registry line: a fake source registered for a kind is what the
download path plans with, fetches through (its headers) and explains errors with."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from hfsuite.app.download import sources as app_sources
from hfsuite.app.download.operation import DownloadRequest, download, plan
from hfsuite.app.suite import Suite
from hfsuite.core.errors import HfSuiteError, SourceError
from hfsuite.core.remote import HttpAnswer, RemoteFile, RepoSnapshot
from hfsuite.core.source import Source, file_in
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.testing import HubEmulator
from hfsuite.testing.pytest_plugin import HubFactory

CONTENT = b'{"fake": true}'


class RecordingAuth:
    """No credentials; remembers which URLs the engine asked about."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def headers_for(self, url: str) -> dict[str, str]:
        self.asked.append(url)
        return {}


class FakeSource:
    """Serves ``fake:<path>`` from the emulator's acme/pub repository."""

    kind = SourceKind.URL

    def __init__(self, hub: HubEmulator):
        self.hub = hub
        self.auth = RecordingAuth()
        self.snapshots: list[RepoRef] = []
        self.mapped: list[int] = []

    def file_url(self, ref: RepoRef, path: str) -> str:
        return f"{self.hub.url}/acme/pub/resolve/main/{path}"

    def snapshot(self, ref: RepoRef) -> RepoSnapshot:
        self.snapshots.append(ref)
        path = ref.repo_id.removeprefix("fake:")
        remote = RemoteFile(
            path=path,
            size=len(CONTENT),
            url=self.file_url(ref, path),
            sha256=hashlib.sha256(CONTENT).hexdigest(),
            lfs=True,
        )
        return RepoSnapshot(ref=ref, commit="fake-commit", files=(remote,))

    def file_metadata(self, ref: RepoRef, path: str) -> RemoteFile:
        return file_in(self.snapshot(ref), path)

    def map_error(self, answer: HttpAnswer) -> HfSuiteError:
        self.mapped.append(answer.status)
        return SourceError(f"The fake source says HTTP {answer.status}.")

    def check_access(self, ref: RepoRef) -> None:
        return None


@pytest.fixture
def hub(hub_factory: HubFactory) -> HubEmulator:
    hub = hub_factory()
    hub.create_repo("acme/pub", files={"config.json": CONTENT})
    return hub


@pytest.fixture
def fake(hub: HubEmulator, monkeypatch: pytest.MonkeyPatch) -> FakeSource:
    source = FakeSource(hub)
    assert isinstance(source, Source)
    monkeypatch.setitem(app_sources.SOURCE_FACTORIES, SourceKind.URL, lambda suite, req: source)
    return source


def test_the_download_path_uses_the_registered_source(
    fake: FakeSource, make_suite: Callable[..., Suite], tmp_path: Path
) -> None:
    suite = make_suite(download_dir=str(tmp_path / "dl"))
    ref = RepoRef("fake:config.json", source=SourceKind.URL)
    planned, _, the_plan = plan(suite, DownloadRequest(ref=ref), dry_run=True)
    assert planned is fake and [f.remote.path for f in the_plan.files] == ["config.json"]
    outcome = download(suite, DownloadRequest(ref=ref))
    assert fake.snapshots == [ref, ref]
    assert (tmp_path / "dl" / "config.json").read_bytes() == CONTENT
    assert set(outcome.local_paths) == {"config.json"}
    assert fake.file_url(ref, "config.json") in fake.auth.asked, "requests asked its auth"


def test_the_registered_source_explains_the_errors(
    fake: FakeSource, make_suite: Callable[..., Suite], tmp_path: Path
) -> None:
    suite = make_suite(download_dir=str(tmp_path / "dl"))
    ref = RepoRef("fake:missing.bin", source=SourceKind.URL)
    with pytest.raises(SourceError, match="The fake source says HTTP 404"):
        download(suite, DownloadRequest(ref=ref))
    assert fake.mapped and set(fake.mapped) == {404}
