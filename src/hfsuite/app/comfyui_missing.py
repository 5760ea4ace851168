"""``hfsuite comfyui missing``: which models of a workflow a ComfyUI install lacks, and where
each can be downloaded from.

Every active reference is looked for as ComfyUI would (:mod:`hfsuite.integrations.comfyui.
search_paths`), then in the library index (a file with that name or the declared hash
elsewhere on disk: ``elsewhere``). A missing one is resolved, first answer wins: the URL the
workflow declares, the known-models index, the download history, the library's provenance,
a Hub search (:mod:`hfsuite.integrations.comfyui.resolve`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from hfsuite.app.comfyui_refs import workflow_refs
from hfsuite.app.tools import DetectedTool, ToolRegistry
from hfsuite.config.settings import APP_NAME
from hfsuite.core.errors import HfSuiteError, UsageError
from hfsuite.core.i18n import tr
from hfsuite.integrations.comfyui.known_models import KnownIndex, read_index_file, shipped_index
from hfsuite.integrations.comfyui.names import basename, canonical_folder
from hfsuite.integrations.comfyui.refs import ModelRef
from hfsuite.integrations.comfyui.resolve import (
    Candidate,
    RepoListing,
    candidate_from_url,
    family_of,
    rank_search,
    search_queries,
)
from hfsuite.integrations.comfyui.search_paths import find_present, place
from hfsuite.integrations.tools.detect import detect_at

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite
    from hfsuite.storage.records import HistoryRecord

log = logging.getLogger(__name__)

__all__ = [
    "KNOWN_MODELS_ENV",
    "Candidate",
    "MissingItem",
    "MissingReport",
    "SearchLimits",
    "check_missing",
    "known_indexes",
    "pick_comfyui",
]

KNOWN_MODELS_ENV = "HFSUITE_KNOWN_MODELS"
"""A known-models index file looked up before the user's and the shipped one."""

USER_INDEX = "known_models.json"
_MODEL_SUFFIXES = (".safetensors", ".sft", ".ckpt", ".pt", ".pth", ".bin", ".gguf", ".onnx")


@dataclass(frozen=True)
class SearchLimits:
    """How much a Hub search may ask: searches and listings per name, workers, seconds."""

    queries: int = 4
    listings: int = 6
    per_page: int = 20
    workers: int = 4
    timeout_s: float = 30.0


@dataclass
class MissingItem:
    """One reference checked (see docs/comfyui.md for each status)."""

    ref: ModelRef
    status: str
    found_at: Path | None = None
    destination: Path | None = None
    resolution: Candidate | None = None
    candidates: list[Candidate] = field(default_factory=list)
    reason: str | None = None


@dataclass
class MissingReport:
    """What ``missing`` found for one workflow and one install."""

    path: str
    tool: DetectedTool
    items: list[MissingItem]
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(
            ("present", "elsewhere", "missing", "resolved", "unresolved", "refused", "inactive"), 0
        )
        for item in self.items:
            counts[item.status] += 1
            if item.status == "missing":
                counts["resolved" if item.resolution else "unresolved"] += 1
        return counts

    @property
    def missing(self) -> list[MissingItem]:
        return [i for i in self.items if i.status == "missing"]


# --- which install ---------------------------------------------------------------------------


def _looks_like_path(text: str) -> bool:
    return text.startswith(("~", ".", "/")) or os.sep in text or "/" in text or "\\" in text


