"""Removing secrets from text before it reaches a log, a history export or the screen.

Hub tokens (``hf_…``), ``Authorization``/``Bearer`` values, ``token=`` query or form fields,
ModelScope session cookies and passwords in URLs (``scheme://user:pass@host``) are replaced by
``***``. Tokens the program knows about (registered with :meth:`Redactor.add_secret`) are
replaced wherever they appear, whatever their shape.
"""

from __future__ import annotations

import re
import threading

MASK = "***"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Hugging Face user/org/API tokens.
    (re.compile(r"\b(hf|api_org|hf_oauth)_[A-Za-z0-9]{8,}\b"), MASK),
    # Authorization headers in any of the forms loggers print them.
    (
        re.compile(
            r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?(?:bearer|basic|token)?\s*)[^\s'\",}]+"
        ),
        r"\1" + MASK,
    ),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1" + MASK),
    # token=…, access_token=…, m_session_id=… in URLs, forms, cookies and key=value logs.
    (
        re.compile(
            r"(?i)\b((?:access_|api_|hf_|refresh_)?token|m_session_id|password|passwd)(['\"]?\s*[=:]\s*['\"]?)[^\s&'\",;}]+"
        ),
        r"\1\2" + MASK,
    ),
    # Credentials inside URLs: scheme://user:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s/:@]+:)[^\s/@]+@"), r"\1" + MASK + "@"),
]


class Redactor:
    """Replaces secrets in text. Thread-safe; known secrets can be added at run time."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add_secret(self, secret: str | None) -> None:
        """Always mask this exact string (e.g. the token in use), whatever its shape."""
        if secret and len(secret) >= 4:
            with self._lock:
                self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        """Return ``text`` with every secret masked."""
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, MASK)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


def redact(text: str) -> str:
    """Mask the secrets that patterns alone can find (no registered tokens)."""
    return Redactor()(text)
