"""Profiles, and ``--to TOOL:KIND``: downloads that land where a tool expects them.

A profile is a named destination plus download defaults, stored in the database's
``profiles`` table:

* a tool's model folder (``--to comfyui:loras``), kept with the tool's name, type and install
  folder, so a tool that is gone is reported as such;
* any folder (files at their repository paths, as ``--local-dir``);
* the HF cache.

Defaults are the download options worth fixing per destination: ``include``, ``exclude``,
``connections``, ``limit_bps``. A flag given on the command line replaces the profile's value.

``profiles detect`` makes one profile per detected tool and kind that has a download folder,
named ``<tool>-<kind>`` (``comfyui-loras``, ``lmstudio-llm``). It is idempotent, updates the
profiles it made when a tool moved, and never touches a profile a person made or replaced
(``origin`` ``manual``).

How ``--to TOOL:KIND`` names a tool and where files land there: :mod:`hfsuite.app.tool_targets`.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field, replace
from functools import reduce
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hfsuite.app.download.destinations import remember_by_name
from hfsuite.app.tool_targets import (
    ToolTarget,
    check_subfolder,
    find_tool,
    parse_to,
    target_destination,
    tool_target,
)
from hfsuite.app.tools import Detection, ToolRegistry
from hfsuite.core.destination import Destination, DestinationKind
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import joined, tr
from hfsuite.core.types import Layout, RepoRef

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite
    from hfsuite.storage import ProfileRecord

__all__ = [
    "DetectOutcome",
    "DownloadTarget",
    "Profile",
    "ProfileDefaults",
    "ProfileService",
    "ToolTarget",
    "resolve_download_target",
]

PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_DETECTED = "detected:"


# --- values ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileDefaults:
    """Download options a profile fixes (None or empty: not fixed)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    connections: int | None = None
    limit_bps: int | None = None

    def to_json(self) -> dict[str, Any]:
        """As stored and as ``--json`` shows them."""
        return {
            "include": list(self.include),
            "exclude": list(self.exclude),
            "connections": self.connections,
            "limit_bps": self.limit_bps,
        }

    @classmethod
    def from_json(cls, data: Any) -> ProfileDefaults:
        """Read :meth:`to_json`'s form (anything odd is left out)."""
        if not isinstance(data, dict):
            return cls()

        def strings(value: Any) -> tuple[str, ...]:
            return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

        def number(value: Any) -> int | None:
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        return cls(
            strings(data.get("include")),
            strings(data.get("exclude")),
            number(data.get("connections")),
            number(data.get("limit_bps")),
        )


