"""Where a missing model can be downloaded from: the candidates and how they are ranked.

Pure: the caller asks the Hub, the index and the history; this module reads URLs, makes the
search words of a file name, and ranks what came back.

A :class:`Candidate` is one answer: a file of a Hub repository (``kind="hub"``) or a plain URL
(``kind="url"``), with where the answer came from (``source``: ``workflow``, ``index``,
``history``, ``library``, ``search``) and how sure it is (``confidence``: ``high``, ``medium``,
``low``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import unquote, urlsplit

__all__ = [
    "FAMILY_ORGS",
    "Candidate",
    "HubFile",
    "RepoListing",
    "candidate_from_url",
    "family_of",
    "parse_hf_url",
    "preference",
    "rank_search",
    "search_queries",
]

HF_HOSTS = ("huggingface.co", "www.huggingface.co", "hf.co")
"""Hosts whose ``/ORG/REPO/resolve/REV/PATH`` URLs are Hub files (plus the configured endpoint)."""

OFFICIAL_REPACKAGERS = ("comfy-org",)
"""Owners that repackage models for ComfyUI's folders (split_files/<key>/…)."""

FAMILY_ORGS: dict[str, tuple[str, ...]] = {
    "wan": ("wan-ai",),
    "flux": ("black-forest-labs",),
    "sd": ("stabilityai",),
    "sdxl": ("stabilityai",),
    "sd3": ("stabilityai",),
    "stable": ("stabilityai",),
    "qwen": ("qwen",),
    "hunyuan": ("tencent",),
    "hunyuanvideo": ("tencent",),
    "ltx": ("lightricks",),
    "ltxv": ("lightricks",),
    "hidream": ("hidream-ai",),
    "cosmos": ("nvidia",),
    "lumina": ("alpha-vllm",),
    "mochi": ("genmo",),
    "omnigen": ("shitao",),
    "chroma": ("lodestones",),
    "ace": ("ace-step",),
    "umt5": ("google",),
    "t5xxl": ("google",),
}
"""The first word of a file name -> the organisations that publish that model family."""

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_WORD = re.compile(r"[a-z]+", flags=re.IGNORECASE)
_SPLIT = re.compile(r"[\s_\-.]+")
_EXT = re.compile(r"\.(safetensors|sft|ckpt|pt|pt2|pth|bin|pkl|gguf|onnx)$", flags=re.IGNORECASE)


@dataclass(frozen=True)
class HubFile:
    """A file of a Hub repository named by a URL."""

    repo_id: str
    revision: str | None
    path: str
    repo_type: str = "model"


@dataclass(frozen=True)
class Candidate:
    """One place a missing file can be downloaded from.

    Attributes:
        source: ``workflow``, ``index``, ``history``, ``library`` or ``search``.
        confidence: ``high``, ``medium`` or ``low``.
        kind: ``hub`` (``repo_id``/``revision``/``file``) or ``url``.
        url: The download URL (for ``hub`` the Hub's resolve URL when known).
        size: Bytes, when known.
        sha256: Lower-case hex, when known.
        downloads: The repository's downloads (search only).
        note: Why this candidate (for people).
    """

    source: str
    confidence: str
    kind: str
    repo_id: str | None = None
    revision: str | None = None
    file: str | None = None
    url: str | None = None
    size: int | None = None
    sha256: str | None = None
    downloads: int | None = None
    note: str | None = None

    @property
    def key(self) -> tuple[str, str | None, str | None, str | None]:
        """What makes two candidates the same download."""
        if self.kind == "hub":
            return ("hub", self.repo_id, self.file, None)
        return ("url", None, None, self.url)

    def with_confidence(self, confidence: str) -> Candidate:
        return replace(self, confidence=confidence)


@dataclass(frozen=True)
class RepoListing:
    """A Hub repository a search found, with its files (path, size, sha256)."""

    repo_id: str
    downloads: int = 0
    files: tuple[tuple[str, int | None, str | None], ...] = field(default_factory=tuple)


