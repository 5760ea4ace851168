"""Turning what a user types or pastes into a typed reference: repo, file, folder or URL.

One parser, :func:`parse_name`, understands every common way to name something::

    org/name   name   datasets/org/name   spaces/org/name   org/name@rev     plain ids
    https://huggingface.co/org/name[/tree/<rev>[/<dir>]]                        Hub pages
    https://huggingface.co/[datasets/|spaces/]org/name/blob|resolve/<rev>/<path>
    https://<mirror>/…                 the same on any host configured as an endpoint
    hf://[datasets/|spaces/]org/name[@rev][/path][/]                            fsspec paths
    https://modelscope.cn/models/owner/name[/files|/resolve/<rev>/<path>|…]      ModelScope
    modelscope:[datasets/]owner/name[@rev][/path]
    https://example.com/any/file.safetensors                                    direct URL

Revisions with slashes (``refs/pr/1``) may be URL-encoded (``refs%2Fpr%2F1``) or not; a Hub
page URL with a plain branch name with slashes (``/tree/feature/x/sub``) is ambiguous without
the repository's refs: :func:`slashed_revision_readings` lists its readings. The result is a
:class:`ParsedName`; :func:`format_name` writes one back so that
``parse_name(format_name(x)) == x``. :mod:`hfsuite.sources.batch` reads many such lines.
:func:`parse_repo_arg` is the narrower entry point of ``hfsuite download REPO``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.sources.revisions import check_revision, pick_revision
from hfsuite.sources.revisions import shown as _shown

__all__ = [
    "HF_HOSTS",
    "MODELSCOPE_HOSTS",
    "NameKind",
    "ParsedName",
    "format_name",
    "parse_name",
    "parse_repo_arg",
    "slashed_revision_readings",
]

#: Hosts that are always the Hugging Face Hub (whatever endpoint is configured).
HF_HOSTS = ("huggingface.co", "www.huggingface.co", "hf.co")
#: Hosts that are always ModelScope.
MODELSCOPE_HOSTS = ("modelscope.cn", "www.modelscope.cn", "modelscope.ai", "www.modelscope.ai")
_HF_BASE = "https://huggingface.co"
_MS_BASE = "https://modelscope.cn"

_ID_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?"
_NAME_RE = re.compile(rf"^{_ID_PART}$")
_MAX_ID = 96
_MAX_PATH = 1024

_TYPE_PREFIXES = {"datasets": RepoType.DATASET, "spaces": RepoType.SPACE, "models": RepoType.MODEL}
# First path segments of huggingface.co that are pages, not repositories.
_HF_PAGES = frozenset(
    (
        "api", "docs", "blog", "papers", "collections", "organizations", "settings", "login",
        "join", "new", "pricing", "tasks", "learn", "posts", "enterprise", "search",
        "notifications", "chat", "inference-endpoints",
    )
)  # fmt: skip
_FILE_ACTIONS = ("blob", "resolve", "raw")
_REF_KINDS = ("pr", "convert", "heads", "tags")


class NameKind(enum.StrEnum):
    """What a parsed name points at."""

    REPO = "repo"
    """A whole repository (optionally at a revision)."""
    FILE = "file"
    """One file of a repository."""
    FOLDER = "folder"
    """A folder of a repository (everything under it)."""
    URL = "url"
    """A plain HTTP(S) file URL, downloaded as is."""


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name the user gave, understood.

    Attributes:
        kind: Repository, file, folder or plain URL.
        ref: The repository (source, type, id, revision); None for a plain URL.
        path: The file or folder inside the repository (no leading or trailing slash).
        url: The URL of a plain-URL name.
        endpoint: The hub base URL the text named (a mirror, ``https://huggingface.co``,
            ``https://modelscope.cn``); None when it named none (ids, ``hf://``), meaning the
            configured endpoint.
    """

    kind: NameKind
    ref: RepoRef | None = None
    path: str | None = None
    url: str | None = None
    endpoint: str | None = None

    @property
    def source(self) -> SourceKind:
        """Where the bytes come from."""
        return self.ref.source if self.ref is not None else SourceKind.URL

    def __str__(self) -> str:
        return format_name(self)


