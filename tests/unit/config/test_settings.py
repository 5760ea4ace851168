"""Settings: defaults, file, environment and override priority; refusal of bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfsuite.config import SettingsStore, setting_names
from hfsuite.core.errors import SettingsValueError, UnknownSettingError
from hfsuite.core.types import Layout


@pytest.fixture
def store(tmp_path: Path) -> SettingsStore:
    return SettingsStore(tmp_path / "cfg" / "settings.toml")


def test_defaults_without_file(store: SettingsStore) -> None:
    loaded = store.load(env={})
    s = loaded.settings
    assert s.endpoint == "https://huggingface.co"
    assert s.layout is Layout.HF_CACHE
    assert s.connections_per_file == 8
    assert s.global_limit_bps == 0
    assert s.hub_cache == s.hf_home / "hub"
    assert set(loaded.origins.values()) == {"default"}
    assert loaded.warnings == []


def test_set_then_load_round_trip(store: SettingsStore) -> None:
    assert store.set("global_limit_bps", "10M") == 10_000_000
    assert store.set("layout", "local-dir") == "local-dir"
    assert store.set("verify_tls", "false") is False
    assert store.set("download_dir", "~/models") == str(Path.home() / "models")
    loaded = store.load(env={})
    assert loaded.settings.global_limit_bps == 10_000_000
    assert loaded.settings.layout is Layout.LOCAL_DIR
    assert loaded.settings.verify_tls is False
    assert loaded.origins["layout"] == "file"
    assert 'layout = "local-dir"' in store.path.read_text()


@pytest.mark.parametrize(
    ("key", "value", "allowed_fragment"),
    [
        ("connections_per_file", "0", "1 to 64"),
        ("connections_per_file", "many", "1 to 64"),
        ("layout", "flat", "hf-cache or local-dir"),
        ("endpoint", "ftp://mirror", "http:// or https://"),
        ("proxy", "gopher://p:1", "socks5"),
        ("global_limit_bps", "fast", "10M"),
        ("theme", "purple", "system, light or dark"),
        ("tasks_in_parallel", "33", "1 to 32"),
    ],
)
def test_invalid_value_refused_naming_key_and_allowed(
    store: SettingsStore, key: str, value: str, allowed_fragment: str
) -> None:
    with pytest.raises(SettingsValueError) as info:
        store.set(key, value)
    text = str(info.value)
    assert f"'{key}'" in text
    assert allowed_fragment in text
    assert info.value.exit_code == 3
    assert not store.path.exists(), "a refused value must not be written"


def test_unknown_key_refused(store: SettingsStore) -> None:
    with pytest.raises(SettingsValueError, match="known setting"):
        store.set("colour", "blue")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("connection_per_file", "connections_per_file"),
        ("Connections-Per-File", "connections_per_file"),
        ("endpointt", "endpoint"),
    ],
)
def test_a_misspelt_setting_names_the_one_meant(
    store: SettingsStore, typed: str, meant: str
) -> None:
    for act in (lambda: store.set(typed, "4"), lambda: store.reset(typed)):
        with pytest.raises(UnknownSettingError) as info:
            act()
        assert info.value.message == f"There is no setting '{typed}'."
        assert info.value.hint is not None and f"Did you mean '{meant}'?" in info.value.hint
        assert info.value.exit_code == 3
    assert not store.path.exists()


def test_env_overrides_file_and_hf_names_are_honoured(store: SettingsStore, tmp_path: Path) -> None:
    store.set("endpoint", "http://file.example:1")
    env = {
        "HF_ENDPOINT": "http://127.0.0.1:9/",
        "HF_HOME": str(tmp_path / "hfh"),
        "HF_HUB_CACHE": str(tmp_path / "cache"),
        "HF_HUB_OFFLINE": "1",
        "HTTPS_PROXY": "socks5h://127.0.0.1:1080",
        "HFSUITE_CONNECTIONS_PER_FILE": "12",
    }
    loaded = store.load(env=env)
    s = loaded.settings
    assert s.endpoint == "http://127.0.0.1:9"  # trailing slash stripped, as huggingface_hub does
    assert loaded.origins["endpoint"] == "env:HF_ENDPOINT"
    assert s.hf_home == tmp_path / "hfh"
    assert s.hub_cache == tmp_path / "cache"
    assert s.offline is True
    assert s.proxy == "socks5h://127.0.0.1:1080"
    assert s.connections_per_file == 12
    assert loaded.origins["connections_per_file"] == "env:HFSUITE_CONNECTIONS_PER_FILE"


def test_hfsuite_env_beats_hf_env(store: SettingsStore) -> None:
    loaded = store.load(env={"HF_ENDPOINT": "http://a:1", "HFSUITE_ENDPOINT": "http://b:2"})
    assert loaded.settings.endpoint == "http://b:2"


def test_every_setting_has_an_hfsuite_env_var(store: SettingsStore) -> None:
    samples = {"endpoint": "http://h:1", "modelscope_endpoint": "http://m:2", "proxy": "http://p:3"}
    for key in setting_names():
        value = samples.get(key)
        if value is None:
            continue
        loaded = store.load(env={f"HFSUITE_{key.upper()}": value})
        assert loaded.origins[key] == f"env:HFSUITE_{key.upper()}"


def test_bad_env_value_is_refused_naming_the_variable(store: SettingsStore) -> None:
    with pytest.raises(SettingsValueError) as info:
        store.load(env={"HFSUITE_TASKS_IN_PARALLEL": "lots"})
    assert "HFSUITE_TASKS_IN_PARALLEL" in str(info.value)
    assert "1 to 32" in str(info.value)


def test_overrides_beat_env(store: SettingsStore) -> None:
    loaded = store.load(env={"HF_ENDPOINT": "http://a:1"}, overrides={"endpoint": "http://c:3"})
    assert loaded.settings.endpoint == "http://c:3"
    assert loaded.origins["endpoint"] == "override"


def test_corrupt_file_is_moved_aside_not_lost(store: SettingsStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text('endpoint = "http://ok:1"\nthis is [ not toml\n')
    loaded = store.load(env={})
    assert loaded.settings.endpoint == "https://huggingface.co"
    assert len(loaded.warnings) == 1
    assert "not valid TOML" in loaded.warnings[0]
    backups = list(store.path.parent.glob("settings.toml.corrupt-*"))
    assert len(backups) == 1
    assert "this is [ not toml" in backups[0].read_text()
    assert str(backups[0]) in loaded.warnings[0]
    # The next change writes a fresh file; the backup stays.
    store.set("theme", "dark")
    assert store.load(env={}).settings.theme == "dark"
    assert backups[0].exists()


def test_invalid_value_in_file_is_ignored_with_warning_and_kept(store: SettingsStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text('connections_per_file = 500\ntheme = "dark"\nwhatever = 1\n')
    loaded = store.load(env={})
    assert loaded.settings.connections_per_file == 8
    assert loaded.settings.theme == "dark"
    joined = "\n".join(loaded.warnings)
    assert "'connections_per_file'" in joined and "1 to 64" in joined
    assert "Unknown setting 'whatever'" in joined
    assert "connections_per_file = 500" in store.path.read_text(), (
        "the user's text is not rewritten"
    )


def test_reset_one_and_all(store: SettingsStore) -> None:
    store.set("theme", "dark")
    store.set("language", "de")
    store.reset("theme")
    loaded = store.load(env={})
    assert loaded.settings.theme == "system"
    assert loaded.settings.language == "de"
    store.reset()
    assert store.load(env={}).settings.language == "system"


def test_clearing_optional_value(store: SettingsStore) -> None:
    store.set("proxy", "http://127.0.0.1:3128")
    assert store.set("proxy", "") is None
    assert "proxy" not in store.path.read_text()


def test_no_partial_file_after_write_failure(
    store: SettingsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.set("theme", "dark")
    import tomli_w

    def boom(*_a: object, **_k: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(tomli_w, "dump", boom)
    from hfsuite.core.errors import SettingsFileError

    with pytest.raises(SettingsFileError, match="disk full"):
        store.set("language", "de")
    assert store.load(env={}).settings.theme == "dark"
    assert [p.name for p in store.path.parent.iterdir() if p.suffix == ".tmp"] == []