def pick_comfyui(suite: Suite, comfyui: str | None) -> DetectedTool:
    """The ComfyUI install ``--comfyui`` names (a folder, or a name from ``tools ls``), else
    the only one known.

    Raises:
        UsageError: no such folder, not a ComfyUI folder, no install known, several known.
    """
    registry = ToolRegistry(suite.store.path.parent)
    if comfyui is not None and (_looks_like_path(comfyui) or Path(comfyui).expanduser().is_dir()):
        folder = Path(os.path.abspath(Path(comfyui).expanduser()))
        if not folder.is_dir():
            raise UsageError(
                tr("--comfyui {comfyui}: no such folder.", comfyui=comfyui),
                hint=tr("Give the ComfyUI install folder (the one holding main.py and models/)."),
            )
        tool = detect_at(folder, registry.host, "comfyui")
        if tool is None:
            raise UsageError(
                tr(
                    "{folder} is not a ComfyUI install (no main.py, folder_paths.py and comfy/).",
                    folder=folder,
                ),
                hint=tr("Give the ComfyUI install folder, or its portable build's folder."),
            )
        return tool
    tools = [t for t in registry.detect().tools if t.kind == "comfyui"]
    if comfyui is not None:
        for tool in tools:
            if tool.name == comfyui:
                return tool
        names = ", ".join(t.name for t in tools) or "none"
        raise UsageError(
            tr(
                "--comfyui {comfyui}: no ComfyUI install has that name (known: {names}).",
                comfyui=comfyui,
                names=names,
            ),
            hint=tr("hfsuite tools ls lists them; or give the install folder."),
        )
    if not tools:
        raise UsageError(
            tr("No ComfyUI install was found."),
            hint=tr("Name it with --comfyui PATH, or add it once with hfsuite tools add PATH."),
        )
    if len(tools) > 1:
        listed = "; ".join(f"{t.name} ({t.root})" for t in tools)
        raise UsageError(
            tr("{count} ComfyUI installs are known: {listed}.", count=len(tools), listed=listed),
            hint=tr("Say which with --comfyui NAME or --comfyui PATH."),
        )
    return tools[0]


# --- the known-models indexes -----------------------------------------------------------------