@dataclass(frozen=True)
class Profile:
    """A named destination with download defaults.

    Attributes:
        name: Unique; ``--profile`` takes it.
        kind: ``tool``, ``folder`` or ``hf-cache``.
        path: The tool's kind folder, the folder, or the HF cache root.
        target: For a tool profile: the tool and its folder.
        subfolder: For a tool profile: a folder of its own inside the kind's folder.
        defaults: Download options it fixes.
        origin: ``manual`` (made or replaced by a person) or ``detected:<tool type>``.
        id: Its database id (None before it is stored).
    """

    name: str
    kind: DestinationKind
    path: Path
    target: ToolTarget | None = None
    subfolder: str | None = None
    defaults: ProfileDefaults = field(default_factory=ProfileDefaults)
    origin: str = "manual"
    id: int | None = None
    created_at: float | None = None
    updated_at: float | None = None

    @property
    def detected(self) -> bool:
        """Made by ``profiles detect`` and not changed by a person since."""
        return self.origin.startswith(_DETECTED)

    @property
    def files(self) -> str:
        """How files land: ``by-name`` (a tool folder), ``repo-paths`` or ``hf-cache``."""
        if self.kind is DestinationKind.TOOL_FOLDER:
            return "by-name"
        return "hf-cache" if self.kind is DestinationKind.HF_CACHE else "repo-paths"

    def where(self) -> str:
        """``ComfyUI (comfyui) loras: /p`` or the folder, for people."""
        if self.target is not None:
            folder = self.path / self.subfolder if self.subfolder else self.path
            return f"{self.target.display} {self.target.model_kind}: {folder}"
        label = "HF cache" if self.kind is DestinationKind.HF_CACHE else "folder"
        return f"{label}: {self.path}"

    def to_json(self) -> dict[str, Any]:
        """The ``profile-fields`` object of docs/json.md."""
        target = self.target
        return {
            "name": self.name,
            "kind": self.kind.value,
            "path": str(self.path),
            "tool": target.tool if target else None,
            "tool_type": target.tool_type if target else None,
            "model_kind": target.model_kind if target else None,
            "tool_root": str(target.root) if target else None,
            "subfolder": self.subfolder,
            "files": self.files,
            "exists": (target.root if target else self.path).exists(),
            **self.defaults.to_json(),
            "origin": self.origin,
            "edited": not self.detected,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class DownloadTarget:
    """Where one download goes after ``--profile``/``--to`` are read, with the profile's
    defaults.

    Attributes:
        destination: The destination (a tool folder, a folder, the HF cache).
        defaults: The profile's download defaults (empty for ``--to``).
        profile: The profile used, if any.
        by_name: ``(tool, kind)`` when files go by name (a tool folder).
    """

    destination: Destination
    defaults: ProfileDefaults = field(default_factory=ProfileDefaults)
    profile: Profile | None = None
    by_name: tuple[str, str] | None = None

    def remember(self) -> None:
        """Before the first byte: record in a tool folder that files go there by name, so a
        queued or retried task lays them out the same way (see ``remember_by_name``)."""
        if self.by_name is not None:
            remember_by_name(self.destination.path, *self.by_name)


@dataclass(frozen=True)
class DetectOutcome:
    """What ``profiles detect`` did.

    Attributes:
        results: ``(status, profile)`` per detected tool and kind; status is ``created``,
            ``updated`` (its tool moved), ``unchanged`` or ``kept`` (a person's profile of that
            name, left alone; the profile shown is theirs).
        stale: Detected profiles whose tool was not found this time (kept).
        problems: What detection reported (added folders that no longer hold a tool).
    """

    results: list[tuple[str, Profile]]
    stale: list[str]
    problems: list[str]


# --- the service ---------------------------------------------------------------------------------


def _profile(record: ProfileRecord) -> Profile:
    settings = record.settings or {}
    raw = settings.get("target")
    target = None
    if isinstance(raw, dict) and all(isinstance(raw.get(k), str) for k in ("tool", "tool_type")):
        target = ToolTarget(
            raw["tool"],
            raw["tool_type"],
            str(raw.get("model_kind") or ""),
            Path(str(raw.get("root") or record.destination)),
            Path(record.destination),
        )
    if target is not None:
        kind = DestinationKind.TOOL_FOLDER
    elif record.layout is Layout.HF_CACHE:
        kind = DestinationKind.HF_CACHE
    else:
        kind = DestinationKind.FOLDER
    subfolder = settings.get("subfolder")
    return Profile(
        name=record.name,
        kind=kind,
        path=Path(record.destination),
        target=target,
        subfolder=subfolder if isinstance(subfolder, str) and subfolder else None,
        defaults=ProfileDefaults.from_json(settings.get("defaults")),
        origin=record.origin,
        id=record.id,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def profile_layout(profile: Profile) -> Layout:
    """The ``layout`` column of a profile."""
    return Layout.HF_CACHE if profile.kind is DestinationKind.HF_CACHE else Layout.LOCAL_DIR


def _settings_of(profile: Profile) -> dict[str, Any]:
    data: dict[str, Any] = {"defaults": profile.defaults.to_json()}
    if profile.target is not None:
        t = profile.target
        data["target"] = {
            "tool": t.tool,
            "tool_type": t.tool_type,
            "model_kind": t.model_kind,
            "root": str(t.root),
        }
    if profile.subfolder:
        data["subfolder"] = profile.subfolder
    return data


class ProfileService:
    """Profiles: list, show, add, remove, detect; and reading ``--profile``/``--to``.

    Args:
        suite: The suite (its database and settings).
        registry: The tools (default: detected on this machine, added folders from the settings
            folder).
    """

    def __init__(self, suite: Suite, registry: ToolRegistry | None = None):
        self.suite = suite
        self.registry = registry or suite.tool_registry()  # plugins' detectors too
        self._detection: Detection | None = None

    @property
    def warnings(self) -> list[str]:
        """Problems reading the tools file."""
        return self.registry.warnings

    def detection(self) -> Detection:
        """The tools (detected once per service)."""
        if self._detection is None:
            self._detection = self.registry.detect()
        return self._detection

    # --- reading ---------------------------------------------------------------------------

    def list_profiles(self) -> list[Profile]:
        """Every profile, by name."""
        with self.suite.database.read() as uow:
            return [_profile(r) for r in uow.profiles.list_all()]

    def get(self, name: str) -> Profile:
        """The profile ``name``.

        Raises:
            UsageError: no such profile (with the closest names).
        """
        with self.suite.database.read() as uow:
            record = uow.profiles.get_by_name(name.strip())
            if record is not None:
                return _profile(record)
            names = [r.name for r in uow.profiles.list_all()]
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        hint = (
            tr("hfsuite profiles ls lists them; hfsuite profiles detect makes one per tool folder.")
            if names
            else tr("There are none yet: hfsuite profiles detect makes one per tool folder.")
        )
        message = tr("No profile named {name}.", name=repr(name))
        if close:
            either = reduce(lambda a, b: tr("{a} or {b}", a=a, b=b), close)
            message = joined(message, tr("Did you mean {names}?", names=either))
        raise UsageError(message, hint=hint)

    # --- changing ----------------------------------------------------------------------------

    def build(
        self,
        name: str,
        *,
        to: str | None = None,
        folder: Path | None = None,
        hf_cache: bool = False,
        subfolder: str | None = None,
        defaults: ProfileDefaults | None = None,
    ) -> Profile:
        """A manual profile from ``profiles add``'s options (not stored).

        Raises:
            UsageError: a bad name, not exactly one of ``to``/``folder``/``hf_cache``, an
                unknown tool or kind, or a subfolder for a destination other than a tool.
        """
        name = name.strip()
        if not PROFILE_NAME.fullmatch(name):
            raise UsageError(
                tr("{name} is not a profile name.", name=repr(name)),
                hint=tr("Letters, digits, '-', '_' and '.', starting with a letter or digit."),
            )
        given = (("--to", to), ("--folder", folder), ("--hf-cache", hf_cache))
        chosen = [flag for flag, value in given if value]
        if len(chosen) != 1:
            raise UsageError(
                tr("A profile needs one destination: --to TOOL:KIND, --folder PATH or --hf-cache.")
                if not chosen
                else tr("Give only one of {flags}.", flags=", ".join(chosen)),
                hint=tr("For example: hfsuite profiles add my-loras --to comfyui:loras"),
            )
        defaults = defaults or ProfileDefaults()
        if to is not None:
            tool_text, kind = parse_to(to)
            target = tool_target(find_tool(self.detection(), tool_text), kind)
            sub = check_subfolder(subfolder)
            target_destination(target, None, sub)  # refuses a subfolder LM Studio cannot use
            return Profile(name, DestinationKind.TOOL_FOLDER, target.folder, target, sub, defaults)
        if subfolder is not None:
            raise UsageError(
                tr("--subfolder applies to a tool's folder (--to TOOL:KIND)."),
                hint=tr("For a folder, give the folder itself with --folder."),
            )
        if folder is not None:
            path = Path(os.path.abspath(folder.expanduser()))
            if path.exists() and not path.is_dir():
                raise UsageError(tr("{path} is a file, not a folder.", path=path))
            return Profile(name, DestinationKind.FOLDER, path, defaults=defaults)
        cache = Path(os.path.abspath(self.suite.settings.hub_cache.expanduser()))
        return Profile(name, DestinationKind.HF_CACHE, cache, defaults=defaults)

    def add(self, profile: Profile, *, replace_existing: bool = False) -> tuple[bool, Profile]:
        """Store ``profile`` (as made by a person: ``origin`` manual). Returns whether an
        existing profile of that name was replaced, and the stored profile.

        Raises:
            UsageError: the name is taken and ``replace_existing`` is not set.
        """
        from hfsuite.storage import ProfileSpec

        spec = ProfileSpec(
            name=profile.name,
            destination=str(profile.path),
            layout=profile_layout(profile),
            settings=_settings_of(profile),
            origin="manual",
        )
        with self.suite.database.write() as uow:
            existing = uow.profiles.get_by_name(profile.name)
            if existing is not None and not replace_existing:
                raise UsageError(
                    tr("A profile named {name} already exists.", name=repr(profile.name)),
                    hint=tr("Choose another name, or add --replace to replace it."),
                )
            if existing is not None:
                return True, _profile(uow.profiles.update(existing.id, spec))
            return False, _profile(uow.profiles.create(spec))

    def remove(self, name: str) -> Profile:
        """Delete the profile ``name`` (queued tasks keep their folder).

        Raises:
            UsageError: no such profile.
        """
        profile = self.get(name)
        assert profile.id is not None
        with self.suite.database.write() as uow:
            uow.profiles.delete(profile.id)
        return profile

    def detect(self) -> DetectOutcome:
        """One profile per detected tool and kind with a download folder (see the module)."""
        from hfsuite.storage import ProfileSpec

        detection = self.detection()
        wanted: list[Profile] = []
        for tool in detection.tools:
            if tool.kind == "ollama":
                continue
            for kind in sorted(tool.default_folder):
                target = tool_target(tool, kind)
                wanted.append(
                    Profile(
                        f"{tool.name}-{kind}",
                        DestinationKind.TOOL_FOLDER,
                        target.folder,
                        target,
                        origin=f"{_DETECTED}{tool.kind}",
                    )
                )
        results: list[tuple[str, Profile]] = []
        with self.suite.database.write() as uow:
            names = {p.name for p in wanted}
            stale = [
                r.name
                for r in uow.profiles.list_all()
                if r.origin.startswith(_DETECTED) and r.name not in names
            ]
            for profile in wanted:
                record = uow.profiles.get_by_name(profile.name)
                spec = ProfileSpec(
                    name=profile.name,
                    destination=str(profile.path),
                    layout=Layout.LOCAL_DIR,
                    settings=_settings_of(profile),
                    origin=profile.origin,
                )
                if record is None:
                    results.append(("created", _profile(uow.profiles.create(spec))))
                    continue
                existing = _profile(record)
                if not existing.detected:
                    results.append(("kept", existing))
                elif replace(existing, id=None, created_at=None, updated_at=None) == profile:
                    results.append(("unchanged", existing))
                else:
                    results.append(("updated", _profile(uow.profiles.update(record.id, spec))))
        return DetectOutcome(results, stale, list(detection.problems))

    # --- using -------------------------------------------------------------------------------

    def target_of(self, to: str, subfolder: str | None = None) -> tuple[ToolTarget, str | None]:
        """The tool folder ``--to TOOL:KIND`` names (``subfolder`` checked)."""
        tool_text, kind = parse_to(to)
        return tool_target(find_tool(self.detection(), tool_text), kind), check_subfolder(subfolder)

    def profile_destination(
        self, profile: Profile, ref: RepoRef | None, subfolder: str | None = None
    ) -> DownloadTarget:
        """Where a download of ``ref`` with ``profile`` goes.

        Raises:
            UsageError: the tool's install folder is gone; a subfolder for a destination other
                than a tool folder.
        """
        if profile.target is None:
            if subfolder is not None:
                raise UsageError(
                    tr(
                        "--subfolder applies to a tool's folder; profile {name} is a {kind} "
                        "destination.",
                        name=profile.name,
                        kind=profile.kind.value,
                    ),
                    hint=tr("Leave --subfolder out, or use --to TOOL:KIND."),
                )
            if profile.kind is DestinationKind.HF_CACHE:
                destination = Destination.hf_cache(profile.path)
            else:
                destination = Destination.folder(profile.path)
            return DownloadTarget(destination, profile.defaults, profile)
        target = profile.target
        if not target.root.exists():
            raise UsageError(
                tr(
                    "The tool of profile {name} is gone: {tool} was at {root} ({kind}: {folder}).",
                    name=profile.name,
                    tool=target.display,
                    root=target.root,
                    kind=target.model_kind,
                    folder=target.folder,
                ),
                hint=tr(
                    "Find the tools again with `hfsuite profiles detect`, or remove it: "
                    "hfsuite profiles rm {name}",
                    name=profile.name,
                ),
            )
        sub = check_subfolder(subfolder) if subfolder is not None else profile.subfolder
        destination = target_destination(target, ref, sub)
        return DownloadTarget(
            destination, profile.defaults, profile, (target.tool, target.model_kind)
        )


def resolve_download_target(
    suite: Suite,
    ref: RepoRef | None,
    *,
    profile: str | None = None,
    to: str | None = None,
    subfolder: str | None = None,
    chosen: Destination | None = None,
    service: ProfileService | None = None,
) -> DownloadTarget | None:
    """Where a download goes when it names a profile or a tool: what the command line
    (``download``, ``queue add``) and the window call with the same options.

    Args:
        suite: The suite.
        ref: The repository (LM Studio's folder is named after it; None: not known yet).
        profile: ``--profile NAME``.
        to: ``--to TOOL:KIND``.
        subfolder: ``--subfolder NAME`` (a folder inside the tool's folder).
        chosen: The destination ``--local-dir``/``--cache-dir`` named, if any (it cannot be
            given with a profile or a tool).
        service: A profile service to reuse (tests give one with their own tools).

    Returns:
        None when neither ``profile`` nor ``to`` is given (then ``chosen`` or the default
        applies); else the destination and the profile's defaults.

    Raises:
        UsageError: both given, or with ``--local-dir``/``--cache-dir``; an unknown profile,
            tool or kind; an ambiguous tool; Ollama; a tool folder that is gone.
    """
    if profile is None and to is None:
        if subfolder is not None:
            raise UsageError(
                tr("--subfolder applies with --to TOOL:KIND or --profile NAME."),
                hint=tr("With --local-dir, give the folder itself."),
            )
        return None
    if profile is not None and to is not None:
        raise UsageError(
            tr("--profile and --to both say where the files go; give one."),
            hint=tr("A profile already names its tool folder (hfsuite profiles show NAME)."),
        )
    flag = "--profile" if profile is not None else "--to"
    if chosen is not None:
        other = "--cache-dir" if chosen.is_hf_cache else "--local-dir"
        raise UsageError(
            tr("{flag} and {other} both say where the files go; give one.", flag=flag, other=other),
            hint=tr("Leave {other} out to use the profile's folder.", other=other)
            if profile
            else tr("Leave {other} out to use the tool's folder.", other=other),
        )
    service = service or ProfileService(suite)
    if profile is not None:
        return service.profile_destination(service.get(profile), ref, subfolder)
    assert to is not None
    target, sub = service.target_of(to, subfolder)
    return DownloadTarget(
        target_destination(target, ref, sub), by_name=(target.tool, target.model_kind)
    )
