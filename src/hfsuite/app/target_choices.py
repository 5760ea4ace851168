"""The profiles and tool folders a download can go to, for the window's destination lists.

The Add dialog and the Browse tab's download bar offer, besides the HF cache and a folder, every
profile and every ``TOOL:KIND`` folder of the detected tools. Choosing one sends the download
through the same calls as ``--profile NAME`` / ``--to TOOL:KIND`` on the command line
(:func:`hfsuite.app.download_targets.queue_with_target`); :func:`preview_with_target` is the
dialog's dry run of the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from hfsuite.app.profiles import ProfileService, resolve_download_target
from hfsuite.app.queue.add_ops import AddPreview, AddTarget, TargetPlan, preview
from hfsuite.app.queue.tasks import TaskOptions

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite

__all__ = ["TargetChoice", "download_choices", "preview_with_target"]


@dataclass(frozen=True)
class TargetChoice:
    """A profile or a tool folder to download into.

    Attributes:
        label: As listed (``Profile comfyui-loras``, ``ComfyUI · loras``).
        folder: Where the files land (for a profile of LM Studio: its models folder).
        profile: The profile's name (``--profile``), or None.
        to: ``TOOL:KIND`` (``--to``), or None.
    """

    label: str
    folder: Path
    profile: str | None = None
    to: str | None = None


def download_choices(suite: Suite, service: ProfileService | None = None) -> list[TargetChoice]:
    """Every profile (by name), then every detected tool's download folder that no detected
    profile names already (run off the UI thread: it reads the database and looks for tools
    on disk)."""
    service = service or ProfileService(suite)
    profiles = service.list_profiles()
    choices = [TargetChoice(f"Profile {p.name}", p.path, profile=p.name) for p in profiles]
    # a tool folder ``profiles detect`` already made a profile of is listed once, as that
    covered = {
        (p.target.tool, p.target.model_kind)
        for p in profiles
        if p.detected and p.target is not None and not p.subfolder
    }
    for tool in service.detection().tools:
        if tool.kind == "ollama":  # Ollama pulls its own models: no folder to download into
            continue
        for kind, folder in sorted(tool.default_folder.items()):
            if (tool.name, kind) in covered:
                continue
            label = f"{tool.display_name} · {kind}"
            if tool.name != tool.kind:
                label = f"{tool.display_name} ({tool.name}) · {kind}"
            choices.append(TargetChoice(label, folder, to=f"{tool.name}:{kind}"))
    return choices


def preview_with_target(
    suite: Suite,
    targets: Sequence[AddTarget],
    options: TaskOptions,
    *,
    profile: str | None = None,
    to: str | None = None,
    service: ProfileService | None = None,
) -> AddPreview:
    """Dry-run plans of ``targets`` where ``profile`` or ``to`` send them (each placed on its
    own, as :func:`~hfsuite.app.download_targets.queue_with_target` will), the profile's
    defaults under the options' own.

    Raises:
        UsageError: see :func:`hfsuite.app.profiles.resolve_download_target`.
    """
    service = service or ProfileService(suite)
    plans: list[TargetPlan] = []
    free: dict[str, int] = {}
    for target in targets:
        where = resolve_download_target(
            suite, target.ref, profile=profile, to=to, chosen=None, service=service
        )
        own = options
        if where is not None:
            defaults = where.defaults
            own = replace(
                options,
                destination=where.destination,
                include=options.include or defaults.include,
                exclude=options.exclude or defaults.exclude,
            )
        one = preview(suite, [target], own)
        plans.extend(one.plans)
        free.update(one.free_bytes)
    return AddPreview(tuple(plans), free)
