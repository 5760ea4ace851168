"""`hfsuite config set` refuses what would fail later, stores folders as absolute paths, and
the settings file's warnings are printed once."""

from __future__ import annotations

from pathlib import Path

import pytest


def _settings_file(hfsuite_cmd) -> Path:  # type: ignore[no-untyped-def]
    return Path(hfsuite_cmd("config", "path").stdout.strip())


@pytest.mark.parametrize(
    "proxy", ["https://proxy.test:3128", "https://user:secret@proxy.test:3128"]
)
def test_an_https_proxy_is_refused_with_the_message_a_download_would_give(hfsuite_cmd, proxy):  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("config", "set", "proxy", proxy)
    assert result.returncode == 3
    assert (
        "Proxy https://proxy.test:3128: only http:// and socks proxies are supported."
        in result.stderr
    )
    assert "socks5://" in result.stderr  # the hint
    assert "secret" not in result.stderr + result.stdout
    path = _settings_file(hfsuite_cmd)
    assert not path.exists() or "proxy" not in path.read_text()


def test_proxies_downloads_can_use_are_stored(hfsuite_cmd):  # type: ignore[no-untyped-def]
    for proxy in ("http://proxy.test:3128", "socks5h://127.0.0.1:1080"):
        result = hfsuite_cmd("config", "set", "proxy", proxy)
        assert result.returncode == 0, result.stderr
        assert hfsuite_cmd("config", "get", "proxy").stdout.strip() == proxy


def test_a_relative_download_dir_is_stored_absolute_and_said_so(  # type: ignore[no-untyped-def]
    hfsuite_cmd, tmp_path, monkeypatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # the command runs here
    result = hfsuite_cmd("config", "set", "download_dir", "models/../downloads")
    assert result.returncode == 0, result.stderr
    expected = str(work / "downloads")
    assert f"download_dir = {expected!r}" in result.stdout
    assert "is relative to the current folder: stored as" in result.stdout
    assert f'download_dir = "{expected}"' in _settings_file(hfsuite_cmd).read_text()
    monkeypatch.chdir(tmp_path)  # elsewhere, the same folder
    assert hfsuite_cmd("config", "get", "download_dir").stdout.strip() == expected

    absolute = hfsuite_cmd("config", "set", "download_dir", str(tmp_path / "abs"))
    assert absolute.returncode == 0, absolute.stderr
    assert "Note:" not in absolute.stdout


def test_settings_file_warnings_are_printed_once(hfsuite_cmd):  # type: ignore[no-untyped-def]
    path = _settings_file(hfsuite_cmd)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('bogus = 1\ntheme = "purple"\n')
    for args in (("config", "get", "theme"), ("-q", "config", "show")):
        result = hfsuite_cmd(*args)
        assert result.returncode == 0, result.stderr
        assert result.stderr.count("Unknown setting 'bogus'") == 1, result.stderr
        assert result.stderr.count("Setting 'theme'") == 1, result.stderr
        assert result.stderr.count("Warning: ") == 2, result.stderr
