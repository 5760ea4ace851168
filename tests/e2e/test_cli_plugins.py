"""Plugins end to end: the example plugin pip-installed into a folder of its own (offline, no
index) and found through ``PYTHONPATH``, exercised through the installed ``hfsuite`` command; a
plugin that breaks at import and one that breaks in its hook never break a download."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from json_documents import document

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hfsuite-example-plugin"
MIB = 1 << 20


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin installed with pip into a target folder (its .dist-info included,
    so importlib.metadata finds the entry point), from a copy of its source (the build
    leaves nothing in the repository)."""
    if importlib.util.find_spec("setuptools") is None:
        pytest.skip("setuptools (requirements/dev.txt) builds the example plugin offline")
    work = tmp_path_factory.mktemp("example-plugin")
    source = work / "src"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    site = work / "site"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(site),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert list(site.glob("hfsuite_example_plugin-*.dist-info/entry_points.txt"))
    return site


def fake_distribution(site: Path, name: str, modules: dict[str, str]) -> None:
    """A minimal installed distribution: its modules and a .dist-info with the entry point
    ``<name> = <first module>`` in the ``hfsuite.plugins`` group."""
    site.mkdir(parents=True, exist_ok=True)
    for module, text in modules.items():
        (site / f"{module}.py").write_text(text, encoding="utf-8")
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8"
    )
    first = next(iter(modules))
    (info / "entry_points.txt").write_text(
        f"[hfsuite.plugins]\n{name} = {first}\n", encoding="utf-8"
    )


BROKEN_AT_IMPORT = """
import os
from pathlib import Path
marker = os.environ.get("BROKEN_IMPORT_MARKER")
if marker:
    Path(marker).write_text("imported")
raise RuntimeError("the broken-import plugin cannot start")
"""

BROKEN_IN_HOOK = """
from hfsuite.app.plugins import hookimpl

@hookimpl
def hfsuite_post_download(download):
    raise ValueError("post-download action exploded on " + download.repo)

@hookimpl
def hfsuite_notify(notice):
    raise ValueError("notify exploded too")
"""


@pytest.fixture
def broken_site(tmp_path: Path) -> Path:
    site = tmp_path / "broken-site"
    fake_distribution(site, "broken-import", {"broken_import_plugin": BROKEN_AT_IMPORT})
    fake_distribution(site, "broken-hook", {"broken_hook_plugin": BROKEN_IN_HOOK})
    return site


def _env(*sites: Path, **more: str) -> dict[str, str]:
    return {"PYTHONPATH": os.pathsep.join(str(s) for s in sites), **more}


@pytest.fixture
def served(hub_factory):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    content = os.urandom(2 * MIB + 123)
    hub.create_repo("acme/tiny", files={"model.safetensors": content, "config.json": b'{"a": 1}'})
    return hub, content


def _sha256_line(path: Path) -> str:
    return f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"


def test_plugins_ls_shows_the_example(hfsuite_cmd, example_site: Path) -> None:  # type: ignore[no-untyped-def]
    listed = hfsuite_cmd("plugins", "ls", env=_env(example_site))
    assert listed.returncode == 0, listed.stderr
    for text in ("example", "loaded", "hfsuite-example-plugin 0.1.0", "hfsuite_post_download"):
        assert text in listed.stdout
    data = document(
        hfsuite_cmd("plugins", "ls", "--json", env=_env(example_site)).stdout, "plugin-list"
    )
    [plugin] = data["plugins"]
    assert data["enabled"] is True
    assert plugin["state"] == "loaded" and plugin["distribution"] == "hfsuite-example-plugin"
    assert plugin["entry_point"] == "example = hfsuite_example_plugin"
    assert Path(plugin["module_file"]).is_relative_to(example_site)
    assert plugin["hooks"] == ["hfsuite_detect_tools", "hfsuite_post_download", "hfsuite_notify"]