def user_index_path() -> Path:
    """``<data dir>/known_models.json`` (written by scripts/refresh_known_models.py)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / USER_INDEX


def known_indexes(warnings: list[str] | None = None) -> list[KnownIndex]:
    """The indexes in lookup order: ``$HFSUITE_KNOWN_MODELS``, the user's, the shipped one.
    One that cannot be read is skipped with a warning."""
    found: list[KnownIndex] = []
    paths = [Path(p) for p in [os.environ.get(KNOWN_MODELS_ENV, "").strip()] if p]
    paths.append(user_index_path())
    for path in paths:
        if not path.is_file():
            if path != user_index_path() and warnings is not None:
                warnings.append(f"The known-models index {path} ({KNOWN_MODELS_ENV}) is missing.")
            continue
        try:
            found.append(read_index_file(path))
        except (OSError, ValueError) as exc:
            if warnings is not None:
                warnings.append(f"The known-models index {path} is skipped: {exc}.")
    shipped = shipped_index()
    if shipped is not None:
        found.append(shipped)
    return found


# --- presence ---------------------------------------------------------------------------------


@dataclass
class _Library:
    """The library index by file name and hash, read once (None when it cannot be opened)."""

    by_name: dict[str, list[tuple[str, list[tuple[str, str, str]]]]]
    suite: Suite | None
    #: Answers already looked up (a workflow often names one file from many nodes).
    hashes: dict[str, list[str]] = field(default_factory=dict)

    def by_hash(self, digest: str) -> list[str]:
        if self.suite is None:
            return []
        if digest not in self.hashes:
            try:
                self.hashes[digest] = [r.path for r in self.suite.library.find_by_hash(digest)]
            except HfSuiteError:
                self.hashes[digest] = []
        return self.hashes[digest]


def _library(suite: Suite, names: set[str], warnings: list[str]) -> _Library:
    from hfsuite.storage.library_records import LibraryQuery

    by_name: dict[str, list[tuple[str, list[tuple[str, str, str]]]]] = {}
    try:
        for record in suite.library.stream(LibraryQuery(models_only=True)):
            name = basename(record.path).lower()
            if name in names:
                refs = [(r.repo_id, r.revision, r.path) for r in record.hf_refs]
                by_name.setdefault(name, []).append((record.path, refs))
    except HfSuiteError as exc:
        warnings.append(f"The library index was not consulted: {exc.message}")
        return _Library({}, None)
    return _Library(by_name, suite)


def _inside(path: Path, folders: Iterable[Path]) -> bool:
    real = os.path.realpath(path)
    for folder in folders:
        base = os.path.realpath(folder)
        if real == base or real.startswith(base.rstrip(os.sep) + os.sep):
            return True
    return False


def _elsewhere(item: MissingItem, library: _Library, searched: list[Path]) -> Path | None:
    ref = item.ref
    paths: list[str] = []
    if ref.hash and (ref.hash_type in (None, "sha256", "autov2")):
        paths += library.by_hash(ref.hash)
    wanted = basename(ref.value).lower()
    paths += [p for p, _ in library.by_name.get(wanted, []) if basename(p).lower() == wanted]
    for text in paths:
        path = Path(text)
        if path.is_file() and not _inside(path, searched):
            return path
    return None


# --- resolvers --------------------------------------------------------------------------------


def _hosts(suite: Suite) -> tuple[str, ...]:
    parts = urlsplit(suite.settings.endpoint)
    return tuple(h for h in (parts.netloc.lower(), (parts.hostname or "").lower()) if h)


def _from_workflow(ref: ModelRef, hosts: tuple[str, ...]) -> list[Candidate]:
    if not ref.url:
        return []
    digest = ref.hash if ref.hash_type in (None, "sha256") and ref.hash else None
    found = candidate_from_url(ref.url, "workflow", "high", sha256=digest, extra_hosts=hosts)
    return [found] if found else []


def _from_index(
    ref: ModelRef, indexes: list[KnownIndex], hosts: tuple[str, ...]
) -> list[Candidate]:
    for index in indexes:
        found = index.lookup(ref.value, ref.folder, hosts)
        if found:
            return found
    return []


def _history(suite: Suite, warnings: list[str]) -> list[HistoryRecord]:
    """The latest completed downloads (newest first)."""
    from hfsuite.app.history_ops import find_history
    from hfsuite.core.types import Outcome
    from hfsuite.storage.records import HistoryQuery

    try:
        return find_history(suite.database, HistoryQuery(outcomes=(Outcome.COMPLETED,), limit=5000))
    except HfSuiteError as exc:
        warnings.append(f"The download history was not consulted: {exc.message}")
        return []


def _from_history(records: list[HistoryRecord], name: str) -> list[Candidate]:
    from hfsuite.core.types import SourceKind

    found: list[Candidate] = []
    for record in records:
        for entry in record.files:
            if basename(entry.path) != name:
                continue
            if record.source is SourceKind.HUGGINGFACE and record.repo_id:
                found.append(
                    Candidate(
                        "history", "medium", "hub", record.repo_id, record.revision, entry.path,
                        size=entry.size_bytes, sha256=entry.sha256,
                        note=f"downloaded before (history #{record.id})",
                    )
                )  # fmt: skip
            elif record.source is SourceKind.URL and record.url:
                found.append(
                    Candidate("history", "medium", "url", url=record.url, size=entry.size_bytes,
                              sha256=entry.sha256, note=f"history #{record.id}")
                )  # fmt: skip
    unique: dict[tuple[str, str | None, str | None, str | None], Candidate] = {}
    for candidate in found:
        unique.setdefault(candidate.key, candidate)
    return list(unique.values())


def _from_library(library: _Library, name: str) -> list[Candidate]:
    found: dict[tuple[str, str | None, str | None, str | None], Candidate] = {}
    for _path, refs in library.by_name.get(name.lower(), []):
        for repo_id, revision, path in refs:
            if basename(path) == name:
                candidate = Candidate(
                    "library", "medium", "hub", repo_id, revision, path,
                    note="the library knows this file from the HF cache",
                )  # fmt: skip
                found.setdefault(candidate.key, candidate)
    return list(found.values())


SearchFn = Callable[[str], list[Candidate]]


def hub_search(suite: Suite, limits: SearchLimits, warnings: list[str]) -> SearchFn:
    """A Hub search by file name (see :func:`search_file`), with the suite's endpoint and token."""
    from hfsuite.app.accounts import hub_source

    source = hub_source(suite)

    def run(name: str) -> list[Candidate]:
        return search_file(source, name, limits, warnings)

    return run


