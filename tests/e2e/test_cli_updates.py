"""`hfsuite updates`: what changed upstream since a download, and --apply queues it."""

from __future__ import annotations

from json_documents import document


def test_updates_lists_changes_and_apply_queues_modified_files(hfsuite_cmd, hub, tmp_path):  # type: ignore[no-untyped-def]
    repo = hub.create_repo(
        "acme/u",
        files={
            "a.txt": b"one",
            "b.txt": b"two",
            "gone.txt": b"x",
            "skipped.bin": b"not downloaded",
        },
    )
    dest = tmp_path / "d"
    got = hfsuite_cmd(
        "download", "acme/u", "--endpoint", hub.url, "--local-dir", str(dest), "--exclude", "*.bin"
    )
    assert got.returncode == 0, got.stderr
    env = {"HF_ENDPOINT": hub.url}

    fresh = document(hfsuite_cmd("updates", "--json", env=env).stdout, "updates")
    (entry,) = fresh["repos"]
    assert entry["update_available"] is False and entry["changes"] == []

    repo.commit(
        {"a.txt": b"ONE, changed", "new.txt": b"brand new", "skipped.bin": b"v2"},
        delete=["gone.txt"],
    )
    result = hfsuite_cmd("updates", "--json", env=env)
    assert result.returncode == 0, result.stderr
    (entry,) = document(result.stdout, "updates")["repos"]
    assert entry["update_available"] is True
    assert entry["current_commit"] == repo.sha
    changes = {(c["path"], c["kind"]) for c in entry["changes"]}
    # skipped.bin changed too, but it was never downloaded: not reported.
    assert changes == {("a.txt", "modified"), ("gone.txt", "removed"), ("new.txt", "added")}

    applied = document(hfsuite_cmd("updates", "--apply", "--json", env=env).stdout, "updates")
    assert len(applied["queued_task_ids"]) == 1
    run = hfsuite_cmd("queue", "run", env=env)
    assert run.returncode == 0, run.stderr
    assert (dest / "a.txt").read_bytes() == b"ONE, changed"
    assert not (dest / "new.txt").exists(), "added files are queued only with --include-added"
    (after,) = document(hfsuite_cmd("updates", "--json", env=env).stdout, "updates")["repos"]
    assert after["downloaded_commit"] == repo.sha and after["commit_moved"] is False
    # Not up to date: new.txt is still missing and gone.txt is still in the folder.
    assert after["update_available"] is True
    assert {(c["path"], c["kind"]) for c in after["changes"]} == {
        ("gone.txt", "removed"),
        ("new.txt", "added"),
    }

    # The update fetched only a.txt; b.txt is still tracked, so a later change to it is seen.
    repo.commit({"b.txt": b"TWO, changed"})
    (later,) = document(hfsuite_cmd("updates", "--json", env=env).stdout, "updates")["repos"]
    assert {(c["path"], c["kind"]) for c in later["changes"]} >= {("b.txt", "modified")}


def test_updates_with_nothing_downloaded(hfsuite_cmd):  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("updates")
    assert result.returncode == 0
    assert "No downloaded repositories" in result.stdout
