"""Plugin sources: which names reach a plugin, the guarded source, and the errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hfsuite.app.plugins import PluginSource, SourceContext, hookimpl
from hfsuite.app.plugins.manager import PluginManager
from hfsuite.app.plugins.service import Plugins
from hfsuite.app.plugins.sources import (
    GuardedSource,
    is_plugin_reference,
    make_plugin_source,
    plugin_target,
)
from hfsuite.config import Settings
from hfsuite.core.errors import EntryNotFoundError, SourceError, UsageError
from hfsuite.core.remote import RemoteFile, RepoSnapshot
from hfsuite.core.types import RepoRef, SourceKind


class Answer:
    status = 418
    url = "https://x.example/f"

    def header(self, name: str, default: str | None = None) -> str | None:
        return default


class FakeSource:
    kind = SourceKind.URL
    auth: Any = None

    def __init__(self, ctx: SourceContext, fail: str | None = None):
        self.ctx, self.fail = ctx, fail

    def snapshot(self, ref: RepoRef) -> RepoSnapshot:
        if self.fail == "snapshot":
            raise ZeroDivisionError("oops")
        if self.fail == "missing":
            raise EntryNotFoundError("no such model")
        remote = RemoteFile("m.safetensors", 3, "https://x.example/m")
        return RepoSnapshot(RepoRef("https://x.example/m", source=SourceKind.URL), "v1", (remote,))

    def file_metadata(self, ref: RepoRef, path: str) -> RemoteFile:
        return self.snapshot(ref).files[0]

    def file_url(self, ref: RepoRef, path: str) -> str:
        return "https://x.example/m"

    def map_error(self, answer: Any) -> Any:
        raise RuntimeError("cannot map")

    def check_access(self, ref: RepoRef) -> None:
        return None


class Provider:
    def __init__(self, fail: str | None = None):
        self.fail = fail

    @hookimpl
    def hfsuite_sources(self) -> list[PluginSource]:
        def make(ctx: SourceContext) -> Any:
            if self.fail == "make":
                raise KeyError("no key")
            if self.fail == "shape":
                return object()
            return FakeSource(ctx, self.fail)

        return [PluginSource("civitai", make, "Civitai")]

    @hookimpl
    def hfsuite_parse_name(self, text: str) -> str | None:
        if text.startswith("https://civitai.com/models/"):
            return "civitai:" + text.rsplit("/", 1)[1]
        if text == "https://elsewhere.example/x":
            return "unclaimed:x"
        return None


class EP:
    def __init__(self, name: str, obj: Any):
        self.name, self.obj, self.dist, self.module = name, obj, None, __name__

    @property
    def value(self) -> str:
        return f"{__name__}:{self.name}"

    def load(self) -> Any:
        return self.obj


def plugins_with(obj: Any, **settings: Any) -> Plugins:
    manager = PluginManager(entry_points=lambda: [EP("civ", obj)])  # type: ignore[list-item]
    return Plugins(Settings(**settings), manager)


def test_which_references_are_plugin_references() -> None:
    assert is_plugin_reference("civitai:123")
    assert not is_plugin_reference("https://x.example/f")
    assert not is_plugin_reference("HTTP://x.example/f")
    assert not is_plugin_reference("plain")


def test_plugin_target_by_prefix_and_by_parser(caplog: pytest.LogCaptureFixture) -> None:
    plugins = plugins_with(Provider())
    ref = plugin_target(plugins, " CivitAI:123 ")
    assert ref == RepoRef("civitai:123", source=SourceKind.URL)
    assert plugin_target(plugins, "https://civitai.com/models/77") == RepoRef(
        "civitai:77", source=SourceKind.URL
    )
    assert plugin_target(plugins, "https://example.com/file.bin") is None
    assert plugin_target(plugins, "https://elsewhere.example/x") is None
    assert "no plugin source claims that prefix" in caplog.text
    with pytest.raises(UsageError, match="names a nope: source, and no plugin provides one"):
        plugin_target(plugins, "nope:1")
    with pytest.raises(UsageError, match="is not a civitai: reference"):
        plugin_target(plugins, "civitai:")


def test_no_plugins_reads_nothing() -> None:
    plugins = plugins_with(Provider(), no_plugins=True)
    assert plugin_target(plugins, "civitai:1") is None


def test_the_guarded_source_keeps_the_reference_and_passes_typed_errors() -> None:
    plugins = plugins_with(Provider())
    source = make_plugin_source(plugins, SourceContext("civitai:1", token="t"))
    assert isinstance(source, GuardedSource)
    ref = RepoRef("civitai:1", source=SourceKind.URL)
    snapshot = source.snapshot(ref)
    assert snapshot.ref == ref and snapshot.commit == "v1"
    assert source.file_url(ref, "m.safetensors") == "https://x.example/m"
    error = source.map_error(Answer())  # type: ignore[arg-type]  # the plugin's map_error raised: a generic error
    assert isinstance(error, SourceError) and "HTTP 418" in str(error)
    [info] = plugins.manager.plugins()
    assert info.state == "disabled-after-error"

    missing = make_plugin_source(plugins_with(Provider("missing")), SourceContext("civitai:1"))
    with pytest.raises(EntryNotFoundError):
        missing.snapshot(ref)


@pytest.mark.parametrize(
    ("fail", "message"),
    [
        ("make", "could not make its source for civitai: names: KeyError"),
        ("shape", "gave a source hfsuite cannot use for civitai: names: TypeError"),
        ("snapshot", "failed in snapshot for civitai: names: ZeroDivisionError: oops"),
    ],
)
def test_a_failing_plugin_source_is_one_source_error(fail: str, message: str) -> None:
    plugins = plugins_with(Provider(fail))
    ref = RepoRef("civitai:1", source=SourceKind.URL)
    with pytest.raises(SourceError, match="The civitai: source of plugin civ failed"):
        make_plugin_source(plugins, SourceContext("civitai:1")).snapshot(ref)
    [info] = plugins.manager.plugins()
    assert info.state == "disabled-after-error"
    assert message in str(info.error)
    with pytest.raises(UsageError, match="No plugin provides civitai: names"):
        make_plugin_source(plugins, SourceContext("civitai:1"))


def test_a_source_in_the_download_registry(tmp_path: Path) -> None:
    """make_source sends a plugin reference to the plugin, an http URL to the URL source."""
    from hfsuite.app.download.sources import SourceSpec, make_source
    from hfsuite.app.suite import Suite
    from hfsuite.config import SettingsStore
    from hfsuite.sources.direct import DirectUrlSource

    store = SettingsStore(tmp_path / "settings.toml")
    suite = Suite(store.load(env={}), store)
    suite._plugins = plugins_with(Provider())
    made = make_source(suite, SourceSpec(RepoRef("civitai:9", source=SourceKind.URL)))
    assert isinstance(made, GuardedSource)
    plain = make_source(suite, SourceSpec(RepoRef("https://x.example/f", source=SourceKind.URL)))
    assert isinstance(plain, DirectUrlSource)
