"""Finding the Hub token, and keeping the one given to ``hfsuite auth login``.

Discovery order (:func:`find_token`), first match wins:

1. an explicit ``--token``;
2. the token stored by ``hfsuite auth login`` (system keyring, or the 0600 file below);
3. ``HF_TOKEN`` (or the legacy ``HUGGING_FACE_HUB_TOKEN``);
4. the token file written by ``hf auth login`` (``HF_TOKEN_PATH``, else ``$HF_HOME/token``).

The ``token_source`` setting narrows this to one place (``keyring``, ``env``,
``hf-token-file``) or turns tokens off (``none``).

Where ``hfsuite auth login`` keeps the token::

    system keyring                 service "hfsuite", user "huggingface-token" (preferred)
    <config dir>/token             fallback when no keyring works: the token, mode 0600
    <config dir>/token-store.json  {"where": "keyring" | "file"}: where to look, so that no
                                   keyring is probed (slow, or prompting) unless one was used

The token never goes anywhere else: not to the database, the logs or the settings file.
"""

from __future__ import annotations

import contextlib
import enum
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hfsuite.core.errors import ConfigError
from hfsuite.core.i18n import tr

log = logging.getLogger(__name__)

KEYRING_SERVICE = "hfsuite"
KEYRING_USER = "huggingface-token"
TOKEN_FILE_NAME = "token"
MARKER_FILE_NAME = "token-store.json"


class TokenOrigin(enum.StrEnum):
    """Where the token in use came from."""

    EXPLICIT = "--token"
    """Given on the command line (or typed into the app for this call)."""
    KEYRING = "keyring"
    """Stored by ``hfsuite auth login`` in the system keyring."""
    SUITE_FILE = "suite token file"
    """Stored by ``hfsuite auth login`` in the suite's 0600 token file."""
    ENV = "HF_TOKEN"
    """The ``HF_TOKEN`` (or ``HUGGING_FACE_HUB_TOKEN``) environment variable."""
    HF_TOKEN_FILE = "hf token file"
    """The file written by ``hf auth login`` (``$HF_HOME/token`` or ``HF_TOKEN_PATH``)."""


@dataclass(frozen=True)
class FoundToken:
    """A token and where it was found.

    Attributes:
        value: The secret (never print it; :func:`mask` it).
        origin: Where it came from.
        location: A file path or variable name, for messages (never the token).
    """

    value: str
    origin: TokenOrigin
    location: str = ""

    def __repr__(self) -> str:
        return f"FoundToken(value={mask(self.value)!r}, origin={self.origin.value!r})"


def mask(token: str | None) -> str:
    """A token shown safely: ``hf_…wxyz`` (its last four characters only)."""
    if not token:
        return ""
    return f"{token[:3]}…{token[-4:]}" if len(token) > 12 else "***"


