"""`hfsuite info` and `auth check` read a Hub page URL whose branch has slashes the way
`download` does: against the repository's branches and tags, keeping the folder path."""

from __future__ import annotations

import pytest
from json_documents import document

from hfsuite.testing import HubEmulator

NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@pytest.fixture
def hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    hub = hub_factory()
    repo = hub.create_repo("acme/branchy", files={"sub/w.bin": b"main", "README.md": b"r"})
    repo.commit({"sub/w.bin": b"new weights", "sub/x.txt": b"x"}, branch="feature/new-weights")
    repo.create_branch("feature")  # a shorter branch: the longest real one wins
    return hub


def test_info_and_auth_check_find_the_slashed_branch(hfsuite_cmd, hub) -> None:  # type: ignore[no-untyped-def]
    env = {"HF_ENDPOINT": hub.url, **NO_KEYRING}
    repo = hub.repo("acme/branchy")
    url = f"{hub.url}/acme/branchy/tree/feature/new-weights/sub"
    branch_sha = repo.revision_sha("feature/new-weights")
    assert branch_sha != repo.sha

    shown = hfsuite_cmd("info", url, "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    details = document(shown.stdout, "repo-details")
    assert details["repo_id"] == "acme/branchy"
    assert details["commit"] == branch_sha and details["revision"] == "feature/new-weights"
    assert sorted(f["path"] for f in details["files"]) == ["README.md", "sub/w.bin", "sub/x.txt"]

    table = hfsuite_cmd("info", url, env=env)
    assert table.returncode == 0, table.stderr
    assert "feature/new-weights" in table.stdout
    assert "names 'sub' inside the repository; the whole repository is shown" in table.stderr

    checked = hfsuite_cmd("auth", "check", url, "--json", env=env)
    assert checked.returncode == 0, checked.stderr
    report = document(checked.stdout, "access-report")
    assert report["repo_id"] == "acme/branchy" and report["revision"] == "feature/new-weights"
    said = hfsuite_cmd("auth", "check", url, env=env)
    assert said.returncode == 0, said.stderr
    assert "names 'sub' inside the repository; the whole repository is checked" in said.stderr