def search_file(
    source: object, name: str, limits: SearchLimits, warnings: list[str]
) -> list[Candidate]:
    """Search the Hub for repositories whose id relates to ``name``, list the best few, and
    keep the files named exactly ``name`` (ranked by :func:`rank_search`)."""
    from hfsuite.core.types import RepoRef, RepoType, SourceKind
    from hfsuite.sources import hub_catalog

    queries: list[tuple[str, str | None]] = [(q, None) for q in search_queries(name)]
    family = family_of(name)
    if family:
        queries.append((family, "Comfy-Org"))
    queries = queries[: limits.queries]

    def one_search(query: str, author: str | None) -> list[tuple[str, int]]:
        url, params = hub_catalog.search_url(
            source,  # type: ignore[arg-type]
            query,
            author=author,
            sort="downloads",
            limit=limits.per_page,
        )
        raw = hub_catalog.fetch_search_page(source, url, params)  # type: ignore[arg-type]
        page = hub_catalog.parse_search_page(raw)
        return [(hit.id, hit.downloads) for hit in page.hits]

    def one_listing(repo_id: str, downloads: int) -> RepoListing:
        ref = RepoRef(repo_id, RepoType.MODEL, None, SourceKind.HUGGINGFACE)
        details = hub_catalog.parse_repo_info(
            hub_catalog.fetch_repo_info(source, ref),  # type: ignore[arg-type]
            ref,
        )
        files = tuple((f.path, f.size, f.sha256) for f in details.files)
        return RepoListing(repo_id, details.downloads or downloads, files)

    pool = ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix="hfsuite-search")
    try:
        hits: dict[str, int] = {}
        futures = [pool.submit(one_search, q, a) for q, a in queries]
        done, pending = wait(futures, timeout=limits.timeout_s)
        for future in futures:
            if future in done and future.exception() is None:
                for repo_id, downloads in future.result():
                    hits.setdefault(repo_id, downloads)
            elif future in done:
                _warn(warnings, f"A Hub search for {name} failed: {_why(future.exception())}")
        if pending:
            _warn(warnings, f"The Hub search for {name} timed out after {limits.timeout_s:g} s.")
        if not hits:
            return []
        probe = rank_search(
            name, [RepoListing(r, d, ((name, None, None),)) for r, d in hits.items()]
        )
        order = [c.repo_id for c in probe if c.repo_id]
        listings_f = [pool.submit(one_listing, r, hits[r]) for r in order[: limits.listings]]
        got, late = wait(listings_f, timeout=limits.timeout_s)
        listings = [f.result() for f in listings_f if f in got and f.exception() is None]
        if late:
            _warn(warnings, f"Listing repositories for {name} timed out.")
        return rank_search(name, listings)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _why(exc: BaseException | None) -> str:
    if isinstance(exc, HfSuiteError):
        return exc.message
    return str(exc) or exc.__class__.__name__


def _warn(warnings: list[str], text: str) -> None:
    if text not in warnings:
        warnings.append(text)


# --- the check --------------------------------------------------------------------------------


def _destination_name(value: str, candidate: Candidate | None) -> str:
    """An embedding named without extension gets the extension of the file resolved for it."""
    if candidate is None or value.lower().endswith(_MODEL_SUFFIXES):
        return value
    source_name = basename(candidate.file or urlsplit(candidate.url or "").path)
    stem, dot, ext = source_name.rpartition(".")
    if dot and stem.lower() == basename(value).lower():
        return f"{value}.{ext}"
    return value