# --- validation -------------------------------------------------------------------------------
def _bad(text: str, why: str | None = None) -> UsageError:
    return UsageError(
        tr(
            "Cannot read {text} as a repository, Hub URL or file URL: {why}.",
            text=_shown(text),
            why=why,
        )
        if why
        else tr(
            "{text} is not a repository id, Hub URL, hf:// path, ModelScope name or file URL.",
            text=_shown(text),
        ),
        hint=tr(
            "Examples: org/name, datasets/org/name, hf://org/name@main/file.bin, "
            "https://huggingface.co/org/name/blob/main/file.bin, modelscope:owner/name."
        ),
    )


def _check_id(repo_id: str) -> bool:
    parts = repo_id.split("/")
    if len(parts) > 2 or len(repo_id) > _MAX_ID:
        return False
    return all(_NAME_RE.match(p) and ".." not in p and "--" not in p for p in parts)


def _check_path(text: str, path: str) -> str:
    parts = path.split("/")
    if (
        len(path) > _MAX_PATH
        or not path
        or path != path.strip()
        or any(p in ("", ".", "..") for p in parts)
        or any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in path)
    ):
        raise UsageError(
            tr(
                "{path} (in {text}) is not a valid path inside a repository.",
                path=_shown(path),
                text=_shown(text),
            ),
            hint=tr("Use a relative path with forward slashes, e.g. unet/model.safetensors."),
        )
    return path


def _unquote_segment(text: str, segment: str) -> str:
    value = unquote(segment, errors="strict") if "%" in segment else segment
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise _bad(text, "it contains control characters")
    return value


def _split_revision(segments: Sequence[str]) -> tuple[str, list[str]]:
    """Take the revision off raw path segments: ``refs/pr/1`` may span three of them."""
    if len(segments) >= 3 and segments[0] == "refs" and segments[1] in _REF_KINDS:
        return "/".join(segments[:3]), list(segments[3:])
    return segments[0], list(segments[1:])


def _make(
    text: str,
    source: SourceKind,
    repo_type: RepoType,
    repo_id: str,
    revision: str | None,
    path: str | None,
    folder: bool,
    endpoint: str | None,
) -> ParsedName:
    if (
        not _check_id(repo_id)
        or (source is not SourceKind.HUGGINGFACE and "/" not in repo_id)
        or ("/" in repo_id and repo_id.split("/")[0] in _TYPE_PREFIXES)
    ):
        raise _bad(text, f"{_shown(repo_id)} is not a repository id")
    if revision is not None:
        check_revision(revision, text)
    kind = NameKind.REPO
    if path:
        _check_path(text, path)
        kind = NameKind.FOLDER if folder else NameKind.FILE
    else:
        path = None
    ref = RepoRef(repo_id, repo_type, revision, source)
    return ParsedName(kind, ref, path, None, endpoint)


# --- the parser -------------------------------------------------------------------------------
def parse_name(
    text: str,
    *,
    endpoints: Iterable[str] = (),
    modelscope_endpoints: Iterable[str] = (),
) -> ParsedName:
    """Understand a repository id, Hub/mirror/ModelScope URL, ``hf://`` path or file URL.

    Args:
        text: What the user typed or pasted.
        endpoints: Base URLs of Hub mirrors (and the configured endpoint): URLs on these hosts
            are Hub URLs, not plain file URLs.
        modelscope_endpoints: Base URLs of ModelScope installations besides modelscope.cn.

    Raises:
        UsageError: the text names nothing we can download, with the reason.
    """
    if not isinstance(text, str):
        raise _bad(repr(text))
    value = text.strip()
    if not value:
        raise _bad(text, "it is empty")
    if any(c.isspace() for c in value) and "://" not in value:
        raise _bad(text, "it contains spaces")
    lowered = value.lower()
    if lowered.startswith("hf://"):
        return _parse_hf_path(text, value[5:])
    if lowered.startswith(("modelscope://", "modelscope:")):
        rest = value.split(":", 1)[1]
        return _parse_ms_name(text, rest[2:] if rest.startswith("//") else rest)
    hubs = _bases(endpoints, HF_HOSTS, _HF_BASE)
    mirrors_ms = _bases(modelscope_endpoints, MODELSCOPE_HOSTS, _MS_BASE)
    if "://" not in value:
        # "huggingface.co/org/name" pasted without a scheme.
        host = lowered.split("/", 1)[0]
        if host in HF_HOSTS or host in MODELSCOPE_HOSTS:
            value = "https://" + value
        else:
            return _parse_id(text, value)
    return _parse_url(text, value, hubs, mirrors_ms)


