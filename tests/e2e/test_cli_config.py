"""The installed `hfsuite` command: help, version, and the config group end to end."""

from __future__ import annotations

from pathlib import Path

from json_documents import document


def test_help_lists_commands(hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("--help")
    assert result.returncode == 0
    assert "config" in result.stdout
    assert "Examples" in result.stdout


def test_version(hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("hfsuite ")


def test_config_show_set_get_reset(hfsuite_cmd, sandbox: Path) -> None:  # type: ignore[no-untyped-def]
    shown = hfsuite_cmd("config", "show")
    assert shown.returncode == 0, shown.stderr
    assert "connections_per_file" in shown.stdout

    assert hfsuite_cmd("config", "set", "global_limit_bps", "20M").returncode == 0
    got = hfsuite_cmd("config", "get", "global_limit_bps")
    assert got.stdout.strip() == "20000000"

    path = Path(hfsuite_cmd("config", "path").stdout.strip())
    assert path.is_relative_to(sandbox)
    assert "global_limit_bps = 20000000" in path.read_text()

    data = document(hfsuite_cmd("config", "show", "--json").stdout, "settings")["settings"]
    assert data["global_limit_bps"] == {"value": 20000000, "origin": "file"}

    assert hfsuite_cmd("config", "reset", "global_limit_bps").returncode == 0
    assert hfsuite_cmd("config", "get", "global_limit_bps").stdout.strip() == "0"


def test_invalid_value_exit_code_and_message(hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("config", "set", "layout", "flat")
    assert result.returncode == 3
    assert "'layout'" in result.stderr
    assert "hf-cache or local-dir" in result.stderr


def test_env_override_shown_with_origin(hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("config", "show", "--json", env={"HF_ENDPOINT": "http://127.0.0.1:5"})
    data = document(result.stdout, "settings")["settings"]
    assert data["endpoint"] == {"value": "http://127.0.0.1:5", "origin": "env:HF_ENDPOINT"}


def test_corrupt_settings_file_warns_and_keeps_backup(hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    path = Path(hfsuite_cmd("config", "path").stdout.strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("theme = [broken\n")
    result = hfsuite_cmd("config", "get", "theme")
    assert result.returncode == 0
    assert result.stdout.strip() == "system"
    assert "not valid TOML" in result.stderr
    assert list(path.parent.glob("settings.toml.corrupt-*"))


def test_log_file_written_under_platform_log_dir(hfsuite_cmd, sandbox: Path) -> None:  # type: ignore[no-untyped-def]
    hfsuite_cmd("-v", "config", "show")
    logs = list(sandbox.rglob("hfsuite.log"))
    assert logs and logs[0].is_relative_to(sandbox)
