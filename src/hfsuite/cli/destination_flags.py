"""The command-line flags that say where a download goes, read into a destination.

``--local-dir`` / ``--cache-dir`` name a folder or an HF cache; ``--profile NAME`` and
``--to TOOL:KIND`` (with ``--subfolder``) name a profile or a tool's model folder
(:mod:`hfsuite.app.profiles`). ``download`` and ``queue add`` share these options.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from hfsuite.core.destination import Destination
from hfsuite.core.i18n import _

if TYPE_CHECKING:
    from hfsuite.app.download.operation import DownloadRequest
    from hfsuite.app.suite import Suite

__all__ = [
    "chosen_destination",
    "profile_option",
    "subfolder_option",
    "to_option",
    "with_tool_or_profile",
]


def chosen_destination(local_dir: Path | None, cache_dir: Path | None) -> Destination | None:
    """The destination ``--local-dir`` / ``--cache-dir`` name.

    ``--local-dir`` wins when both are given; None when neither is (the default applies).
    """
    if local_dir is not None:
        return Destination.folder(local_dir)
    if cache_dir is not None:
        return Destination.hf_cache(cache_dir)
    return None


def profile_option() -> Any:
    """``--profile NAME``."""
    return typer.Option(
        None,
        "--profile",
        help=_(
            "A profile's destination and defaults (hfsuite profiles ls); flags given here "
            "override its defaults."
        ),
    )


def to_option() -> Any:
    """``--to TOOL:KIND``."""
    return typer.Option(
        None,
        "--to",
        metavar="TOOL:KIND",
        help=_(
            "A tool's model folder, e.g. comfyui:loras or lmstudio:llm (hfsuite tools ls); "
            "files land by name, LM Studio's in <publisher>/<model>/."
        ),
    )


def subfolder_option() -> Any:
    """``--subfolder NAME``."""
    return typer.Option(
        None,
        "--subfolder",
        help=_("With --to or a tool profile: a folder inside the tool's folder (e.g. sdxl)."),
    )


def with_tool_or_profile(
    suite: Suite,
    request: DownloadRequest,
    profile: str | None,
    to: str | None,
    subfolder: str | None,
    *,
    dry_run: bool = False,
) -> DownloadRequest:
    """``request`` sent where ``--profile``/``--to`` say (unchanged when neither is given).

    Raises:
        UsageError: see :func:`hfsuite.app.profiles.resolve_download_target`.
    """
    if profile is None and to is None and subfolder is None:
        return request  # nothing to read: the profiles module is not even imported
    from hfsuite.app.download_targets import request_with_target

    placed, _changes = request_with_target(
        suite, request, profile=profile, to=to, subfolder=subfolder, dry_run=dry_run
    )
    return placed