def parse_hf_url(url: str, extra_hosts: Iterable[str] = ()) -> HubFile | None:
    """``https://huggingface.co/ORG/REPO/resolve/REV/PATH`` (or ``hf.co``, or a host of
    ``extra_hosts``; ``/blob/`` too) as a Hub file; None for any other URL.

    Datasets (``/datasets/ORG/REPO/…``) are read too. A path with ``..`` or an empty part is
    not a Hub file.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    hosts = {h.lower() for h in (*HF_HOSTS, *extra_hosts) if h}
    host = parts.hostname.lower()
    netloc = parts.netloc.lower().rsplit("@", 1)[-1]
    if host not in hosts and netloc not in hosts:
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    repo_type = "model"
    if segments and segments[0] in ("datasets", "spaces"):
        repo_type = segments[0][:-1]
        segments = segments[1:]
    if len(segments) < 5 or segments[2] not in ("resolve", "blob"):
        return None
    org, name, _, revision, *path = segments
    if any(p in ("", ".", "..") for p in (org, name, *path)):
        return None
    return HubFile(f"{org}/{name}", revision or None, "/".join(path), repo_type)


def candidate_from_url(
    url: str,
    source: str,
    confidence: str,
    *,
    sha256: str | None = None,
    size: int | None = None,
    extra_hosts: Iterable[str] = (),
    note: str | None = None,
) -> Candidate | None:
    """A candidate for a download URL: a Hub file when the URL is one, else a plain URL
    (``http``/``https`` only; anything else is None)."""
    digest = sha256.lower() if sha256 and _HEX64.match(sha256.lower()) else None
    hub = parse_hf_url(url, extra_hosts)
    if hub is not None and hub.repo_type == "model":
        return Candidate(
            source, confidence, "hub", hub.repo_id, hub.revision, hub.path, url, size, digest,
            note=note,
        )  # fmt: skip
    try:
        scheme = urlsplit(url.strip()).scheme
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    return Candidate(
        source, confidence, "url", url=url.strip(), size=size, sha256=digest, note=note
    )


def _stem(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return _EXT.sub("", base)


def family_of(name: str) -> str | None:
    """The model family a file name starts with (``wan2.2_t2v…`` -> ``wan``), or None."""
    match = _WORD.match(_stem(name))
    if match is None or len(match.group(0)) < 2:
        return None
    return match.group(0).lower()


def search_queries(name: str, limit: int = 3) -> list[str]:
    """A few Hub search words for a file name, most specific first: the name without its
    extension, its first two words, the family word."""
    stem = _stem(name)
    words = [w for w in _SPLIT.split(stem) if w]
    queries: list[str] = []
    for query in (
        stem,
        "_".join(words[:2]) if len(words) > 2 else None,
        family_of(name),
    ):
        if query and len(query) >= 2 and query not in queries:
            queries.append(query)
    return queries[:limit]


def preference(repo_id: str, family: str | None) -> int:
    """How much a repository is preferred before downloads count: official repackagers
    (Comfy-Org), ``*repackaged*`` repositories, the model family's own organisation."""
    owner, _, repo = repo_id.lower().partition("/")
    score = 0
    if owner in OFFICIAL_REPACKAGERS:
        score += 4
    if "repackaged" in repo:
        score += 2
    if family is not None:
        if owner in FAMILY_ORGS.get(family, ()):
            score += 2
        elif family in owner:
            score += 1
    return score


def rank_search(name: str, listings: Sequence[RepoListing]) -> list[Candidate]:
    """The files of ``listings`` named exactly like ``name`` (in any subfolder), best first.

    Order: :func:`preference` (Comfy-Org, repackaged, the family's organisation), then downloads,
    then the shallower path. Confidence: ``medium`` for the only match, or when the best is
    preferred over the next by its owner/name, or has ten times its downloads; ``low`` when
    several are close.
    """
    wanted = name.replace("\\", "/").rsplit("/", 1)[-1]
    family = family_of(wanted)
    found: list[tuple[tuple[int, int, int, str], Candidate]] = []
    seen: set[tuple[str, str]] = set()
    for listing in listings:
        for path, size, sha256 in listing.files:
            if path.rsplit("/", 1)[-1] != wanted or (listing.repo_id, path) in seen:
                continue
            seen.add((listing.repo_id, path))
            prior = preference(listing.repo_id, family)
            candidate = Candidate(
                "search", "low", "hub", listing.repo_id, None, path, None, size,
                sha256.lower() if sha256 else None, listing.downloads,
            )  # fmt: skip
            found.append(
                ((-prior, -listing.downloads, path.count("/"), listing.repo_id), candidate)
            )
    found.sort(key=lambda item: item[0])
    ranked = [c for _, c in found]
    if not ranked:
        return []
    if len(found) == 1:
        return [ranked[0].with_confidence("medium")]
    (best_prior, best_dl, *_), (next_prior, next_dl, *_) = found[0][0], found[1][0]
    clear = best_prior < next_prior or -best_dl >= 10 * max(1, -next_dl)
    same_file = ranked[0].sha256 is not None and all(
        c.sha256 == ranked[0].sha256 for c in ranked[1:]
    )
    if clear or same_file:
        return [ranked[0].with_confidence("medium"), *ranked[1:]]
    return ranked
