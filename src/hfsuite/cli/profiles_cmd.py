"""``hfsuite profiles``: named destinations (a tool's model folder, a folder, the HF cache) with
download defaults, used by ``download --profile NAME`` and ``queue add --profile NAME``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from hfsuite.app.profiles import DetectOutcome, Profile, ProfileDefaults, ProfileService
from hfsuite.cli.json_views import document
from hfsuite.cli.output import json_option, out, print_json, print_warning
from hfsuite.cli.wording import counted
from hfsuite.core.errors import UsageError
from hfsuite.core.units import format_bytes, parse_size

app = typer.Typer(
    help=(
        "Profiles: named destinations (a tool's model folder, a folder, the HF cache) with "
        "download defaults, for download --profile NAME and queue add --profile NAME "
        "(docs/profiles.md).\n\n"
        "Examples:\n\n  hfsuite profiles detect\n\n  hfsuite profiles ls\n\n"
        "  hfsuite profiles add sdxl-loras --to comfyui:loras --subfolder sdxl"
    ),
    no_args_is_help=True,
)


def _service(ctx: typer.Context) -> ProfileService:
    return ProfileService(ctx.find_root().obj.suite())


def _warn(service: ProfileService) -> None:
    for warning in service.warnings:
        print_warning(warning)


def _defaults_text(defaults: ProfileDefaults) -> str:
    parts = []
    if defaults.include:
        parts.append("include " + " ".join(defaults.include))
    if defaults.exclude:
        parts.append("exclude " + " ".join(defaults.exclude))
    if defaults.connections:
        parts.append(f"{defaults.connections} connections")
    if defaults.limit_bps:
        parts.append(f"limit {format_bytes(defaults.limit_bps)}/s")
    return "; ".join(parts)


def _line(profile: Profile, width: int) -> str:
    defaults = _defaults_text(profile.defaults)
    extra = f"  [dim]({escape(defaults)})[/]" if defaults else ""
    origin = "" if profile.detected else "  [dim]manual[/]"
    return f"[bold]{escape(profile.name.ljust(width))}[/]  {escape(profile.where())}{origin}{extra}"


@app.command("ls")
def ls(ctx: typer.Context, as_json: bool = json_option()) -> None:
    """List the profiles: where each sends files, and its defaults.

    Examples:

      hfsuite profiles ls

      hfsuite profiles ls --json
    """
    profiles = _service(ctx).list_profiles()
    if as_json:
        print_json(document("profile-list", {"profiles": [p.to_json() for p in profiles]}))
        return
    if not profiles:
        out.print(
            "No profile yet. Make one per tool folder: hfsuite profiles detect; or your own: "
            "hfsuite profiles add NAME --to TOOL:KIND"
        )
        return
    width = max(len(p.name) for p in profiles)
    for profile in profiles:
        out.print(_line(profile, width))


@app.command("show")
def show(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The profile's name."),
    as_json: bool = json_option(),
) -> None:
    """Show one profile in full.

    Examples:

      hfsuite profiles show comfyui-loras

      hfsuite profiles show comfyui-loras --json
    """
    profile = _service(ctx).get(name)
    if as_json:
        print_json(document("profile", profile.to_json()))
        return
    _print_profile(profile)


def _print_profile(profile: Profile) -> None:
    data = profile.to_json()
    out.print(f"[bold]{escape(profile.name)}[/]")
    rows = [
        ("goes to", profile.where()),
        ("files", {"by-name": "by name", "repo-paths": "at their repository paths"}.get(
            profile.files, "in the HF cache")),
        ("tool folder", data["tool_root"]),
        ("defaults", _defaults_text(profile.defaults) or "none"),
        ("origin", profile.origin + ("" if profile.detected else " (detect leaves it alone)")),
    ]  # fmt: skip
    for label, value in rows:
        if value is not None:
            out.print(f"  [cyan]{label.ljust(11)}[/]  {escape(str(value))}")
    if not data["exists"] and profile.target is not None:
        print_warning(
            f"{profile.target.root} does not exist now: "
            "hfsuite profiles detect finds the tools again."
        )


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The new profile's name."),
    to: str = typer.Option(
        None, "--to", metavar="TOOL:KIND", help="A tool's model folder, e.g. comfyui:loras."
    ),
    folder: Path = typer.Option(None, "--folder", help="Any folder (files at repo paths)."),
    hf_cache: bool = typer.Option(False, "--hf-cache", help="The HF cache (the setting's)."),
    subfolder: str = typer.Option(
        None, "--subfolder", help="With --to: a folder inside the tool's folder."
    ),
    include: list[str] = typer.Option(None, "--include", help="Glob of files to keep (repeat)."),
    exclude: list[str] = typer.Option(None, "--exclude", help="Glob of files to drop (repeat)."),
    connections: int = typer.Option(
        None, "--connections", "-c", min=1, max=64, help="Connections per file."
    ),
    limit_rate: str = typer.Option(None, "--limit-rate", help="Bandwidth limit, e.g. 10M."),
    replace: bool = typer.Option(False, "--replace", help="Replace a profile of that name."),
    as_json: bool = json_option(),
) -> None:
    """Add a profile: one destination (--to TOOL:KIND, --folder PATH or --hf-cache) and the
    download defaults it fixes. A detected profile you replace is yours: detect leaves it.

    Examples:

      hfsuite profiles add sdxl-loras --to comfyui:loras --subfolder sdxl --include "*.safetensors"

      hfsuite profiles add ggufs --folder ~/models/gguf --include "*Q4_K_M*" --json

      hfsuite profiles add cache --hf-cache --connections 8
    """
    limit_bps = None
    if limit_rate is not None:
        try:
            limit_bps = parse_size(limit_rate)
        except ValueError:
            raise UsageError(
                f"--limit-rate {limit_rate!r} is not a rate.", hint="Examples: 500k, 10M."
            ) from None
    service = _service(ctx)
    defaults = ProfileDefaults(tuple(include or ()), tuple(exclude or ()), connections, limit_bps)
    profile = service.build(
        name, to=to, folder=folder, hf_cache=hf_cache, subfolder=subfolder, defaults=defaults
    )
    replaced, stored = service.add(profile, replace_existing=replace)
    _warn(service)
    if as_json:
        action = "replace" if replaced else "add"
        print_json(document("profile-change", {"action": action, "profile": stored.to_json()}))
        return
    out.print(
        f"{'Replaced' if replaced else 'Added'} {escape(stored.name)}: {escape(stored.where())}"
    )


@app.command("rm")
def rm(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The profile's name."),
    as_json: bool = json_option(),
) -> None:
    """Remove a profile (queued tasks keep their folder; files stay where they are).

    Examples:

      hfsuite profiles rm comfyui-loras

      hfsuite profiles rm comfyui-loras --json
    """
    removed = _service(ctx).remove(name)
    if as_json:
        print_json(document("profile-change", {"action": "rm", "profile": removed.to_json()}))
        return
    out.print(f"Removed {escape(removed.name)} ({escape(removed.where())}).")


def _detect_document(outcome: DetectOutcome) -> dict[str, Any]:
    return document(
        "profile-detect",
        {
            "profiles": [{**p.to_json(), "status": status} for status, p in outcome.results],
            "stale": list(outcome.stale),
            "problems": list(outcome.problems),
        },
    )


@app.command("detect")
def detect(ctx: typer.Context, as_json: bool = json_option()) -> None:
    """Make one profile per detected tool and model kind (comfyui-loras, lmstudio-llm…).

    Run it again after installing or moving a tool: profiles it made follow the tool; a
    profile you made or replaced is left alone.

    Examples:

      hfsuite profiles detect

      hfsuite profiles detect --json
    """
    service = _service(ctx)
    outcome = service.detect()
    _warn(service)
    if as_json:
        print_json(_detect_document(outcome))
        return
    for problem in outcome.problems:
        print_warning(problem)
    if not outcome.results:
        out.print(
            "No tool with a model folder found. Add one that is elsewhere: hfsuite tools add PATH"
        )
        return
    width = max(len(p.name) for _, p in outcome.results)
    counts: dict[str, int] = {}
    for status, profile in outcome.results:
        counts[status] = counts.get(status, 0) + 1
        note = "  [dim](yours, left alone)[/]" if status == "kept" else ""
        out.print(f"{status.ljust(9)} {_line(profile, width)}{note}")
    for name in outcome.stale:
        print_warning(
            f"{name}: its tool was not found this time (kept; hfsuite profiles rm {name})"
        )
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    out.print(f"{counted(len(outcome.results), 'profile')}: {summary}")
