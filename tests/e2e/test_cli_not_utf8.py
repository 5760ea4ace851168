"""Names that are not UTF-8 (another system's encoding) get a clear answer, never a traceback.

The queue, the history and the library keep paths as text. A folder named with a byte that is
not UTF-8 (``x\\xff``) ended ``hfsuite download`` in "Unexpected error: UnicodeEncodeError"
after a "--- Logging error ---" dump, and such a file under a scan root ended ``hfsuite scan``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def _run(*args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    exe = shutil.which("hfsuite", path=str(Path(sys.executable).parent)) or shutil.which("hfsuite")
    assert exe
    return subprocess.run([exe, *args], capture_output=True, timeout=120)


def test_a_path_argument_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    odd = os.path.join(os.fsencode(tmp_path), b"x\xff")
    result = _run("download", "acme/tiny", "--local-dir", odd)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, err
    assert "Traceback" not in err and "Logging error" not in err, err
    assert f"The argument {tmp_path}/x\\xff is not valid UTF-8 text." in err, err
    assert not os.path.exists(odd)  # nothing made


def test_a_scan_indexes_the_rest_and_names_the_file_it_cannot(tmp_path: Path) -> None:
    root = tmp_path / "models"
    root.mkdir()
    (root / "good.safetensors").write_bytes(b"1" * 100)
    with open(os.path.join(os.fsencode(root), b"bad\xff.safetensors"), "wb") as f:
        f.write(b"2" * 100)
    result = _run("scan", str(root))
    out, err = result.stdout.decode(), result.stderr.decode()
    assert result.returncode == 0, err
    assert "Traceback" not in out + err, err
    assert "1 file" in out, out
    assert f"{root}/bad\\xff.safetensors" in err and "not valid UTF-8" in err, err
