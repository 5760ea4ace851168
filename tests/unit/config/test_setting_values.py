"""Folder settings are absolute; a proxy downloads cannot use is refused when set."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfsuite.app.config_ops import UnusableProxyError, set_setting, stored_note
from hfsuite.config import SettingsStore
from hfsuite.core.errors import SettingsValueError


@pytest.fixture
def store(tmp_path: Path) -> SettingsStore:
    return SettingsStore(tmp_path / "cfg" / "settings.toml")


@pytest.mark.parametrize("key", ["download_dir", "hf_home", "hf_cache_dir"])
def test_relative_folders_become_absolute_from_the_current_folder(
    store: SettingsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.chdir(tmp_path)
    stored = set_setting(store, key, "a/../models")
    assert stored == str(tmp_path / "models")
    assert stored_note(key, "a/../models", stored) == (
        f"'a/../models' is relative to the current folder: stored as {tmp_path / 'models'}."
    )
    assert stored_note(key, str(tmp_path), str(tmp_path)) is None
    assert stored_note(key, "~/x", str(Path.home() / "x")) is None
    monkeypatch.chdir(tmp_path / "cfg")
    assert getattr(store.load(env={}).settings, key) == tmp_path / "models"


def test_relative_folders_from_the_environment_are_absolute_too(
    store: SettingsStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert store.load(env={"HF_HOME": "hf"}).settings.hf_home == tmp_path / "hf"


def test_notes_only_for_folders(store: SettingsStore) -> None:
    assert stored_note("layout", "local-dir", set_setting(store, "layout", "local-dir")) is None
    assert stored_note("hf_cache_dir", "", None) is None


@pytest.mark.parametrize("proxy", ["https://p.test:3128", "https://u:pw@p.test:3128"])
def test_an_https_proxy_is_refused_when_set(store: SettingsStore, proxy: str) -> None:
    with pytest.raises(UnusableProxyError) as info:
        set_setting(store, "proxy", proxy)
    assert isinstance(info.value, SettingsValueError)  # the Settings tab marks the field
    assert info.value.key == "proxy"
    assert info.value.message == (
        "Proxy https://p.test:3128: only http:// and socks proxies are supported."
    )
    assert "pw" not in str(info.value)
    assert not store.path.exists()


def test_usable_proxies_are_stored(store: SettingsStore) -> None:
    assert set_setting(store, "proxy", "p.test:3128") == "http://p.test:3128"
    assert set_setting(store, "proxy", "socks5h://127.0.0.1:1080") == "socks5h://127.0.0.1:1080"
    assert set_setting(store, "proxy", "") is None
    # Read from the file or HTTPS_PROXY, an https:// proxy is kept (metadata can use it); the
    # download engine names it when a download tries.
    assert store.load(env={"HTTPS_PROXY": "https://p.test:1"}).settings.proxy == "https://p.test:1"
