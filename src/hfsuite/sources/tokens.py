"""Finding the Hub token: where a user may have put it, in a fixed order.

Order: an explicit ``--token``; ``HF_TOKEN`` (or the legacy ``HUGGING_FACE_HUB_TOKEN``); the
token file written by ``hf auth login`` (``$HF_HOME/token``, or ``HF_TOKEN_PATH``). The keyring
joins this list with ``hfsuite auth login``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def discover_token(
    explicit: str | None,
    env: Mapping[str, str],
    token_file: Path,
    source: str = "auto",
) -> str | None:
    """The token to use, or None for anonymous access.

    Args:
        explicit: A token given on the command line.
        env: The environment.
        token_file: ``$HF_HOME/token``.
        source: The ``token_source`` setting (auto, env, hf-token-file, none, keyring).
    """
    if explicit:
        return explicit.strip()
    if source == "none":
        return None
    if source in ("auto", "env"):
        for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
            value = env.get(name, "").strip()
            if value:
                return value
    if source in ("auto", "hf-token-file"):
        path = Path(env["HF_TOKEN_PATH"]) if env.get("HF_TOKEN_PATH") else token_file
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError:
            value = ""
        if value:
            return value
    return None
