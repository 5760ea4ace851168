"""The JSON API of one repository: info, tree, paths-info, refs, commits, auth-check.

Shapes follow PROTOCOL-DETAILS §1: ``siblings`` with ``lfs.sha256`` (info, ``blobs=true``) versus
``lfs.oid`` (tree, paths-info); tree ``oid`` of an LFS file is the git sha1 of its pointer file;
tree and paths-info entries of an LFS file carry ``xetHash`` when its repository serves Xet.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlencode

from hfsuite.testing._common import (
    RepoCall,
    entry_not_found,
    gated_error,
    hf_error,
    revision_not_found,
    split_revision,
)
from hfsuite.testing._content import Blob, git_blob_sha1
from hfsuite.testing._host import HubHost
from hfsuite.testing._http import Request, Response, json_response, text_response
from hfsuite.testing._state import Access, Commit, RepoRecord, iso
from hfsuite.testing._xet_cas import xet_hash_of


# -- entries -----------------------------------------------------------------------------------
def last_commit_touching(repo: RepoRecord, commit: Commit, path: str) -> Commit:
    """The oldest ancestor of ``commit`` since which ``path`` has not changed."""
    blob = commit.files.get(path)
    current = commit
    while current.parent is not None:
        parent = repo.commits.get(current.parent)
        if parent is None or parent.files.get(path) is not blob:
            break
        current = parent
    return current


def file_entry(
    emulator: HubHost,
    repo: RepoRecord,
    commit: Commit,
    path: str,
    blob: Blob,
    expand: bool,
) -> dict[str, Any]:
    """A tree / paths-info entry for a file (only its type and path with a sparse listing)."""
    if emulator.settings.sparse_listing:
        return {"type": "file", "path": path}
    entry: dict[str, Any] = {"type": "file", "path": path, "size": blob.size}
    if repo.is_lfs(path, blob, emulator.state.lfs_threshold):
        pointer = blob.lfs_pointer()
        entry["oid"] = git_blob_sha1(pointer)
        entry["lfs"] = {"oid": blob.sha256, "size": blob.size, "pointerSize": len(pointer)}
        xet_hash = xet_hash_of(emulator, repo, blob)
        if xet_hash is not None:
            entry["xetHash"] = xet_hash
    else:
        entry["oid"] = blob.git_sha1
    if expand:
        last = last_commit_touching(repo, commit, path)
        entry["lastCommit"] = {"id": last.sha, "title": last.title, "date": iso(last.timestamp)}
    return entry


def _directory_oid(commit: Commit, dirpath: str) -> str:
    h = hashlib.sha1(f"tree {dirpath}\n".encode())
    prefix = dirpath + "/"
    for path in sorted(commit.files):
        if path.startswith(prefix):
            h.update(f"{path}\0{commit.files[path].identity()}\n".encode())
    return h.hexdigest()


def directories(commit: Commit) -> set[str]:
    """Every directory path of a commit (no root)."""
    dirs: set[str] = set()
    for path in commit.files:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    return dirs


def dir_entry(commit: Commit, dirpath: str) -> dict[str, Any]:
    """A tree entry for a directory."""
    return {"type": "directory", "oid": _directory_oid(commit, dirpath), "size": 0, "path": dirpath}


def tree_listing(
    emulator: HubHost,
    repo: RepoRecord,
    commit: Commit,
    base: str,
    recursive: bool,
    expand: bool,
) -> list[dict[str, Any]] | None:
    """Entries under ``base`` ("" for the root), or None when ``base`` is not a directory."""
    dirs = directories(commit)
    if base and base not in dirs:
        return None
    prefix = base + "/" if base else ""

    def wanted(path: str) -> bool:
        if not path.startswith(prefix) or path == base:
            return False
        return recursive or "/" not in path[len(prefix) :]

    entries: list[tuple[int, str, dict[str, Any]]] = []
    for d in dirs:
        if wanted(d):
            entries.append((0, d, dir_entry(commit, d)))
    for path, blob in commit.files.items():
        if wanted(path):
            entries.append((1, path, file_entry(emulator, repo, commit, path, blob, expand)))
    if recursive:
        entries.sort(key=lambda e: e[1])
    else:
        entries.sort(key=lambda e: (e[0], e[1]))
    return [e[2] for e in entries]


def siblings(
    emulator: HubHost, repo: RepoRecord, commit: Commit, blobs: bool
) -> list[dict[str, Any]]:
    """The ``siblings`` list of repo info (``blobs`` is ignored with a sparse listing)."""
    blobs = blobs and not emulator.settings.sparse_listing
    out: list[dict[str, Any]] = []
    for path in sorted(commit.files):
        item: dict[str, Any] = {"rfilename": path}
        if blobs:
            blob = commit.files[path]
            item["size"] = blob.size
            if repo.is_lfs(path, blob, emulator.state.lfs_threshold):
                pointer = blob.lfs_pointer()
                item["blobId"] = git_blob_sha1(pointer)
                item["lfs"] = {
                    "sha256": blob.sha256,
                    "size": blob.size,
                    "pointerSize": len(pointer),
                }
            else:
                item["blobId"] = blob.git_sha1
        out.append(item)
    return out


# -- repo info ---------------------------------------------------------------------------------
def repo_summary(repo: RepoRecord, commit: Commit | None) -> dict[str, Any]:
    """The fields of repo info that need no file hashing."""
    meta = repo.metadata
    last_modified = meta.last_modified
    if last_modified is None:
        last_modified = commit.timestamp if commit else repo.created_at
    data: dict[str, Any] = {
        "_id": repo.uid,
        "id": repo.repo_id,
        "author": repo.namespace or None,
        "sha": commit.sha if commit else None,
        "lastModified": iso(last_modified),
        "createdAt": iso(meta.created_at if meta.created_at is not None else repo.created_at),
        "private": repo.private,
        "gated": repo.gating.api_value(),
        "disabled": False,
        "downloads": meta.downloads,
        "likes": meta.likes,
        "tags": list(meta.tags),
        "cardData": meta.card_data,
        "trendingScore": meta.trending_score,
    }
    if repo.repo_type == "model":
        data["modelId"] = repo.repo_id
        data["pipeline_tag"] = meta.pipeline_tag
        data["library_name"] = meta.library_name
    data.update(meta.extra)
    return data


def repo_info(emulator: HubHost, req: Request, call: RepoCall, revision: str | None) -> Response:
    """``GET /api/{type}s/{repo}[/revision/{rev}]``."""
    repo = call.repo
    rev = revision if revision is not None else repo.default_branch
    commit = repo.resolve_revision(rev)
    if commit is None:
        if revision is None and not repo.commits:
            return json_response(repo_summary(repo, None) | {"siblings": []})
        return revision_not_found(rev)
    expand = req.query.get("expand") or req.query.get("expand[]")
    data = repo_summary(repo, commit)
    if expand:
        data["siblings"] = siblings(emulator, repo, commit, blobs=False)
        data["usedStorage"] = sum(b.size for b in commit.files.values())
        keep = {"_id", "id", *expand}
        return json_response({k: v for k, v in data.items() if k in keep})
    data["siblings"] = siblings(emulator, repo, commit, blobs=req.flag("blobs"))
    data["spaces"] = []
    data["usedStorage"] = sum(b.size for b in commit.files.values())
    return json_response(data)


# -- tree, paths-info --------------------------------------------------------------------------
def _resolve_or_error(
    repo: RepoRecord, parts: list[str]
) -> tuple[Commit, str, list[str]] | Response:
    revision, rest = split_revision(parts)
    commit = repo.resolve_revision(revision)
    if commit is None:
        return revision_not_found(revision)
    return commit, revision, rest


def tree(emulator: HubHost, req: Request, call: RepoCall, parts: list[str]) -> Response:
    """``GET /api/{type}s/{repo}/tree/{rev}[/{path}]`` (``recursive``, ``expand``, ``limit``)."""
    resolved = _resolve_or_error(call.repo, parts)
    if isinstance(resolved, Response):
        return resolved
    commit, revision, rest = resolved
    base = "/".join(rest).strip("/")
    entries = tree_listing(
        emulator, call.repo, commit, base, req.flag("recursive"), req.flag("expand")
    )
    if entries is None:
        return entry_not_found(commit.sha, base, revision)
    return paginate(req, entries)


def paginate(req: Request, items: list[Any], default_limit: int | None = None) -> Response:
    """One page of ``items`` with an absolute ``Link: <…>; rel="next"`` when more remain.

    The page size comes from ``limit`` (else ``default_limit``, else everything); the position
    from ``cursor`` (an offset).
    """
    limit_param = req.param("limit")
    limit = int(limit_param) if limit_param and limit_param.isdigit() else default_limit
    offset_param = req.param("cursor") or "0"
    offset = int(offset_param) if offset_param.isdigit() else 0
    if not limit or limit <= 0:
        return json_response(items[offset:])
    page = items[offset : offset + limit]
    headers: list[tuple[str, str]] = []
    if offset + limit < len(items):
        params = [(k, v) for k, vs in parse_qs(req.raw_query, True).items() for v in vs]
        params = [(k, v) for k, v in params if k not in ("cursor", "limit")]
        params += [("limit", str(limit)), ("cursor", str(offset + limit))]
        url = f"{req.base_url}{req.raw_path}?{urlencode(params)}"
        headers.append(("Link", f'<{url}>; rel="next"'))
    return json_response(page, headers=headers)


def paths_info(emulator: HubHost, req: Request, call: RepoCall, parts: list[str]) -> Response:
    """``POST /api/{type}s/{repo}/paths-info/{rev}`` (form-encoded or JSON body)."""
    resolved = _resolve_or_error(call.repo, parts)
    if isinstance(resolved, Response):
        return resolved
    commit, _, _ = resolved
    ctype = (req.header("content-type") or "").lower()
    paths: list[str]
    if "json" in ctype:
        try:
            payload = json.loads(req.body or b"{}")
        except ValueError:
            return hf_error(400, None, "Invalid JSON body")
        raw = payload.get("paths", [])
        paths = [raw] if isinstance(raw, str) else list(raw)
        expand = (
            bool(payload.get("expand", False)) and str(payload.get("expand")).lower() != "false"
        )
    else:
        form = parse_qs(req.body.decode("utf-8", "replace"), keep_blank_values=True)
        paths = form.get("paths", [])
        expand = (form.get("expand", ["false"])[0]).lower() in ("1", "true")
    dirs = directories(commit)
    out: list[dict[str, Any]] = []
    for raw_path in paths:
        path = raw_path.strip("/")
        blob = commit.files.get(path)
        if blob is not None:
            out.append(file_entry(emulator, call.repo, commit, path, blob, expand))
        elif path in dirs:
            out.append(dir_entry(commit, path))
    return json_response(out)


# -- refs, commits, auth-check -----------------------------------------------------------------
def refs(req: Request, call: RepoCall) -> Response:
    """``GET /api/{type}s/{repo}/refs[?include_prs=1]``."""
    repo = call.repo
    data: dict[str, Any] = {
        "branches": [
            {"name": n, "ref": f"refs/heads/{n}", "targetCommit": sha}
            for n, sha in sorted(repo.branches.items())
        ],
        "converts": [],
        "tags": [
            {"name": n, "ref": f"refs/tags/{n}", "targetCommit": sha}
            for n, sha in sorted(repo.tags.items())
        ],
    }
    if req.flag("include_prs"):
        data["pullRequests"] = [
            {"name": f"refs/pr/{n}", "ref": f"refs/pr/{n}", "targetCommit": sha}
            for n, sha in sorted(repo.pull_requests.items())
        ]
    return json_response(data)


def commits(req: Request, call: RepoCall, parts: list[str]) -> Response:
    """``GET /api/{type}s/{repo}/commits/{rev}`` (newest first, ``X-Total-Count``)."""
    resolved = _resolve_or_error(call.repo, parts)
    if isinstance(resolved, Response):
        return resolved
    commit: Commit | None = resolved[0]
    history: list[dict[str, Any]] = []
    while commit is not None:
        history.append(
            {
                "id": commit.sha,
                "title": commit.title,
                "message": commit.message,
                "authors": [{"user": commit.author, "avatar": f"/avatars/{commit.author}.svg"}],
                "date": iso(commit.timestamp),
            }
        )
        commit = call.repo.commits.get(commit.parent) if commit.parent else None
    response = paginate(req, history)
    response.headers.append(("X-Total-Count", str(len(history))))
    return response


def auth_check(emulator: HubHost, req: Request, call: RepoCall, write: bool) -> Response:
    """``GET /api/{type}s/{repo}/auth-check[/write]``."""
    access = emulator.state.file_access(call.repo, call.token)
    if access is not Access.OK:
        return gated_error(emulator, req, call.repo, call.token, access)
    if write and not emulator.state.can_write(call.repo, call.token):
        return hf_error(403, None, "You don't have write access to this repository.")
    return text_response("OK")
