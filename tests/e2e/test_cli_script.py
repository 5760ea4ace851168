"""`hfsuite script` end to end: the installed command against the emulator, the scripts it
writes run as a user would run them."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

KIB = 1 << 10
TOKEN = "hf_" + "S" * 34
FILES = {
    "config.json": b'{"model_type": "tiny"}',
    "model.safetensors": os.urandom(48 * KIB),
    "nested/dir/tok en's $x.json": b'{"a": 1}',
}

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


@pytest.fixture
def served(hub_factory, tmp_path):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=16 * KIB)
    repo = hub.create_repo("acme/m", files=FILES)
    hub.add_token(TOKEN, user="acme")
    hub.create_repo("acme/private", private=True, files={"secret.bin": os.urandom(20 * KIB)})
    env = {
        "HF_ENDPOINT": hub.url,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "HF_HOME": str(tmp_path / "hf-home"),
    }
    return hub, repo, env


def _run_script(path: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    runner = ["bash"] if path.suffix == ".sh" else ["python3", "-I", "-S"]
    return subprocess.run(
        [*runner, str(path)], capture_output=True, text=True, env={**clean, **(env or {})}
    )


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(root).parts
    }


def test_stdout_and_o_file_and_the_same_bytes_as_download(hfsuite_cmd, served, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, repo, env = served
    got = hfsuite_cmd("download", "acme/m", "--local-dir", str(tmp_path / "tool"), env=env)
    assert got.returncode == 0, got.stderr
    printed = hfsuite_cmd("script", "acme/m", "--local-dir", str(tmp_path / "by-sh"), env=env)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("#!/usr/bin/env bash\n") and repo.sha in printed.stdout
    assert printed.stderr == ""  # stdout holds the script alone
    out = tmp_path / "get.sh"
    out.write_text(printed.stdout)
    py = tmp_path / "get.py"
    wrote = hfsuite_cmd(
        "script",
        "acme/m",
        "--shell",
        "python",
        "--local-dir",
        str(tmp_path / "by-py"),
        "-o",
        str(py),
        env=env,
    )
    assert wrote.returncode == 0, wrote.stderr
    assert wrote.stdout == "" and f"Wrote {py}" in wrote.stderr
    assert py.stat().st_mode & stat.S_IXUSR
    for script, dest in ((out, "by-sh"), (py, "by-py")):
        done = _run_script(script)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == str(tmp_path / dest)
        assert _files(tmp_path / dest) == _files(tmp_path / "tool") == dict(sorted(FILES.items()))


def test_bash_o_file_is_executable_and_runs_by_itself(hfsuite_cmd, served, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, _, env = served
    script = tmp_path / "get-m.sh"
    dest = tmp_path / "m"
    result = hfsuite_cmd(
        "script", "acme/m", "config.json", "--local-dir", str(dest), "-o", str(script), env=env
    )
    assert result.returncode == 0, result.stderr
    assert script.stat().st_mode & stat.S_IXUSR
    done = subprocess.run([str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _files(dest) == {"config.json": FILES["config.json"]}


def test_no_token_is_ever_written(hfsuite_cmd, served, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, _, env = served
    home = Path(env["HF_HOME"])
    home.mkdir(parents=True)
    (home / "token").write_text(TOKEN)  # hf auth login's token file: in effect without flags
    with_env = {**env, "HF_TOKEN": TOKEN}
    for shell, dest in (("bash", "a"), ("python", "b"), ("powershell", "c")):
        for extra in ((), ("--token", TOKEN)):
            result = hfsuite_cmd(
                "script",
                "acme/private",
                "--shell",
                shell,
                "--local-dir",
                str(tmp_path / dest),
                *extra,
                env=with_env,
            )
            assert result.returncode == 0, result.stderr
            assert TOKEN not in result.stdout and TOKEN not in result.stderr
            assert "HF_TOKEN" in result.stdout  # where the script reads it when it runs
    script = tmp_path / "p.sh"
    result = hfsuite_cmd(
        "script",
        "acme/private",
        "--local-dir",
        str(tmp_path / "p"),
        "-o",
        str(script),
        env=with_env,
    )
    assert result.returncode == 0, result.stderr
    assert TOKEN not in script.read_text()
    refused = _run_script(script)
    assert refused.returncode != 0 and "secret.bin" in refused.stderr
    done = _run_script(script, {"HF_TOKEN": TOKEN})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "p" / "secret.bin").stat().st_size == 20 * KIB


def test_task_and_history_forms(hfsuite_cmd, served, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, repo, env = served
    first = repo.sha
    assert (
        hfsuite_cmd("download", "acme/m", "--local-dir", str(tmp_path / "old"), env=env).returncode
        == 0
    )
    added = hfsuite_cmd(
        "queue",
        "add",
        "acme/m",
        "--paused",
        "--include",
        "*.json",
        "--local-dir",
        str(tmp_path / "task"),
        env=env,
    )
    assert added.returncode == 0, added.stderr
    newer = repo.commit({"config.json": b'{"model_type": "newer"}'})
    # The queued task: its selection and destination, its revision resolved now.
    task_py = tmp_path / "task.py"
    made = hfsuite_cmd("script", "--task", "2", "--shell", "python", "-o", str(task_py), env=env)
    assert made.returncode == 0, made.stderr
    assert newer in task_py.read_text()
    done = _run_script(task_py)
    assert done.returncode == 0, done.stderr
    assert set(_files(tmp_path / "task")) == {"config.json", "nested/dir/tok en's $x.json"}
    assert (tmp_path / "task" / "config.json").read_bytes() == b'{"model_type": "newer"}'
    # The history entry: the commit it recorded and its files, elsewhere with --local-dir.
    hist_sh = tmp_path / "hist.sh"
    made = hfsuite_cmd(
        "script",
        "--history",
        "1",
        "--local-dir",
        str(tmp_path / "again"),
        "-o",
        str(hist_sh),
        env=env,
    )
    assert made.returncode == 0, made.stderr
    text = hist_sh.read_text()
    assert first in text and newer not in text
    done = _run_script(hist_sh)
    assert done.returncode == 0, done.stderr
    assert _files(tmp_path / "again") == _files(tmp_path / "old")


def test_the_hf_cache_default_and_powershell(hfsuite_cmd, served, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, repo, env = served
    made = hfsuite_cmd("script", "acme/m", "--shell", "python", env=env)
    assert made.returncode == 0, made.stderr
    assert repr(str(tmp_path / "hf-home" / "hub")) in made.stdout
    assert "LAYOUT = 'hf-cache'" in made.stdout
    refused = hfsuite_cmd("script", "acme/m", "--shell", "powershell", env=env)
    assert refused.returncode == 2
    assert "plain folder only" in refused.stderr and "--local-dir" in refused.stderr
    ps = hfsuite_cmd(
        "script", "acme/m", "--shell", "pwsh", "--local-dir", str(tmp_path / "w"), env=env
    )
    assert ps.returncode == 0, ps.stderr
    assert "Invoke-WebRequest" in ps.stdout and repo.sha in ps.stdout and ps.stdout.isascii()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--task", "99"), 2, "There is no task 99."),
        (("--history", "42"), 2, "There is no history entry 42."),
        (("acme/m", "--shell", "zsh"), 2, "Unknown shell 'zsh'."),
        (("acme/nope",), 7, "acme/nope was not found"),
        (("acme/m", "nope.bin"), 7, "no file or folder 'nope.bin'"),
        (("acme/m", "../etc/passwd"), 2, "Refusing the remote path '../etc/passwd'"),
        (("acme/m", "--revision", "nope"), 7, "no branch, tag or commit named 'nope'"),
        (("--profile", "loras", "acme/m"), 2, "--profile is not available yet"),
        ((), 2, "Name one thing to script"),
        (("acme/m", "--task", "1"), 2, "got REPO and --task"),
        (("--task", "1", "--include", "*.json"), 2, "apply to REPO only"),
    ],
)
def test_mistakes_are_one_line_errors_with_exit_codes(
    hfsuite_cmd, served, args, code, message
) -> None:  # type: ignore[no-untyped-def]
    _, _, env = served
    result = hfsuite_cmd("script", *args, env=env)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert result.stderr.splitlines()[0].startswith("Error: ")


def test_offline_and_unreachable(hfsuite_cmd, served) -> None:  # type: ignore[no-untyped-def]
    _, _, env = served
    offline = hfsuite_cmd("script", "acme/m", env={**env, "HF_HUB_OFFLINE": "1"})
    assert offline.returncode == 5 and "Offline mode is on" in offline.stderr
    down = hfsuite_cmd("script", "acme/m", env={**env, "HF_ENDPOINT": "http://127.0.0.1:9"})
    assert down.returncode == 5, down.stderr
    assert "Traceback" not in offline.stderr + down.stderr


def test_help_has_examples(hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    result = hfsuite_cmd("script", "--help")
    assert result.returncode == 0
    assert "Examples:" in result.stdout and "hfsuite script --task 2" in result.stdout
