"""Generated scripts run against the emulator and leave the same bytes as ``hfsuite download``.

The bash script runs under bash with curl; the Python script under a Python started isolated
(``-I -S``: no site-packages, so nothing of hfsuite can be imported). Each is compared file by
file with what the suite's own download writes for the same request, in a plain folder and in
the HF cache (blobs, snapshot symlinks, refs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hfsuite.app.download.operation import DownloadRequest, download
from hfsuite.app.script.plan import ScriptPlan, plan_for_request
from hfsuite.app.script.render import Shell, render_script
from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.core.destination import Destination
from hfsuite.core.types import RepoRef
from hfsuite.testing import HubEmulator

KIB = 1 << 10
FILES = {
    "config.json": b'{"model_type": "tiny"}',
    "README.md": b"# tiny\n",
    "empty.txt": b"",
    "weights/model.safetensors": bytes(range(256)) * 300,
    "weights/deep/er/small.bin": os.urandom(40 * KIB),
    'odd names/it\'s $HOME `id` "q" \u00e9\u4e2d\U0001f600.bin': os.urandom(20 * KIB),
    "odd names/back\\slash-free; rm -rf x & y | z.txt": b"not a command\n",
}
FILES_PRIVATE = {"config.json": b"{}", "big.bin": os.urandom(64 * KIB)}
RUNNERS = {
    Shell.BASH: lambda script: ["bash", str(script)],
    Shell.PYTHON: lambda script: [_plain_python(), "-I", "-S", str(script)],
}

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def _plain_python() -> str:
    """A Python outside this virtual environment when there is one (the system's)."""
    return shutil.which("python3", path="/usr/bin:/bin:/usr/local/bin") or sys.executable


@pytest.fixture
def suite(tmp_path: Path) -> Iterator[Suite]:
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    env = {
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    }
    s = Suite(store.load(env=env), store)
    yield s
    s.close()


@pytest.fixture
def hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    # Hostile-looking but legal names: no backslash (refused as a path), no '..' component.
    files = {k: v for k, v in FILES.items() if "\\" not in k}
    hub = hub_factory(lfs_threshold=16 * KIB)
    hub.create_repo("acme/tiny", files=files)
    return hub


def _request(hub: HubEmulator, destination: Destination, **kw: object) -> DownloadRequest:
    return DownloadRequest(
        ref=RepoRef("acme/tiny"), destination=destination, endpoint=hub.url, **kw
    )  # type: ignore[arg-type]


def _run(shell: Shell, plan: ScriptPlan, where: Path, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    script = where / f"get.{shell.value}"
    script.write_text(render_script(plan, shell), encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PYTHON"))}
    return subprocess.run(
        RUNNERS[shell](script),
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        timeout=120,
    )


def _tree(root: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes | str]:
    """Every file under root: its bytes, or for a symlink ``-> target``."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if any(rel.startswith(s) for s in skip):
            continue
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = path.read_bytes()
    return found


@pytest.mark.parametrize("shell", list(RUNNERS))
def test_local_dir_script_matches_download(suite, hub, tmp_path, shell) -> None:  # type: ignore[no-untyped-def]
    by_tool = tmp_path / "tool"
    download(suite, _request(hub, Destination.folder(by_tool)))
    by_script = tmp_path / "script"
    plan = plan_for_request(suite, _request(hub, Destination.folder(by_script)))
    assert len(plan.files) == 6
    done = _run(shell, plan, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(by_script)
    skip = (".cache/huggingface/download/",)
    assert _tree(by_script, skip) == _tree(by_tool, skip)
    assert _tree(by_script)[".cache/huggingface/.gitignore"] == b"*"
    # Each file's metadata names the commit and etag huggingface_hub would (timestamps aside).
    for f in plan.files:
        ours = (by_script / ".cache/huggingface/download" / f"{f.path}.metadata").read_text()
        theirs = (by_tool / ".cache/huggingface/download" / f"{f.path}.metadata").read_text()
        assert ours.splitlines()[:2] == theirs.splitlines()[:2] == [plan.commit, f.etag]
    leftovers = [p for p in by_script.rglob("*.incomplete")]
    assert leftovers == []
    # Run again: nothing is fetched, everything is found in place.
    again = _run(shell, plan, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "download " not in again.stderr and again.stderr.count("  ok  ") == 6


@pytest.mark.parametrize("shell", list(RUNNERS))
def test_hf_cache_script_matches_download(suite, hub, tmp_path, shell) -> None:  # type: ignore[no-untyped-def]
    by_tool, by_script = tmp_path / "tool-cache", tmp_path / "script-cache"
    request = _request(hub, Destination.hf_cache(by_tool), include=["*.json", "weights/*"])
    download(suite, request)
    plan = plan_for_request(suite, _request(hub, Destination.hf_cache(by_script),
                                            include=["*.json", "weights/*"]))  # fmt: skip
    assert {f.path for f in plan.files} == {
        "config.json",
        "weights/model.safetensors",
        "weights/deep/er/small.bin",
    }
    done = _run(shell, plan, tmp_path)
    assert done.returncode == 0, done.stderr
    repo = by_script / "models--acme--tiny"
    assert done.stdout.strip() == str(repo / "snapshots" / plan.commit)
    # trees/ is hfsuite's own listing cache, not huggingface_hub's: the script has none.
    ours, theirs = (
        _tree(by_script, ("models--acme--tiny/trees/",)),
        _tree(by_tool, ("models--acme--tiny/trees/",)),
    )
    assert ours.keys() == theirs.keys()
    for rel, content in ours.items():
        if "/snapshots/" not in rel:
            assert content == theirs[rel], rel  # blobs, refs, CACHEDIR.TAG: byte for byte
            continue
        # A relative symlink to the blob, as huggingface_hub makes it, on both sides.
        assert isinstance(content, str), rel
        assert (by_script / rel).read_bytes() == (by_tool / rel).read_bytes(), rel
        assert content == theirs[rel], rel
    assert (repo / "refs" / "main").read_text() == plan.commit
    link = repo / "snapshots" / plan.commit / "weights/deep/er/small.bin"
    assert link.is_symlink() and link.read_bytes() == FILES["weights/deep/er/small.bin"]


@pytest.mark.parametrize("shell", list(RUNNERS))
def test_a_corrupted_file_fails_its_check_by_name(suite, hub, tmp_path, shell) -> None:  # type: ignore[no-untyped-def]
    dest = tmp_path / "out"
    plan = plan_for_request(suite, _request(hub, Destination.folder(dest)))
    # From now on the server sends other bytes for this file than the pinned hash.
    hub.add_fault("*weights/model.safetensors", methods=["GET"], change_content_after=0)
    done = _run(shell, plan, tmp_path)
    assert done.returncode != 0
    assert "weights/model.safetensors failed the SHA-256 check" in done.stderr, done.stderr
    assert not (dest / "weights/model.safetensors").exists()
    assert list(dest.rglob("*.incomplete")) == []  # the bad bytes are not kept to resume


@pytest.mark.parametrize("shell", list(RUNNERS))
def test_a_partial_file_is_resumed(suite, hub, tmp_path, shell) -> None:  # type: ignore[no-untyped-def]
    dest = tmp_path / "out"
    plan = plan_for_request(suite, _request(hub, Destination.folder(dest), paths=["weights"]))
    target = next(f for f in plan.files if f.path == "weights/model.safetensors")
    part = dest / ".cache/huggingface/download" / f"{target.path}.{target.etag}.incomplete"
    part.parent.mkdir(parents=True)
    part.write_bytes(FILES[target.path][:1000])
    hub.log.clear()
    done = _run(shell, plan, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (dest / target.path).read_bytes() == FILES[target.path]
    sent = hub.log.filter(path="*weights/model.safetensors", method="GET", origin="cdn")
    assert [r.range for r in sent if r.status == 206] == ["bytes=1000-"]
    assert sum(r.bytes_sent for r in sent) == len(FILES[target.path]) - 1000


@pytest.mark.parametrize("shell", list(RUNNERS))
def test_a_private_repo_reads_hf_token_and_keeps_it_from_the_cdn(  # type: ignore[no-untyped-def]
    suite, hub, tmp_path, shell
) -> None:
    token = "hf_" + "P" * 34
    hub.add_token(token, user="acme")
    hub.create_repo("acme/secret", private=True, files=FILES_PRIVATE)
    request = DownloadRequest(
        ref=RepoRef("acme/secret"),
        destination=Destination.folder(tmp_path / "out"),
        endpoint=hub.url,
        token=token,
    )
    plan = plan_for_request(suite, request)
    text = render_script(plan, shell)
    assert token not in text
    refused = _run(shell, plan, tmp_path)
    assert refused.returncode != 0 and "HF_TOKEN" in refused.stderr, refused.stderr
    hub.log.clear()
    done = _run(shell, plan, tmp_path, env={"HF_TOKEN": token})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "big.bin").read_bytes() == FILES_PRIVATE["big.bin"]
    gets = hub.log.filter(method="GET")
    assert {r.origin for r in gets} == {"hub", "cdn"}
    assert all(r.authorization for r in gets if r.origin == "hub")
    assert not any(r.authorization for r in gets if r.origin == "cdn")


def test_the_endpoint_is_a_default_the_environment_overrides(  # type: ignore[no-untyped-def]
    suite, hub, hub_factory, tmp_path
) -> None:
    other = hub_factory()  # serves nothing: a script pointed there fails
    dest = tmp_path / "out"
    request = DownloadRequest(
        ref=RepoRef("acme/tiny"),
        paths=["config.json"],
        destination=Destination.folder(dest),
        endpoint=hub.url,
    )
    first = plan_for_request(suite, request)
    assert first.endpoint == hub.url
    for shell in RUNNERS:
        plan = replace(first, destination=Destination.folder(tmp_path / shell.value))
        moved = _run(shell, plan, tmp_path, env={"HF_ENDPOINT": other.url})
        assert moved.returncode != 0 and "config.json" in moved.stderr
        done = _run(shell, plan, tmp_path, env={"HF_ENDPOINT": hub.url + "/"})
        assert done.returncode == 0, done.stderr


_NAME_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\\x00", max_codepoint=0x1F9FF
)
_NAMES = st.lists(
    st.text(_NAME_CHARS, min_size=1, max_size=12).filter(lambda n: n not in (".", "..")),
    min_size=1,
    max_size=6,
    unique_by=lambda n: n.casefold(),
)


@given(names=_NAMES)
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_file_names_reach_the_disk_unchanged(hub_factory, tmp_path_factory, names) -> None:  # type: ignore[no-untyped-def]
    hub = hub_factory()
    files = {f"d {i}/{name}": name.encode("utf-8") for i, name in enumerate(names)}
    hub.create_repo("acme/names", files=files)
    where = tmp_path_factory.mktemp("names")
    store = SettingsStore(where / "cfg" / "settings.toml")
    suite = Suite(store.load(env={}), store)
    for shell in RUNNERS:
        dest = where / shell.value
        request = DownloadRequest(
            ref=RepoRef("acme/names"), destination=Destination.folder(dest), endpoint=hub.url
        )
        done = _run(shell, plan_for_request(suite, request), where)
        assert done.returncode == 0, done.stderr
        assert _tree(dest, (".cache/",)) == files
