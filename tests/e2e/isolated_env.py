"""The environment of a command run in a test: its own database, HF home and logs, no Hub."""

from __future__ import annotations

import os
from pathlib import Path


def isolated_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Variables for ``hfsuite_cmd``: everything under ``tmp_path`` (the database follows
    ``HFSUITE_DB_URL`` when the suite runs on PostgreSQL), an endpoint nothing answers on, and a
    wide terminal; ``extra`` adds or overrides variables."""
    return {
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"),
        "HFSUITE_HF_HOME": str(tmp_path / "hf-home"),
        "HFSUITE_LOG_DIR": str(tmp_path / "logs"),
        "HF_ENDPOINT": "http://127.0.0.1:9",
        "COLUMNS": "200",
        **extra,
    }
