"""``hfsuite profiles``: named destinations (a tool's model folder, a folder, the HF cache) with
download defaults, used by ``download --profile NAME`` and ``queue add --profile NAME``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.cells import cell_len
from rich.markup import escape

from hfsuite.app.profiles import DetectOutcome, Profile, ProfileDefaults, ProfileService
from hfsuite.cli.json_views import document
from hfsuite.cli.output import json_option, out, print_json, print_warning
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import N_, _, english, ngettext, pgettext, tr
from hfsuite.core.units import format_bytes, parse_size

# A profile's origin, shown translated.
_ORIGINS = (N_("manual"),)


def _status_text(status: str) -> str:
    """What `profiles detect` did with a profile, translated."""
    texts = {
        "created": pgettext("profile status", "created"),
        "updated": pgettext("profile status", "updated"),
        "kept": pgettext("profile status", "kept"),
        "unchanged": pgettext("profile status", "unchanged"),
    }
    return texts.get(status, status)


app = typer.Typer(
    help=_(
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
        parts.append(_("include {patterns}").format(patterns=" ".join(defaults.include)))
    if defaults.exclude:
        parts.append(_("exclude {patterns}").format(patterns=" ".join(defaults.exclude)))
    if defaults.connections:
        n = defaults.connections
        parts.append(ngettext("{n} connection", "{n} connections", n).format(n=n))
    if defaults.limit_bps:
        parts.append(_("limit {rate}/s").format(rate=format_bytes(defaults.limit_bps)))
    return "; ".join(parts)


def _line(profile: Profile, width: int) -> str:
    defaults = _defaults_text(profile.defaults)
    extra = f"  [dim]({escape(defaults)})[/]" if defaults else ""
    origin = "" if profile.detected else _("  [dim]manual[/]")
    return f"[bold]{escape(profile.name.ljust(width))}[/]  {escape(profile.where())}{origin}{extra}"


@app.command(
    "ls",
    help=_(
        "List the profiles: where each sends files, and its defaults.\n\n"
        "Examples:\n\n"
        "  hfsuite profiles ls\n\n"
        "  hfsuite profiles ls --json"
    ),
)
def ls(ctx: typer.Context, as_json: bool = json_option()) -> None:
    profiles = _service(ctx).list_profiles()
    if as_json:
        print_json(document("profile-list", {"profiles": [p.to_json() for p in profiles]}))
        return
    if not profiles:
        out.print(
            _(
                "No profile yet. Make one per tool folder: hfsuite profiles detect; or your own: "
                "hfsuite profiles add NAME --to TOOL:KIND"
            )
        )
        return
    width = max(len(p.name) for p in profiles)
    for profile in profiles:
        out.print(_line(profile, width), markup=True)


@app.command(
    "show",
    help=_(
        "Show one profile in full.\n\n"
        "Examples:\n\n"
        "  hfsuite profiles show comfyui-loras\n\n"
        "  hfsuite profiles show comfyui-loras --json"
    ),
)
def show(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=_("The profile's name.")),
    as_json: bool = json_option(),
) -> None:
    profile = _service(ctx).get(name)
    if as_json:
        print_json(document("profile", profile.to_json()))
        return
    _print_profile(profile)


def _print_profile(profile: Profile) -> None:
    data = profile.to_json()
    out.print(f"[bold]{escape(profile.name)}[/]", markup=True)
    rows = [
        (_("goes to"), profile.where()),
        (_("files"), {"by-name": _("by name"), "repo-paths": _("at their repository paths")}.get(
            profile.files, _("in the HF cache"))),
        (_("tool folder"), data["tool_root"]),
        (_("defaults"), _defaults_text(profile.defaults) or _("none")),
        (_("origin"), _(profile.origin) + ("" if profile.detected else _(" (detect leaves it alone)"))),  # noqa: E501
    ]  # fmt: skip
    width = max(11, *(cell_len(label) for label, _value in rows))
    for label, value in rows:
        if value is not None:
            padded = label + " " * (width - cell_len(label))
            out.print(f"  [cyan]{padded}[/]  {escape(str(value))}", markup=True)
    if not data["exists"] and profile.target is not None:
        print_warning(
            _("{root} does not exist now: hfsuite profiles detect finds the tools again.").format(
                root=profile.target.root
            )
        )


@app.command(
    "add",
    help=_(
        "Add a profile: one destination (--to TOOL:KIND, --folder PATH or "
        "--hf-cache) and the\n"
        "download defaults it fixes. A detected profile you replace is yours: "
        "detect leaves it.\n\n"
        "Examples:\n\n"
        "  hfsuite profiles add sdxl-loras --to comfyui:loras --subfolder sdxl "
        '--include "*.safetensors"\n\n'
        "  hfsuite profiles add ggufs --folder ~/models/gguf --include "
        '"*Q4_K_M*" --json\n\n'
        "  hfsuite profiles add cache --hf-cache --connections 8"
    ),
)
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=_("The new profile's name.")),
    to: str = typer.Option(
        None, "--to", metavar="TOOL:KIND", help=_("A tool's model folder, e.g. comfyui:loras.")
    ),
    folder: Path = typer.Option(None, "--folder", help=_("Any folder (files at repo paths).")),
    hf_cache: bool = typer.Option(False, "--hf-cache", help=_("The HF cache (the setting's).")),
    subfolder: str = typer.Option(
        None, "--subfolder", help=_("With --to: a folder inside the tool's folder.")
    ),
    include: list[str] = typer.Option(None, "--include", help=_("Glob of files to keep (repeat).")),
    exclude: list[str] = typer.Option(None, "--exclude", help=_("Glob of files to drop (repeat).")),
    connections: int = typer.Option(
        None, "--connections", "-c", min=1, max=64, help=_("Connections per file.")
    ),
    limit_rate: str = typer.Option(None, "--limit-rate", help=_("Bandwidth limit, e.g. 10M.")),
    replace: bool = typer.Option(False, "--replace", help=_("Replace a profile of that name.")),
    as_json: bool = json_option(),
) -> None:
    limit_bps = None
    if limit_rate is not None:
        try:
            limit_bps = parse_size(limit_rate)
        except ValueError:
            raise UsageError(
                tr("--limit-rate {text} is not a rate.", text=repr(limit_rate)),
                hint=tr("Examples: 500k, 10M."),
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
    done = _("Replaced {name}: {where}") if replaced else _("Added {name}: {where}")
    out.print(done.format(name=escape(stored.name), where=escape(stored.where())), markup=True)


@app.command(
    "rm",
    help=_(
        "Remove a profile (queued tasks keep their folder; files stay where they "
        "are).\n\n"
        "Examples:\n\n"
        "  hfsuite profiles rm comfyui-loras\n\n"
        "  hfsuite profiles rm comfyui-loras --json"
    ),
)
def rm(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=_("The profile's name.")),
    as_json: bool = json_option(),
) -> None:
    removed = _service(ctx).remove(name)
    if as_json:
        print_json(document("profile-change", {"action": "rm", "profile": removed.to_json()}))
        return
    out.print(
        _("Removed {name} ({where}).").format(
            name=escape(removed.name), where=escape(removed.where())
        ),
        markup=True,
    )


def _detect_document(outcome: DetectOutcome) -> dict[str, Any]:
    return document(
        "profile-detect",
        {
            "profiles": [{**p.to_json(), "status": status} for status, p in outcome.results],
            "stale": list(outcome.stale),
            "problems": [english(problem) for problem in outcome.problems],
        },
    )


@app.command(
    "detect",
    help=_(
        "Make one profile per detected tool and model kind (comfyui-loras, "
        "lmstudio-llm…).\n\n"
        "Run it again after installing or moving a tool: profiles it made follow "
        "the tool; a\n"
        "profile you made or replaced is left alone.\n\n"
        "Examples:\n\n"
        "  hfsuite profiles detect\n\n"
        "  hfsuite profiles detect --json"
    ),
)
def detect(ctx: typer.Context, as_json: bool = json_option()) -> None:
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
            _(
                "No tool with a model folder found. Add one that is elsewhere: "
                "hfsuite tools add PATH"
            )
        )
        return
    width = max(len(p.name) for _status, p in outcome.results)
    counts: dict[str, int] = {}
    for status, profile in outcome.results:
        counts[status] = counts.get(status, 0) + 1
        note = _("  [dim](yours, left alone)[/]") if status == "kept" else ""
        shown = _status_text(status)
        shown += " " * max(0, 9 - cell_len(shown))
        out.print(f"{shown} {_line(profile, width)}{note}", markup=True)
    for name in outcome.stale:
        print_warning(
            _("{name}: its tool was not found this time (kept; hfsuite profiles rm {name})").format(
                name=name
            )
        )
    summary = ", ".join(f"{n} {_status_text(s)}" for s, n in counts.items())
    total = len(outcome.results)
    profiles = ngettext("{n} profile", "{n} profiles", total).format(n=total)
    out.print(f"{profiles}: {summary}")
