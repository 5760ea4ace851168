"""File bytes: the resolve endpoint, the CDN origin and Range handling.

Regular files are served by the hub itself (``ETag`` = git blob sha1). LFS files answer ``302``
to a signed URL on the CDN origin (another port, so the client does not follow it on HEAD) with
``X-Linked-Etag`` (sha256) and ``X-Linked-Size``. Signed URLs carry ``Expires`` and
``Signature``; once expired the CDN answers 403, and the client must resolve again.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from urllib.parse import quote

from hfsuite.testing._common import (
    API_SEGMENTS,
    RepoCall,
    entry_not_found,
    find_repo,
    gated_error,
    revision_not_found,
    split_revision,
)
from hfsuite.testing._content import Blob
from hfsuite.testing._host import HubHost
from hfsuite.testing._http import (
    Request,
    Response,
    content_disposition,
    json_response,
    text_response,
)
from hfsuite.testing._state import Access, Commit, RepoRecord

_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """Parse a single-range ``Range`` header.

    Returns:
        ``(start, end_inclusive)``, ``"unsatisfiable"``, or None to serve the whole body
        (no header, malformed or multi-range).
    """
    if not header:
        return None
    m = _RANGE_RE.match(header.strip())
    if not m or (not m.group(1) and not m.group(2)):
        return None
    first, last = m.group(1), m.group(2)
    if not first:  # suffix range: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - n), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size:
        return "unsatisfiable"
    if end < start:
        return None
    return start, min(end, size - 1)


def file_response(req: Request, blob: Blob, headers: list[tuple[str, str]]) -> Response:
    """200 or 206 (or 416) for ``blob``, honouring Range unless the fault plan ignores it."""
    headers = [*headers, ("Accept-Ranges", "bytes")]
    size = blob.size
    rng = None if req.plan.ignore_range else parse_range(req.header("range"), size)
    if rng == "unsatisfiable":
        return Response(
            416,
            [*headers, ("Content-Range", f"bytes */{size}"), ("Content-Type", "text/plain")],
            b"Requested Range Not Satisfiable",
        )
    if isinstance(rng, tuple):
        start, end = rng
        return Response(
            206,
            [*headers, ("Content-Range", f"bytes {start}-{end}/{size}")],
            blob=blob,
            start=start,
            length=end - start + 1,
        )
    return Response(200, headers, blob=blob, start=0, length=size)


def served_blob(emulator: HubHost, blob: Blob, req: Request) -> Blob:
    """The blob to serve, after the "content changes" fault."""
    if not req.plan.content_changed:
        return blob
    return emulator.mutated(blob)


def _content_type(path: str) -> str:
    if path.endswith((".json", ".txt", ".md", ".py", ".yaml", ".yml", ".gitattributes")):
        return "text/plain; charset=utf-8"
    return "application/octet-stream"


# -- CDN ---------------------------------------------------------------------------------------
def _signature(secret: bytes, path: str, expires: str) -> str:
    return hmac.new(secret, f"{path}|{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def cdn_url(emulator: HubHost, repo: RepoRecord, commit: Commit, path: str) -> str:
    """A signed CDN URL for one LFS file, valid for the configured TTL."""
    cdn_path = f"/{repo.repo_type}s/{quote(repo.repo_id)}/{commit.sha}/{quote(path)}"
    expires = f"{time.time() + emulator.settings.cdn_url_ttl_s:.3f}"
    sig = _signature(emulator.secret, cdn_path, expires)
    return f"{emulator.cdn_url}{cdn_path}?Expires={expires}&Signature={sig}"


def cdn_router(emulator: HubHost, req: Request) -> Response:
    """Serve ``/{type}s/{repo_id}/{commit}/{path}?Expires=&Signature=`` from the CDN origin."""
    if req.method not in ("GET", "HEAD"):
        return text_response("Method Not Allowed", 405)
    expires, sig = req.param("Expires"), req.param("Signature")
    if (
        not expires
        or not sig
        or not hmac.compare_digest(sig, _signature(emulator.secret, req.raw_path, expires))
    ):
        return _cdn_denied("Invalid signature")
    try:
        expired = time.time() >= float(expires)
    except ValueError:
        expired = True
    if expired:
        return _cdn_denied("Request has expired")
    segs = req.segments
    if len(segs) < 5 or segs[0] not in API_SEGMENTS:
        return _cdn_not_found()
    repo_type = API_SEGMENTS[segs[0]]
    repo_id = f"{segs[1]}/{segs[2]}"
    record, moved = emulator.state.lookup(repo_type, repo_id)
    if record is None and moved is not None:
        record, _ = emulator.state.lookup(repo_type, moved)
    commit = record.commits.get(segs[3]) if record else None
    path = "/".join(segs[4:])
    blob = commit.files.get(path) if commit else None
    if blob is None:
        return _cdn_not_found()
    blob = served_blob(emulator, blob, req)
    headers = [
        ("Content-Type", "application/octet-stream"),
        ("ETag", f'"{blob.sha256}"'),
        ("Cache-Control", "public, max-age=604800, immutable"),
    ]
    return file_response(req, blob, headers)


def _cdn_denied(message: str) -> Response:
    body = (
        f"<?xml version='1.0'?><Error><Code>AccessDenied</Code><Message>{message}</Message></Error>"
    )
    return Response(403, [("Content-Type", "application/xml")], body.encode())


def _cdn_not_found() -> Response:
    body = "<?xml version='1.0'?><Error><Code>NoSuchKey</Code></Error>"
    return Response(404, [("Content-Type", "application/xml")], body.encode())


# -- resolve -----------------------------------------------------------------------------------
def resolve(
    emulator: HubHost,
    req: Request,
    repo_type: str,
    repo_id: str,
    prefix: str,
    suffix: str,
    after: list[str],
) -> Response:
    """``HEAD/GET /[datasets/|spaces/]{repo_id}/resolve/{rev}/{path}``.

    ``prefix`` and ``suffix`` are the raw path around the repo id (used for rename redirects);
    ``after`` the decoded segments after ``resolve``.
    """
    if req.method not in ("GET", "HEAD"):
        return text_response("Method Not Allowed", 405)
    revision, rest = split_revision(after)
    path = "/".join(rest)
    found = find_repo(emulator, req, repo_type, repo_id, prefix, suffix)
    if isinstance(found, Response):
        if found.status == 307:
            _add_redirect_commit(emulator, found, repo_type, revision)
        return found
    call: RepoCall = found
    repo = call.repo
    commit = repo.resolve_revision(revision)
    if commit is None:
        return revision_not_found(revision)
    access = emulator.state.file_access(repo, call.token)
    if access is not Access.OK:
        response = gated_error(emulator, req, repo, call.token, access)
        response.headers.append(("X-Repo-Commit", commit.sha))
        return response
    blob = commit.files.get(path)
    if blob is None:
        return entry_not_found(commit.sha, path, revision)
    blob = served_blob(emulator, blob, req)
    headers = [("X-Repo-Commit", commit.sha)]
    if repo.is_lfs(path, blob, emulator.state.lfs_threshold):
        location = cdn_url(emulator, repo, commit, path)
        etag = f'"{blob.sha256}"'
        headers += [
            ("Location", location),
            ("X-Linked-Etag", etag),
            ("X-Linked-Size", str(blob.size)),
            ("ETag", etag),
            ("Content-Type", "text/plain; charset=utf-8"),
        ]
        return Response(302, headers, f"Found. Redirecting to {location}".encode())
    name = path.rsplit("/", 1)[-1]
    etag = f'"{blob.git_sha1}"'
    headers += [
        ("ETag", etag),
        ("X-Linked-Etag", etag),
        ("X-Linked-Size", str(blob.size)),
        ("Content-Type", _content_type(path)),
        ("Content-Disposition", content_disposition(name)),
        ("Vary", "Origin, Accept"),
    ]
    return file_response(req, blob, headers)


def _add_redirect_commit(
    emulator: HubHost, response: Response, repo_type: str, revision: str
) -> None:
    """Give a rename redirect the target's X-Repo-Commit (every resolve answer carries one)."""
    location = dict(response.headers).get("Location", "")
    for (rtype, rid), record in list(emulator.state.repos.items()):
        if rtype == repo_type and f"/{rid}/resolve/" in location:
            commit = record.resolve_revision(revision)
            if commit is not None:
                response.headers.append(("X-Repo-Commit", commit.sha))
            return


def not_found_json() -> Response:
    """A plain 404 for unknown routes."""
    return json_response({"error": "Not Found"}, 404)
