"""A keyring backend for end-to-end tests: a JSON file named by ``TEST_KEYRING_FILE``.

Selected in the ``hfsuite`` subprocess with ``PYTHON_KEYRING_BACKEND=e2e_file_keyring.
JsonFileKeyring`` (and this folder on ``PYTHONPATH``), so the real system keyring is never used.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend
import keyring.errors


class JsonFileKeyring(keyring.backend.KeyringBackend):
    """Passwords in a JSON file (a test double of the system keyring)."""

    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path().read_text()))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._path().write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise keyring.errors.PasswordDeleteError("not found")
        self._path().write_text(json.dumps(data))
