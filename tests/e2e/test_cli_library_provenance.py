"""`hfsuite library show` tells where a file came from and whether upstream changed, through
the installed command against the Hub emulator; an unreachable hub is "could not check"."""

from __future__ import annotations

import os

from json_documents import document

MIB = 1 << 20


def test_library_show_names_the_origin_and_checks_upstream(  # type: ignore[no-untyped-def]
    hfsuite_cmd, hub_factory, tmp_path
):
    hub = hub_factory(lfs_threshold=MIB)
    weights = os.urandom(2 * MIB + 7)
    repo = hub.create_repo("acme/shown", files={"model.safetensors": weights, "config.json": b"{}"})
    env = {
        "HF_ENDPOINT": hub.url,
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"),
        "HFSUITE_HF_HOME": str(tmp_path / "hf-home"),
        "COLUMNS": "200",
    }
    dest = tmp_path / "models" / "shown"
    got = hfsuite_cmd("download", "acme/shown", "--local-dir", str(dest), env=env)
    assert got.returncode == 0, got.stderr
    assert hfsuite_cmd("scan", str(tmp_path / "models"), "--hash", env=env).returncode == 0
    target = str(dest / "model.safetensors")

    shown = hfsuite_cmd("library", "show", target, env=env)
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    assert f"from acme/shown@{repo.sha[:12]} model.safetensors (a tracked download)" in text
    assert "unchanged upstream" in text

    repo.commit({"model.safetensors": os.urandom(2 * MIB)})
    detail = document(
        hfsuite_cmd("library", "show", target, "--json", env=env).stdout, "library-file"
    )
    provenance = detail["provenance"]
    assert provenance["origins"][0]["repo_id"] == "acme/shown"
    assert provenance["origins"][0]["path"] == "model.safetensors"
    assert provenance["upstream"]["status"] == "changed"
    assert provenance["upstream"]["current_commit"] == repo.sha

    away = {**env, "HF_ENDPOINT": "http://127.0.0.1:9"}
    offline = hfsuite_cmd("library", "show", target, env=away)
    assert offline.returncode == 0, offline.stderr
    assert "could not check: " in " ".join(offline.stdout.split())
    assert "Traceback" not in offline.stderr

    own = tmp_path / "models" / "mine.safetensors"
    own.write_bytes(b"not from anywhere")
    assert hfsuite_cmd("scan", str(tmp_path / "models"), "--hash", env=env).returncode == 0
    mine = document(
        hfsuite_cmd("library", "show", str(own), "--json", env=env).stdout, "library-file"
    )
    assert mine["provenance"] is None
