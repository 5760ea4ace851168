"""Errors raised below the command line (sources, engine, app, config, storage) in Chinese.

The installed ``hfsuite`` command, against the Hub emulator, with ``HFSUITE_LANGUAGE=zh_CN``:

* a repository the Hub does not have: the message and the hint in Chinese (the repository's kind
  translated too), the same exit code as in English, no English left in the message;
* ``--json``: the error document keeps the English ``message`` and ``hint``, whatever the
  language, while the terminal shows the Chinese;
* a file a repository does not have (the engine's planner) and a history entry that does not
  exist (the app layer), in both languages;
* a settings file that is not TOML (config): the warning in Chinese; a bad setting value.

The English runs compare the exact English texts, so the conversion to ``tr()`` changed
nothing there.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from json_documents import document

from hfsuite.testing import HubEmulator

NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def env(hub: HubEmulator, tmp_path: Path) -> dict[str, str]:
    hub.create_repo("acme/small", files={"config.json": b"{}", "model.bin": b"x" * 64})
    return {
        "HF_ENDPOINT": hub.url,
        "HFSUITE_HF_CACHE_DIR": str(tmp_path / "cache"),
        **NO_KEYRING,
    }


def _run(
    run: Any, *args: str, language: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    result: subprocess.CompletedProcess[str] = run(*args, env={**env, "HFSUITE_LANGUAGE": language})
    return result


def test_a_repository_not_found_in_chinese(hfsuite_cmd: Any, env: dict[str, str]) -> None:
    zh = _run(hfsuite_cmd, "info", "acme/nope", language="zh_CN", env=env)
    en = _run(hfsuite_cmd, "info", "acme/nope", language="en", env=env)
    assert zh.returncode == en.returncode == 7
    assert "未找到模型 acme/nope（或者它是私有的）。" in zh.stderr
    assert "请检查名称，或用有访问权限的令牌登录（`hfsuite auth login`）。" in zh.stderr
    assert "was not found" not in zh.stderr and "Traceback" not in zh.stderr
    assert "Model acme/nope was not found (or it is private)." in en.stderr
    assert "Check the name, or log in with a token that has access" in en.stderr
    assert not _cjk(en.stderr)


def test_json_keeps_the_english_message_and_hint(hfsuite_cmd: Any, env: dict[str, str]) -> None:
    zh = _run(hfsuite_cmd, "info", "acme/nope", "--json", language="zh_CN", env=env)
    assert zh.returncode == 7
    error = document(zh.stdout, "error")["error"]
    assert error["type"] == "RepoNotFoundError" and error["exit_code"] == 7
    assert error["message"] == "Model acme/nope was not found (or it is private)."
    assert error["hint"] == (
        "Check the name, or log in with a token that has access (`hfsuite auth login`)."
    )
    assert not _cjk(json.dumps(error, ensure_ascii=False))
    assert "未找到模型 acme/nope" in zh.stderr  # the person still reads Chinese
    en = _run(hfsuite_cmd, "info", "acme/nope", "--json", language="en", env=env)
    assert document(en.stdout, "error")["error"]["message"] == error["message"]


def test_a_missing_file_and_a_missing_history_entry(
    hfsuite_cmd: Any, env: dict[str, str], tmp_path: Path
) -> None:
    args = ("download", "acme/small", "nope.bin", "--local-dir", str(tmp_path / "d"))
    zh = _run(hfsuite_cmd, *args, language="zh_CN", env=env)
    en = _run(hfsuite_cmd, *args, language="en", env=env)
    assert zh.returncode == en.returncode == 7
    assert "仓库中没有文件或文件夹 'nope.bin'。" in zh.stderr
    assert "The repository has no file or folder 'nope.bin'." in en.stderr
    assert not _cjk(en.stderr)

    zh = _run(hfsuite_cmd, "history", "show", "999", language="zh_CN", env=env)
    en = _run(hfsuite_cmd, "history", "show", "999", language="en", env=env)
    assert zh.returncode == en.returncode == 2
    assert "没有历史记录 999。" in zh.stderr and "hfsuite history ls" in zh.stderr
    assert "There is no history entry 999." in en.stderr
    assert "List entries with: hfsuite history ls" in en.stderr


def test_a_broken_settings_file_warns_in_chinese(
    hfsuite_cmd: Any, env: dict[str, str], tmp_path: Path
) -> None:
    settings = tmp_path / "conf" / "settings.toml"
    settings.parent.mkdir()
    settings.write_text("connections = [oops\n", encoding="utf-8")
    env = {**env, "HFSUITE_CONFIG_DIR": str(settings.parent)}
    zh = _run(hfsuite_cmd, "config", "get", "connections_per_file", language="zh_CN", env=env)
    assert zh.returncode == 0, zh.stderr
    assert f"设置文件 {settings} 不是有效的 TOML" in zh.stderr
    assert "现使用默认值" in zh.stderr


def test_a_bad_setting_value_in_chinese(hfsuite_cmd: Any, env: dict[str, str]) -> None:
    args = ("config", "set", "connections_per_file", "abc")
    zh = _run(hfsuite_cmd, *args, language="zh_CN", env=env)
    en = _run(hfsuite_cmd, *args, language="en", env=env)
    assert zh.returncode == en.returncode == 3
    assert "设置 'connections_per_file' 的值 'abc' 无效。" in zh.stderr
    assert "Invalid value 'abc' for setting 'connections_per_file'." in en.stderr
    as_json = _run(hfsuite_cmd, *args, "--json", language="zh_CN", env=env)
    error = document(as_json.stdout, "error")["error"]
    assert error["message"] == "Invalid value 'abc' for setting 'connections_per_file'."
