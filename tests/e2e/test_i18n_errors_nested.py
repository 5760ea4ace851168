"""The last English pieces under translated messages, in Chinese, through the installed command.

* A model file whose header cannot be read: ``hfsuite scan`` reports the problem in Chinese,
  ``scan --json`` keeps it English, and the database stores the English (it is shared by
  processes in any language), so ``library ls --json`` and ``library show`` give the English.
* Nested phrases that ``tr()`` now keeps English inside a message's English form: the allowed
  values of a bad setting and "(from environment variable VAR)" (translated on the terminal,
  English in the JSON ``message`` and ``hint``); a timeout's kind and activity ("read timeout",
  "requesting /api/…") against a server that never answers.

The English runs compare the exact English texts (unchanged by the conversion).
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from isolated_env import isolated_env
from json_documents import document

NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return isolated_env(tmp_path, HFSUITE_CONFIG_DIR=str(tmp_path / "conf"), **NO_KEYRING)


def _run(
    run: Any, *args: str, language: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    result: subprocess.CompletedProcess[str] = run(*args, env={**env, "HFSUITE_LANGUAGE": language})
    assert "Traceback" not in result.stderr
    return result


def _bad_models(folder: Path) -> Path:
    folder.mkdir(parents=True)
    # A GGUF file of a version no reader knows.
    (folder / "broken.gguf").write_bytes(b"GGUF" + struct.pack("<I", 7) + bytes(40))
    return folder


def test_a_header_problem_is_chinese_in_the_scan_and_english_in_json_and_the_database(
    hfsuite_cmd: Any, env: dict[str, str], tmp_path: Path
) -> None:
    english = "GGUF version 7 is not supported (2 and 3 are)."
    models = _bad_models(tmp_path / "models")
    zh = _run(hfsuite_cmd, "scan", str(models), language="zh_CN", env=env)
    assert zh.returncode == 0, zh.stderr
    assert "broken.gguf: header: 不支持 GGUF 版本 7（支持 2 和 3）。" in zh.stderr
    assert english not in zh.stderr

    # A second database, scanned with --json in Chinese: the issue's message is English.
    other = {**env, "HFSUITE_DB_URL": f"sqlite:///{tmp_path / 'other.sqlite'}"}
    as_json = _run(hfsuite_cmd, "scan", str(models), "--json", language="zh_CN", env=other)
    assert as_json.returncode == 0, as_json.stderr
    issues = document(as_json.stdout, "scan")["issues"]
    assert [(i["kind"], i["message"]) for i in issues] == [("header", english)]

    # Stored in English: the listing's JSON, in Chinese, and `library show` (as stored).
    listing = _run(hfsuite_cmd, "library", "ls", "--all", "--json", language="zh_CN", env=env)
    files = document(listing.stdout, "library-list")["files"]
    assert [f["problem"] for f in files] == [{"kind": "header", "message": english}]
    shown = _run(
        hfsuite_cmd, "library", "show", str(models / "broken.gguf"), language="zh_CN", env=env
    )
    assert f"header: {english}" in shown.stdout

    # English, byte for byte as before.
    en_env = {**env, "HFSUITE_DB_URL": f"sqlite:///{tmp_path / 'en.sqlite'}"}
    en = _run(hfsuite_cmd, "scan", str(models), language="en", env=en_env)
    assert f"broken.gguf: header: {english}" in en.stderr
    assert not _cjk(en.stderr)
    assert not _cjk(json.dumps(issues, ensure_ascii=False))


def test_a_settings_allowed_values_and_origin_in_chinese(
    hfsuite_cmd: Any, env: dict[str, str]
) -> None:
    bad = {**env, "HFSUITE_CONNECTIONS_PER_FILE": "abc"}
    args = ("config", "get", "connections_per_file")
    zh = _run(hfsuite_cmd, *args, language="zh_CN", env=bad)
    en = _run(hfsuite_cmd, *args, language="en", env=bad)
    assert zh.returncode == en.returncode == 3
    assert "（来自环境变量 HFSUITE_CONNECTIONS_PER_FILE）" in zh.stderr
    assert "允许的值：1 到 64 的整数。" in zh.stderr
    assert "from environment variable" not in zh.stderr and "whole number" not in zh.stderr
    assert (
        "Invalid value 'abc' for setting "
        "'connections_per_file (from environment variable HFSUITE_CONNECTIONS_PER_FILE)'."
    ) in en.stderr
    assert "Allowed: a whole number from 1 to 64." in en.stderr
    error = document(_run(hfsuite_cmd, *args, "--json", language="zh_CN", env=bad).stdout, "error")[
        "error"
    ]
    assert error["hint"] == "Allowed: a whole number from 1 to 64."
    assert error["message"] == (
        "Invalid value 'abc' for setting "
        "'connections_per_file (from environment variable HFSUITE_CONNECTIONS_PER_FILE)'."
    )

    unknown = _run(hfsuite_cmd, "config", "set", "nope", "1", language="zh_CN", env=env)
    assert unknown.returncode == 3
    assert "没有名为“nope”的设置。" in unknown.stderr
    assert "允许的值：已知的设置：endpoint," in unknown.stderr
    as_json = _run(hfsuite_cmd, "config", "set", "nope", "1", "--json", language="zh_CN", env=env)
    hint = document(as_json.stdout, "error")["error"]["hint"]
    assert hint.startswith("Allowed: a known setting: endpoint, ") and not _cjk(hint)


@pytest.fixture
def silent() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts connections and never answers: its URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.1)
    held: list[socket.socket] = []
    stopped = threading.Event()

    def accept() -> None:
        while not stopped.is_set():
            with contextlib.suppress(TimeoutError):
                held.append(sock.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stopped.set()
    thread.join(timeout=5)
    sock.close()
    for conn in held:
        conn.close()


@pytest.mark.timeout(150)
def test_a_timeout_s_kind_and_activity_in_chinese(
    hfsuite_cmd: Any, env: dict[str, str], silent: str
) -> None:
    quick = {**env, "HF_ENDPOINT": silent, "HFSUITE_READ_TIMEOUT_S": "0.5"}
    host = silent.removeprefix("http://")
    zh = _run(hfsuite_cmd, "info", "acme/x", "--json", language="zh_CN", env=quick)
    assert zh.returncode == 5, zh.stderr
    assert f"请求 /api/models/acme/x时，{host} 在 0.5 秒内没有应答（读取超时）。" in zh.stderr
    assert "read timeout" not in zh.stderr and "requesting" not in zh.stderr
    error = document(zh.stdout, "error")["error"]
    assert error["message"] == (
        f"No answer from {host} within 0.5 s (read timeout) while requesting /api/models/acme/x."
    )