def _bases(configured: Iterable[str], hosts: Sequence[str], canonical: str) -> list[_Base]:
    bases = [_Base.of(url) for url in configured if url]
    bases += [_Base(host, "", canonical) for host in hosts]
    # Longest path prefix first, so http://h/hf wins over http://h.
    return sorted((b for b in bases if b is not None), key=lambda b: -len(b.prefix))


@dataclass(frozen=True)
class _Base:
    netloc: str
    prefix: str
    url: str

    @classmethod
    def of(cls, url: str) -> _Base | None:
        try:
            parts = urlsplit(url.strip())
            _ = parts.port
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None
        base = url.strip().rstrip("/")
        return cls(parts.netloc.lower(), parts.path.rstrip("/"), base)

    def match(self, netloc: str, path: str) -> str | None:
        """The rest of ``path`` when the URL is under this base, else None."""
        if netloc != self.netloc:
            return None
        if not self.prefix:
            return path
        if path == self.prefix or path.startswith(self.prefix + "/"):
            return path[len(self.prefix) :]
        return None


def _parse_id(text: str, value: str) -> ParsedName:
    """``[datasets/|spaces/|models/]org/name[@revision]`` (the revision may hold slashes)."""
    repo_part, at, revision = value.partition("@")
    if at and not revision:
        raise _bad(text, "nothing follows '@'")
    repo_type = RepoType.MODEL
    head, _, tail = repo_part.partition("/")
    if head in _TYPE_PREFIXES and tail:
        repo_type, repo_part = _TYPE_PREFIXES[head], tail
    if not _check_id(repo_part):
        raise UsageError(
            tr("{text} is not a repository id.", text=_shown(text)),
            hint=tr(
                "Use the form org/name, e.g. openai-community/gpt2 (datasets/org/name for a "
                "dataset)."
            ),
        )
    return _make(
        text, SourceKind.HUGGINGFACE, repo_type, repo_part, revision or None, None, False, None
    )


def _parse_hf_path(text: str, rest: str) -> ParsedName:
    """``[datasets/|spaces/]org/name[@rev][/path][/]`` after ``hf://``."""
    segments = rest.split("/")
    repo_type = RepoType.MODEL
    if segments and segments[0] in _TYPE_PREFIXES:
        repo_type = _TYPE_PREFIXES[segments.pop(0)]
    if len(segments) < 2:
        raise _bad(text, "hf:// paths need org/name")
    org, name_rev, *path_parts = segments
    name, at, rev_first = name_rev.partition("@")
    revision: str | None = None
    if at:
        if not rev_first:
            raise _bad(text, "nothing follows '@'")
        revision, path_parts = _split_revision([rev_first, *path_parts])
        revision = _unquote_segment(text, revision)
    folder = bool(path_parts) and path_parts[-1] == ""
    if folder:
        path_parts = path_parts[:-1]
    path = "/".join(path_parts)
    return _make(
        text, SourceKind.HUGGINGFACE, repo_type, f"{org}/{name}", revision, path, folder, None
    )


