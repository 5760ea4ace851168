"""`hfsuite updates` with a hub that cannot be reached: the hub is asked once, its error is told
once, the rows say "unreachable", and the exit code says whether anything could be checked."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from json_documents import document

from hfsuite.testing import HubEmulator


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _download(hfsuite_cmd: Any, env: dict[str, str], name: str, dest: Path) -> None:
    got = hfsuite_cmd("download", name, "--local-dir", str(dest), env=env)
    assert got.returncode == 0, got.stderr


def test_nothing_checked_is_told_once_and_exits_5(
    hfsuite_cmd: Any, hub: HubEmulator, tmp_path: Path
) -> None:
    hub.create_repo("acme/a", files={"a.txt": b"a"})
    hub.create_repo("acme/b", files={"b.txt": b"b"})
    _download(hfsuite_cmd, {"HF_ENDPOINT": hub.url}, "acme/a", tmp_path / "a")
    _download(hfsuite_cmd, {"HF_ENDPOINT": hub.url}, "acme/b", tmp_path / "b")
    down = {"HF_ENDPOINT": f"http://127.0.0.1:{_closed_port()}"}

    result = hfsuite_cmd("updates", env=down)
    assert result.returncode == 5, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "Cannot reach" in errors[0], result.stderr
    # Told once as the error; the retry warnings of the one request ("…; trying again in 0.4 s
    # (attempt 2 of 3)") may name it too, but only for that one request.
    told = [line for line in result.stderr.splitlines() if "trying again" not in line]
    assert sum("Cannot reach" in line for line in told) == 1, result.stderr
    assert result.stdout.count("unreachable") == 2 and "Cannot reach" not in result.stdout
    assert result.stderr.count("attempt 3 of 3") <= 1, "the hub is asked once, not per repo"

    as_json = hfsuite_cmd("updates", "--json", env=down)
    assert as_json.returncode == 5, as_json.stderr
    data = document(as_json.stdout, "updates")
    assert [r["error"] for r in data["repos"]] == ["unreachable", "unreachable"]
    assert all(r["unreachable"] for r in data["repos"])
    (source,) = data["unreachable"]
    assert source["source"] == "huggingface" and "Cannot reach" in source["error"]


def test_some_checked_exits_0_with_one_warning(
    hfsuite_cmd: Any, hub: HubEmulator, tmp_path: Path
) -> None:
    hub.create_repo("acme/a", files={"a.txt": b"a"})
    env = {"HF_ENDPOINT": hub.url, "MODELSCOPE_ENDPOINT": hub.url}
    _download(hfsuite_cmd, env, "acme/a", tmp_path / "hf")
    _download(hfsuite_cmd, env, "modelscope:acme/a", tmp_path / "ms")
    partly = {**env, "HF_ENDPOINT": f"http://127.0.0.1:{_closed_port()}"}

    result = hfsuite_cmd("updates", "--json", env=partly)
    assert result.returncode == 0, result.stderr
    rows = {r["source"]: r for r in document(result.stdout, "updates")["repos"]}
    assert rows["huggingface"]["unreachable"] is True
    assert rows["modelscope"]["unreachable"] is False and rows["modelscope"]["error"] is None
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and "Not checked: 1 repository." in warnings[0], result.stderr