def check_missing(
    suite: Suite,
    file: Path,
    comfyui: str | None = None,
    *,
    search: SearchFn | None = None,
    limits: SearchLimits | None = None,
    use_search: bool = True,
) -> MissingReport:
    """Check every reference of ``file`` against the ComfyUI install ``comfyui`` names, and
    resolve the missing ones.

    Raises:
        WorkflowError: the file cannot be read or is not a workflow (exit 2).
        UsageError: see :func:`pick_comfyui`.
    """
    found = workflow_refs(file)
    tool = pick_comfyui(suite, comfyui)
    warnings = list(found.warnings)
    items: list[MissingItem] = []
    for ref in found.refs:
        items.append(_check_one(tool, ref))
    missing = [i for i in items if i.status == "missing"]
    if not missing:
        return MissingReport(str(file), tool, items, warnings)
    names = {basename(i.ref.value).lower() for i in missing}
    names |= {n + ext for n in names for ext in (".safetensors", ".pt", ".bin")}
    library = _library(suite, names, warnings)
    for item in missing:
        searched = [p for fs in tool.folders.values() for p in fs]
        elsewhere = _elsewhere(item, library, searched)
        if elsewhere is not None:
            item.status, item.found_at, item.destination = "elsewhere", elsewhere, None
    missing = [i for i in items if i.status == "missing"]
    hosts = _hosts(suite)
    indexes = known_indexes(warnings) if missing else []
    searches: dict[str, list[Candidate]] = {}
    history: list[HistoryRecord] | None = None
    for item in missing:
        name = basename(item.ref.value)
        candidates = _from_workflow(item.ref, hosts) or _from_index(item.ref, indexes, hosts)
        if not candidates:
            history = _history(suite, warnings) if history is None else history
            candidates = _from_history(history, name) or _from_library(library, name)
        if not candidates and use_search and "." in name:
            if suite.settings.offline:
                _warn(warnings, "Offline: the Hub was not searched.")
            else:
                if name not in searches:
                    run = search or hub_search(suite, limits or SearchLimits(), warnings)
                    search = run
                    searches[name] = run(name)
                candidates = searches[name]
        _settle(tool, item, candidates)
    return MissingReport(str(file), tool, items, warnings)


def _check_one(tool: DetectedTool, ref: ModelRef) -> MissingItem:
    if ref.refused is not None:
        return MissingItem(ref, "refused", reason=ref.refused)
    if not ref.active:
        return MissingItem(ref, "inactive")
    key = canonical_folder(ref.folder)
    if key is None:
        for folder_key in tool.folders:
            present = find_present(tool.folders, folder_key, ref.value)
            if present is not None:
                return MissingItem(ref, "present", found_at=present)
        return MissingItem(
            ref, "refused", reason="no ComfyUI model folder is known for this reference"
        )
    present = find_present(tool.folders, key, ref.value)
    if present is not None:
        return MissingItem(ref, "present", found_at=present)
    if tool.default_folder.get(key) is None:
        return MissingItem(ref, "refused", reason=f"this ComfyUI has no folder for {key}")
    where = place(tool.default_folder[key], ref.value)
    if where.refused is not None:
        return MissingItem(ref, "refused", reason=where.refused)
    return MissingItem(ref, "missing", destination=where.path)


def _settle(tool: DetectedTool, item: MissingItem, candidates: list[Candidate]) -> None:
    """Give ``item`` its best candidate, the close others, and its destination."""
    if not candidates:
        item.reason = (
            "no URL in the workflow, not in the known-models index, the history or the "
            "library, and no Hub repository has a file of this name"
        )
        return
    best = candidates[0]
    item.resolution = best
    item.candidates = list(candidates[1:6])
    key = canonical_folder(item.ref.folder)
    name = _destination_name(item.ref.value, best)
    if key is not None and name != item.ref.value:
        where = place(tool.default_folder[key], name)
        if where.refused is None:
            item.destination = where.path
    if best.confidence == "low":
        item.resolution = replace(best, note=best.note or "several repositories are close")