def test_a_download_gets_its_sha256_files_and_a_notice(  # type: ignore[no-untyped-def]
    hfsuite_cmd, example_site: Path, served, tmp_path: Path
) -> None:
    hub, content = served
    notices = tmp_path / "notices.jsonl"
    target = tmp_path / "m"
    result = hfsuite_cmd(
        "download", "acme/tiny", "--endpoint", hub.url, "--local-dir", str(target),
        env=_env(example_site, HFSUITE_EXAMPLE_NOTIFY_FILE=str(notices)),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    model = target / "model.safetensors"
    assert model.read_bytes() == content
    expected = f"{hashlib.sha256(content).hexdigest()}  model.safetensors\n"
    assert (target / "model.safetensors.sha256").read_text() == expected
    assert (target / "config.json.sha256").read_text() == _sha256_line(target / "config.json")
    checked = subprocess.run(
        ["sha256sum", "-c", "model.safetensors.sha256"], cwd=target, capture_output=True,
        text=True,
    )  # fmt: skip
    if shutil.which("sha256sum"):
        assert checked.returncode == 0 and "OK" in checked.stdout
    [notice] = [json.loads(line) for line in notices.read_text().splitlines()]
    assert notice["event"] == "finished" and notice["repo"] == "acme/tiny"
    assert notice["files"] == 2 and notice["error"] is None
    assert "Plugin" not in result.stderr


def test_a_failed_download_is_notified(  # type: ignore[no-untyped-def]
    hfsuite_cmd, example_site: Path, served, tmp_path: Path
) -> None:
    hub, _content = served
    hub.add_fault("*model.safetensors", status=403)
    notices = tmp_path / "notices.jsonl"
    target = tmp_path / "m"
    result = hfsuite_cmd(
        "download", "acme/tiny", "--endpoint", hub.url, "--local-dir", str(target),
        env=_env(example_site, HFSUITE_EXAMPLE_NOTIFY_FILE=str(notices)),
    )  # fmt: skip
    assert result.returncode == 6, result.stderr
    [notice] = [json.loads(line) for line in notices.read_text().splitlines()]
    assert notice["event"] == "failed" and notice["repo"] == "acme/tiny"
    assert notice["error"].startswith("Access to acme/tiny is forbidden"), notice
    assert not list(target.glob("*.sha256"))  # no post-download action for a failed task


def test_tools_detect_finds_example_tool(hfsuite_cmd, example_site: Path, sandbox: Path) -> None:  # type: ignore[no-untyped-def]
    root = sandbox / "ExampleTool"
    root.mkdir()
    (root / "exampletool.marker").write_text("2.0.1\n")
    found = hfsuite_cmd("tools", "detect", env=_env(example_site))
    assert found.returncode == 0, found.stderr
    assert "exampletool" in found.stdout and str(root) in found.stdout
    data = document(
        hfsuite_cmd("tools", "detect", "--json", env=_env(example_site)).stdout, "tool-list"
    )
    [tool] = [t for t in data["tools"] if t["kind"] == "exampletool"]
    assert (tool["name"], tool["version"], tool["root"]) == ("exampletool", "2.0.1", str(root))
    assert tool["default_folder"]["loras"] == str(root / "models" / "loras")
    without = document(hfsuite_cmd("tools", "detect", "--json").stdout, "tool-list")
    assert not [t for t in without["tools"] if t["kind"] == "exampletool"]


def test_download_to_a_plugin_tool_folder(  # type: ignore[no-untyped-def]
    hfsuite_cmd, example_site: Path, sandbox: Path, served
) -> None:
    hub, content = served
    root = sandbox / "ExampleTool"
    root.mkdir()
    (root / "exampletool.marker").write_text("2.0.1\n")
    result = hfsuite_cmd(
        "download", "acme/tiny", "model.safetensors", "--endpoint", hub.url,
        "--to", "exampletool:loras", env=_env(example_site),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    placed = root / "models" / "loras" / "model.safetensors"
    assert placed.read_bytes() == content
    assert (placed.parent / "model.safetensors.sha256").read_text() == _sha256_line(placed)


def test_broken_plugins_are_reported_once_and_the_download_succeeds(  # type: ignore[no-untyped-def]
    hfsuite_cmd, example_site: Path, broken_site: Path, served, tmp_path: Path
) -> None:
    hub, content = served
    target = tmp_path / "m"
    result = hfsuite_cmd(
        "download", "acme/tiny", "--endpoint", hub.url, "--local-dir", str(target),
        env=_env(example_site, broken_site),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (target / "model.safetensors").read_bytes() == content
    # the good plugin still ran
    assert (target / "model.safetensors.sha256").read_text() == _sha256_line(
        target / "model.safetensors"
    )
    err = result.stderr
    assert err.count("Plugin broken-import") == 1, err
    assert "failed to load" in err and "RuntimeError: the broken-import plugin cannot start" in err
    assert err.count("Plugin broken-hook") == 1, err  # disabled after its first error
    assert "ValueError: post-download action exploded on acme/tiny" in err
    assert "Traceback" not in err

    data = document(
        hfsuite_cmd("plugins", "ls", "--json", env=_env(example_site, broken_site)).stdout,
        "plugin-list",
    )
    states = {p["name"]: p for p in data["plugins"]}
    assert states["broken-import"]["state"] == "failed-to-load"
    assert "cannot start" in states["broken-import"]["error"]
    assert states["broken-hook"]["state"] == "loaded"  # a new run: loaded again
    assert states["example"]["state"] == "loaded"


def test_a_traceback_is_shown_at_verbose(  # type: ignore[no-untyped-def]
    hfsuite_cmd, broken_site: Path, served, tmp_path: Path
) -> None:
    hub, _content = served
    result = hfsuite_cmd(
        "-v", "download", "acme/tiny", "--endpoint", hub.url, "--local-dir", str(tmp_path / "m"),
        env=_env(broken_site),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "broken_hook_plugin.py" in result.stderr


def test_no_plugins_and_a_disabled_plugin(  # type: ignore[no-untyped-def]
    hfsuite_cmd, example_site: Path, broken_site: Path, served, tmp_path: Path
) -> None:
    hub, _content = served
    off = hfsuite_cmd(
        "download", "acme/tiny", "--endpoint", hub.url, "--local-dir", str(tmp_path / "a"),
        env=_env(example_site, broken_site, HFSUITE_NO_PLUGINS="1"),
    )  # fmt: skip
    assert off.returncode == 0, off.stderr
    assert not (tmp_path / "a" / "model.safetensors.sha256").exists()
    assert "Plugin" not in off.stderr
    listed = hfsuite_cmd("plugins", "ls", "--json", env=_env(example_site, HFSUITE_NO_PLUGINS="1"))
    assert document(listed.stdout, "plugin-list") == {
        "schema": "hfsuite/plugin-list/v1",
        "enabled": False,
        "plugins": [],
    }

    one_off = hfsuite_cmd(
        "download", "acme/tiny", "--endpoint", hub.url, "--local-dir", str(tmp_path / "b"),
        env=_env(example_site, broken_site, HFSUITE_DISABLED_PLUGINS="example,broken-import"),
    )  # fmt: skip
    assert one_off.returncode == 0, one_off.stderr
    assert not (tmp_path / "b" / "model.safetensors.sha256").exists()
    assert "broken-import" not in one_off.stderr  # never imported
    assert one_off.stderr.count("Plugin broken-hook") == 1


def test_commands_without_hooks_do_not_import_plugins(  # type: ignore[no-untyped-def]
    hfsuite_cmd, broken_site: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "imported"
    env = _env(broken_site, BROKEN_IMPORT_MARKER=str(marker))
    for args in (("--version",), ("config", "show"), ("history", "ls")):
        result = hfsuite_cmd(*args, env=env)
        assert result.returncode == 0, (args, result.stderr)
        assert not marker.exists(), args
        assert "Plugin" not in result.stderr
    listed = hfsuite_cmd("plugins", "ls", env=env)
    assert listed.returncode == 0
    assert marker.exists()  # the listing does import them
    assert "failed-to-load" in listed.stdout
    assert "hfsuite -v plugins ls" in listed.stdout
    verbose = hfsuite_cmd("-v", "plugins", "ls", env=env)
    assert "Traceback (most recent call last)" in verbose.stderr
    assert "broken_import_plugin.py" in verbose.stderr


# --- plugin sources --------------------------------------------------------------------------

DEMO_SOURCE = '''
import os
from hfsuite.app.plugins import PluginSource, hookimpl
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.sources.direct import DirectUrlSource


class DemoSource:
    """demo:ORG/NAME@PATH: a file of the test hub, through the suite's own URL source."""

    kind = SourceKind.URL

    def __init__(self, ctx):
        self._direct = DirectUrlSource(ctx.fetcher, sha256=ctx.expected_sha256)
        self.auth = self._direct.auth

    def _url(self, ref):
        repo, _, path = ref.repo_id.split(":", 1)[1].partition("@")
        return f"{os.environ['DEMO_HUB']}/{repo}/resolve/main/{path}"

    def _plain(self, ref):
        return RepoRef(self._url(ref), source=SourceKind.URL)

    def snapshot(self, ref):
        return self._direct.snapshot(self._plain(ref))

    def file_metadata(self, ref, path):
        return self._direct.file_metadata(self._plain(ref), path)

    def file_url(self, ref, path):
        return self._url(ref)

    def map_error(self, answer):
        return self._direct.map_error(answer)

    def check_access(self, ref):
        return None


@hookimpl
def hfsuite_sources():
    return [PluginSource("demo", DemoSource, "files of the test hub")]


@hookimpl
def hfsuite_parse_name(text):
    if text.startswith("https://demo.example/"):
        return "demo:" + text.removeprefix("https://demo.example/")
    return None
'''

BROKEN_SOURCE = """
from hfsuite.app.plugins import PluginSource, hookimpl


def make(ctx):
    raise KeyError("no API key for " + ctx.reference)


@hookimpl
def hfsuite_sources():
    return [PluginSource("brk", make)]
"""


@pytest.fixture
def source_site(tmp_path: Path) -> Path:
    site = tmp_path / "source-site"
    fake_distribution(site, "demo-source", {"demo_source_plugin": DEMO_SOURCE})
    fake_distribution(site, "broken-source", {"broken_source_plugin": BROKEN_SOURCE})
    return site


def test_a_plugin_source_downloads_by_prefix_and_by_page_url(  # type: ignore[no-untyped-def]
    hfsuite_cmd, source_site: Path, example_site: Path, served, tmp_path: Path
) -> None:
    hub, content = served
    env = _env(source_site, example_site, DEMO_HUB=hub.url)
    target = tmp_path / "a"
    result = hfsuite_cmd(
        "download", "demo:acme/tiny@model.safetensors", "--local-dir", str(target), env=env
    )
    assert result.returncode == 0, result.stderr
    assert (target / "model.safetensors").read_bytes() == content
    assert (target / "model.safetensors.sha256").read_text() == _sha256_line(
        target / "model.safetensors"
    )
    paged = hfsuite_cmd(
        "download", "https://demo.example/acme/tiny@config.json", "--local-dir",
        str(tmp_path / "b"), env=env,
    )  # fmt: skip
    assert paged.returncode == 0, paged.stderr
    assert (tmp_path / "b" / "config.json").read_bytes() == b'{"a": 1}'

    history = hfsuite_cmd("history", "ls", "--json", env=env)
    assert history.returncode == 0, history.stderr
    assert "demo:acme/tiny@model.safetensors" in history.stdout

    listed = document(hfsuite_cmd("plugins", "ls", "--json", env=env).stdout, "plugin-list")
    demo = next(p for p in listed["plugins"] if p["name"] == "demo-source")
    assert demo["hooks"] == ["hfsuite_sources", "hfsuite_parse_name"]


def test_a_queued_plugin_source_task_runs_later(  # type: ignore[no-untyped-def]
    hfsuite_cmd, source_site: Path, example_site: Path, served, tmp_path: Path
) -> None:
    hub, content = served
    env = _env(source_site, example_site, DEMO_HUB=hub.url)
    target = tmp_path / "q"
    added = hfsuite_cmd(
        "queue", "add", "demo:acme/tiny@model.safetensors", "--local-dir", str(target), env=env
    )
    assert added.returncode == 0, added.stderr
    assert not target.exists()
    ran = hfsuite_cmd("queue", "run", env=env)
    assert ran.returncode == 0, ran.stderr
    assert (target / "model.safetensors").read_bytes() == content
    assert (target / "model.safetensors.sha256").read_text() == _sha256_line(
        target / "model.safetensors"
    )


def test_unknown_and_broken_plugin_sources_fail_clearly(  # type: ignore[no-untyped-def]
    hfsuite_cmd, source_site: Path, served, tmp_path: Path
) -> None:
    hub, _content = served
    env = _env(source_site, DEMO_HUB=hub.url)
    unknown = hfsuite_cmd("download", "nope:thing", "--local-dir", str(tmp_path / "x"), env=env)
    assert unknown.returncode == 2
    assert "'nope:thing' names a nope: source, and no plugin provides one" in unknown.stderr
    broken = hfsuite_cmd("download", "brk:thing", "--local-dir", str(tmp_path / "y"), env=env)
    assert broken.returncode == 5, broken.stderr
    assert "The brk: source of plugin broken-source failed: KeyError" in broken.stderr
    assert broken.stderr.count("Plugin broken-source") == 1
    assert "Traceback" not in broken.stderr
    # a hub download beside them never asks the plugins
    plain = hfsuite_cmd(
        "download", "acme/tiny", "--endpoint", hub.url, "--local-dir", str(tmp_path / "z"),
        env=env,
    )  # fmt: skip
    assert plain.returncode == 0, plain.stderr


SLOW_ACTION = """
import os
import time
from pathlib import Path
from hfsuite.app.plugins import hookimpl


@hookimpl
def hfsuite_post_download(download):
    work = Path(os.environ["SLOW_PLUGIN_DIR"])
    # written beside and renamed, so the test never reads a file created but not yet written
    (work / "started.part").write_text(str(len(download.files)))
    (work / "started.part").replace(work / "started")
    deadline = time.monotonic() + 60
    while not (work / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    (work / "done").write_text("ok")
"""


def _wait_for(predicate: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout_s} s waiting for {what}")


def test_a_slow_action_runs_after_the_files_are_final_and_the_command_waits_for_it(  # type: ignore[no-untyped-def]
    hfsuite_exe: str, served, tmp_path: Path
) -> None:
    hub, content = served
    site = tmp_path / "slow-site"
    fake_distribution(site, "slow-action", {"slow_action_plugin": SLOW_ACTION})
    work = tmp_path / "work"
    work.mkdir()
    target = tmp_path / "m"
    env = dict(os.environ, PYTHONPATH=str(site), SLOW_PLUGIN_DIR=str(work))
    process = subprocess.Popen(
        [hfsuite_exe, "download", "acme/tiny", "--endpoint", hub.url, "--local-dir", str(target)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: (work / "started").exists(), 60, "the plugin's action")
        # the action runs once every file is final, in place and complete
        assert (target / "model.safetensors").read_bytes() == content
        assert (work / "started").read_text() == "2"
        assert process.poll() is None  # the command waits (bounded) for the queued action
        (work / "release").write_text("")
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert (work / "done").read_text() == "ok"
    assert out.strip().splitlines()[-1] == str(target)