def _parse_ms_name(text: str, rest: str) -> ParsedName:
    """``[datasets/|models/]owner/name[@rev][/path][/]`` after ``modelscope:``."""
    parsed = _parse_hf_path(text, rest)
    assert parsed.ref is not None
    ref = RepoRef(
        parsed.ref.repo_id, parsed.ref.repo_type, parsed.ref.revision, SourceKind.MODELSCOPE
    )
    if ref.repo_type is RepoType.SPACE:
        raise _bad(text, "ModelScope names are models/ or datasets/")
    return ParsedName(parsed.kind, ref, parsed.path, None, None)


def _parse_url(
    text: str, value: str, hubs: Sequence[_Base], modelscopes: Sequence[_Base]
) -> ParsedName:
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError as exc:
        raise _bad(text, f"the URL is malformed ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _bad(text, f"only http and https URLs can be downloaded, not {scheme}://")
    if not parts.hostname:
        raise _bad(text, "the URL has no host")
    if any(c.isspace() or ord(c) < 32 for c in value):
        raise _bad(text, "the URL contains spaces or control characters")
    netloc = parts.netloc.lower()
    for base in hubs:
        rest = base.match(netloc, parts.path)
        if rest is not None:
            return _parse_hub_path(text, rest, base.url)
    for base in modelscopes:
        rest = base.match(netloc, parts.path)
        if rest is not None:
            return _parse_ms_path(text, rest, parts.query, base.url)
    return ParsedName(NameKind.URL, url=value)


def _hub_segments(text: str, rest: str) -> list[str]:
    segments = rest.strip("/").split("/") if rest.strip("/") else []
    if any(s == "" for s in segments):
        raise _bad(text, "the URL path has empty segments")
    return segments


def _parse_hub_path(text: str, rest: str, endpoint: str) -> ParsedName:
    """The path of a Hub URL after the endpoint: ``[datasets/|spaces/]id[/action/rev[/path]]``."""
    segments = _hub_segments(text, rest)
    repo_type = RepoType.MODEL
    if segments and segments[0] in ("datasets", "spaces"):
        repo_type = _TYPE_PREFIXES[segments.pop(0)]
    if not segments:
        raise _bad(text, "the URL names no repository")
    if repo_type is RepoType.MODEL and segments[0] in _HF_PAGES | {"models"}:
        raise _bad(text, f"/{segments[0]} is a page of the Hub, not a repository")
    known = ("tree", "commit", "commits", "discussions", *_FILE_ACTIONS)
    id_len = 1 if len(segments) == 1 or segments[1] in known else 2
    repo_id = "/".join(_unquote_segment(text, s) for s in segments[:id_len])
    action, args = (
        (segments[id_len], segments[id_len + 1 :]) if len(segments) > id_len else ("", [])
    )
    revision: str | None = None
    path_parts: list[str] = []
    folder = False
    if action in ("tree", *_FILE_ACTIONS, "commit"):
        if not args:
            raise _bad(text, f"/{action}/ must be followed by a revision")
        raw_rev, path_parts = _split_revision(args)
        revision = _unquote_segment(text, raw_rev)
        path_parts = [_unquote_segment(text, p) for p in path_parts]
        if action == "commit":
            path_parts = []
        folder = action == "tree"
        if action in _FILE_ACTIONS and not path_parts:
            raise _bad(text, f"/{action}/{raw_rev} must be followed by a file path")
    path = "/".join(path_parts)
    return _make(text, SourceKind.HUGGINGFACE, repo_type, repo_id, revision, path, folder, endpoint)


def _parse_ms_path(text: str, rest: str, query: str, endpoint: str) -> ParsedName:
    """ModelScope page and API URLs."""
    from urllib.parse import parse_qs

    segments = _hub_segments(text, rest)
    if len(segments) >= 2 and segments[0] == "api" and segments[1] == "v1":
        segments = segments[2:]
        params = parse_qs(query)
        if len(segments) >= 3 and segments[0] in ("models", "datasets"):
            api_rev = (params.get("Revision") or [""])[0] or None
            file_path = (params.get("FilePath") or [""])[0].strip("/") or None
            repo_type = _TYPE_PREFIXES[segments[0]]
            repo_id = "/".join(_unquote_segment(text, s) for s in segments[1:3])
            return _make(
                text, SourceKind.MODELSCOPE, repo_type, repo_id, api_rev, file_path, False, endpoint
            )
        raise _bad(text, "this ModelScope API URL names no repository")
    if len(segments) < 3 or segments[0] not in ("models", "datasets"):
        raise _bad(text, "ModelScope URLs look like https://modelscope.cn/models/owner/name")
    repo_type = _TYPE_PREFIXES[segments[0]]
    repo_id = "/".join(_unquote_segment(text, s) for s in segments[1:3])
    args = segments[3:]
    revision: str | None = None
    path_parts: list[str] = []
    folder = False
    if args and args[0] == "file" and len(args) >= 2 and args[1] == "view":
        args = ["resolve", *args[2:]]
    if args and args[0] in ("resolve", "tree", "blob") and len(args) >= 2:
        raw_rev, path_parts = _split_revision(args[1:])
        revision = _unquote_segment(text, raw_rev)
        path_parts = [_unquote_segment(text, p) for p in path_parts]
        folder = args[0] == "tree"
    elif args and args[0] in ("resolve", "blob"):
        raise _bad(text, f"/{args[0]}/ must be followed by a revision and a path")
    path = "/".join(path_parts)
    return _make(text, SourceKind.MODELSCOPE, repo_type, repo_id, revision, path, folder, endpoint)


# --- revisions with slashes in Hub web URLs --------------------------------------------------
_SHA_RE = re.compile(r"^[0-9a-f]{40}$")


def slashed_revision_readings(name: ParsedName) -> list[ParsedName]:
    """Other ways to read a Hub web URL whose revision may have slashes, longest revision first.

    ``…/tree/feature/new-weights/sub`` may be branch ``feature`` and folder
    ``new-weights/sub``, or branch ``feature/new-weights`` and folder ``sub``: the Hub's web
    pages do not encode slashes in branch names. :func:`parse_name` reads the first segment as
    the revision; this lists the readings with a longer one (a folder may become the whole
    repository; a file keeps at least its name), for the caller to keep the first whose
    revision is a real branch or tag, as the Hub's own pages do. Empty when the name is not
    ambiguous: no Hub URL, no path after the revision, or a revision that already has slashes
    (``refs/pr/1``, ``feature%2Fx``) or is a commit sha.
    """
    ref = name.ref
    if (
        name.endpoint is None
        or ref is None
        or ref.source is not SourceKind.HUGGINGFACE
        or name.kind not in (NameKind.FILE, NameKind.FOLDER)
        or not name.path
        or not ref.revision
        or "/" in ref.revision
        or _SHA_RE.match(ref.revision)
    ):
        return []
    parts = name.path.split("/")
    keep = 1 if name.kind is NameKind.FILE else 0
    readings = []
    for taken in range(len(parts) - keep, 0, -1):
        revision = "/".join([ref.revision, *parts[:taken]])
        rest = "/".join(parts[taken:]) or None
        kind = name.kind if rest else NameKind.REPO
        new_ref = RepoRef(ref.repo_id, ref.repo_type, revision, ref.source)
        readings.append(ParsedName(kind, new_ref, rest, None, name.endpoint))
    return readings


# --- formatting -------------------------------------------------------------------------------
def _quote_rev(revision: str) -> str:
    return quote(revision, safe="")


def format_name(name: ParsedName) -> str:
    """Write a name back as text that :func:`parse_name` reads as the same value.

    Ids and ``hf://`` paths when no endpoint was named, URLs on the endpoint otherwise;
    ``modelscope:`` names for ModelScope. A Hub URL always carries a revision, so a file or
    folder named by URL without one is written with ``main``.
    """
    if name.kind is NameKind.URL or name.ref is None:
        return name.url or ""
    ref = name.ref
    rev = ref.revision
    if ref.source is SourceKind.MODELSCOPE:
        if name.endpoint is not None:
            return _format_ms_url(name)
        prefix = "datasets/" if ref.repo_type is RepoType.DATASET else ""
        at = f"@{_quote_rev(rev)}" if rev else ""
        tail = f"/{name.path}" + ("/" if name.kind is NameKind.FOLDER else "") if name.path else ""
        return f"modelscope:{prefix}{ref.repo_id}{at}{tail}"
    type_prefix = ref.repo_type.url_prefix
    if name.endpoint is not None:
        base = f"{name.endpoint}/{type_prefix}{ref.repo_id}"
        if name.kind is NameKind.REPO:
            return base + (f"/tree/{_quote_rev(rev)}" if rev else "")
        action = "tree" if name.kind is NameKind.FOLDER else "blob"
        return f"{base}/{action}/{_quote_rev(rev or 'main')}/{quote(name.path or '')}"
    if name.kind is NameKind.REPO:
        return str(ref)
    at = f"@{_quote_rev(rev)}" if rev else ""
    tail = f"/{name.path}" + ("/" if name.kind is NameKind.FOLDER else "")
    return f"hf://{type_prefix}{ref.repo_id}{at}{tail}"


def _format_ms_url(name: ParsedName) -> str:
    assert name.ref is not None
    ref = name.ref
    base = f"{name.endpoint}/{ref.repo_type.api_segment}/{ref.repo_id}"
    if name.kind is NameKind.REPO:
        return base + (f"/tree/{_quote_rev(ref.revision)}" if ref.revision else "")
    action = "tree" if name.kind is NameKind.FOLDER else "resolve"
    return f"{base}/{action}/{_quote_rev(ref.revision or 'master')}/{quote(name.path or '')}"


# --- the download command's repository argument -----------------------------------------------
def parse_repo_arg(
    text: str,
    repo_type: RepoType | None = None,
    revision: str | None = None,
    *,
    endpoints: Iterable[str] = (),
) -> RepoRef:
    """Parse a Hugging Face repository: ``[datasets/|spaces/]org/name[@rev]``, a repo URL or
    an ``hf://`` repo path.

    Args:
        text: What the user typed.
        repo_type: Type to use when the text does not say (default: model).
        revision: The ``--revision`` value: used when the text names no revision.
        endpoints: Mirror base URLs whose URLs are understood too.

    Raises:
        UsageError: the text is not a repository id (or names a file inside one), or
            ``revision`` is not valid or differs from the text's own revision.
    """
    value = text.strip()
    if "://" not in value and not value.lower().startswith("modelscope:"):
        if not value or any(c.isspace() for c in value):
            raise _parse_id_error(text)
        parsed = _parse_id(text, value)
        explicit_type = value.split("/", 1)[0] in _TYPE_PREFIXES and value.count("/") >= 1
    else:
        parsed = parse_name(value, endpoints=endpoints)
        explicit_type = True
    if parsed.kind is not NameKind.REPO or parsed.ref is None:
        what = parsed.url if parsed.ref is None else f"{parsed.path!r} in {parsed.ref.repo_id}"
        raise UsageError(
            tr("{text} names {what}, not a whole repository.", text=_shown(text), what=what),
            hint=tr("Give the repository and the file separately: hfsuite download org/name path."),
        )
    if parsed.ref.source is not SourceKind.HUGGINGFACE:
        raise UsageError(tr("{text} is not a Hugging Face repository.", text=_shown(text)))
    ref = parsed.ref
    kind = ref.repo_type if explicit_type else (repo_type or RepoType.MODEL)
    return RepoRef(ref.repo_id, kind, pick_revision(text, ref.revision, revision), ref.source)


def _parse_id_error(text: str) -> UsageError:
    return UsageError(
        tr("{text} is not a repository id.", text=_shown(text)),
        hint=tr(
            "Use the form org/name, e.g. openai-community/gpt2 (datasets/org/name for a dataset)."
        ),
    )