class TokenStore:
    """Stores the token given to ``hfsuite auth login``: keyring first, else a 0600 file.

    Args:
        config_dir: The suite's config folder (holds the fallback file and the marker).
    """

    def __init__(self, config_dir: Path):
        self.config_dir = config_dir
        self.file = config_dir / TOKEN_FILE_NAME
        self.marker = config_dir / MARKER_FILE_NAME

    # -- keyring --------------------------------------------------------------------------
    @staticmethod
    def keyring_name() -> str | None:
        """The usable keyring backend's name, or None when there is none."""
        try:
            import keyring
            from keyring.backends import fail

            backend = keyring.get_keyring()
        except Exception:
            return None
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
            return None
        chained = getattr(backend, "backends", None)
        if chained is not None and not chained:
            return None
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def _where(self) -> str | None:
        try:
            data = json.loads(self.marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "file" if self.file.exists() else None
        where = data.get("where") if isinstance(data, dict) else None
        return where if where in ("keyring", "file") else None

    def _write_marker(self, where: str) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.marker.write_text(json.dumps({"where": where}) + "\n", encoding="utf-8")

    # -- public ---------------------------------------------------------------------------
    def save(self, token: str) -> TokenOrigin:
        """Store the token (replacing any earlier one) and say where it went.

        Raises:
            ConfigError: neither the keyring nor the file could take it.
        """
        if self.keyring_name() is not None:
            try:
                import keyring

                keyring.set_password(KEYRING_SERVICE, KEYRING_USER, token)
            except Exception as exc:
                log.warning("The system keyring refused the token (%s); using a file.", exc)
            else:
                self._remove_file()
                self._write_marker("keyring")
                return TokenOrigin.KEYRING
        self._write_file(token)
        self._write_marker("file")
        return TokenOrigin.SUITE_FILE

    def load(self) -> FoundToken | None:
        """The stored token, or None."""
        where = self._where()
        if where == "keyring":
            try:
                import keyring

                value = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
            except Exception as exc:
                log.warning("Cannot read the token from the system keyring: %s", exc)
                value = None
            if value and value.strip():
                return FoundToken(value.strip(), TokenOrigin.KEYRING, KEYRING_SERVICE)
            return None
        if where == "file":
            try:
                value = self.file.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if value:
                return FoundToken(value, TokenOrigin.SUITE_FILE, str(self.file))
        return None

    def delete(self) -> list[TokenOrigin]:
        """Forget the stored token. Returns the places it was removed from."""
        removed: list[TokenOrigin] = []
        if self._where() == "keyring":
            try:
                import keyring

                keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
                removed.append(TokenOrigin.KEYRING)
            except Exception as exc:
                log.info("No token removed from the keyring: %s", exc)
        if self._remove_file():
            removed.append(TokenOrigin.SUITE_FILE)
        with contextlib.suppress(FileNotFoundError):
            self.marker.unlink()
        return removed

    def _write_file(self, token: str) -> None:
        try:
            self.config_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_name(self.file.name + ".tmp")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            # Created 0600 from the start: the token is never readable by others, even briefly.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(token + "\n")
            os.replace(tmp, self.file)
            os.chmod(self.file, 0o600)
        except OSError as exc:
            raise ConfigError(
                tr(
                    "Cannot store the token in {file}: {reason}.",
                    file=self.file,
                    reason=exc.strerror or exc,
                ),
                hint=tr(
                    "Check the folder's permissions, or pass the token with --token / HF_TOKEN."
                ),
            ) from exc

    def _remove_file(self) -> bool:
        try:
            self.file.unlink()
            return True
        except FileNotFoundError:
            return False


def hf_token_file(env: Mapping[str, str], default: Path) -> Path:
    """The token file of ``hf auth login``: ``HF_TOKEN_PATH``, else ``default``."""
    override = env.get("HF_TOKEN_PATH", "").strip()
    return Path(override).expanduser() if override else default


def find_token(
    explicit: str | None,
    env: Mapping[str, str],
    token_file: Path,
    source: str = "auto",
    store: TokenStore | None = None,
) -> FoundToken | None:
    """The token to use and where it came from, or None for anonymous access.

    Args:
        explicit: A token given on the command line.
        env: The environment.
        token_file: ``$HF_HOME/token`` (``HF_TOKEN_PATH`` in ``env`` overrides it).
        source: The ``token_source`` setting (auto, keyring, env, hf-token-file, none).
        store: The suite's token store (``hfsuite auth login``), if any.
    """
    if explicit and explicit.strip():
        return FoundToken(explicit.strip(), TokenOrigin.EXPLICIT)
    if source == "none":
        return None
    if source in ("auto", "keyring") and store is not None:
        stored = store.load()
        if stored is not None:
            return stored
    if source in ("auto", "env"):
        for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
            value = env.get(name, "").strip()
            if value:
                return FoundToken(value, TokenOrigin.ENV, name)
    if source in ("auto", "hf-token-file"):
        path = hf_token_file(env, token_file)
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError:
            value = ""
        if value:
            return FoundToken(value, TokenOrigin.HF_TOKEN_FILE, str(path))
    return None


def discover_token(
    explicit: str | None,
    env: Mapping[str, str],
    token_file: Path,
    source: str = "auto",
    store: TokenStore | None = None,
) -> str | None:
    """The token to use, or None (see :func:`find_token`)."""
    found = find_token(explicit, env, token_file, source, store)
    return found.value if found else None
