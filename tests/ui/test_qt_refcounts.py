"""The Qt binding keeps Python's reference counts right: PySide6 6.12.0 on Python 3.11 dropped a
reference to None on every Qt call returning nothing, and the app aborted after a while
("none_dealloc"). pyproject keeps that release out; this test catches one coming back."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_void_qt_calls_leave_the_refcount_of_none_alone() -> None:
    script = textwrap.dedent(
        """
        import sys
        from PySide6.QtWidgets import QApplication, QLabel
        app = QApplication([])
        label = QLabel()
        before = sys.getrefcount(None)
        for _ in range(2000):
            label.setText("x")
            app.processEvents()
        print(sys.getrefcount(None) - before)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    change = int(proc.stdout.strip().splitlines()[-1])
    assert abs(change) < 100, f"None lost {-change} references over 4,000 Qt calls"
