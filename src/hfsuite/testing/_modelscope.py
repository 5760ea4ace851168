"""ModelScope's API over the same repositories (PROTOCOL-DETAILS §6), under ``/api/v1/…``.

Every JSON answer is wrapped in ``{"Code","Data","Message","RequestId","Success"}``. The revision
``master`` (ModelScope's default) maps to the repository's default branch. Tokens are read from
``Authorization: Bearer …`` or the ``m_session_id`` cookie. With the ``sparse_listing`` knob,
file lists leave out each file's ``Size`` and ``Sha256`` (as an older mirror might).
"""

from __future__ import annotations

import uuid
from typing import Any

from hfsuite.testing._api import directories
from hfsuite.testing._files import cdn_url, file_response, served_blob
from hfsuite.testing._host import HubHost
from hfsuite.testing._http import Request, Response, json_response
from hfsuite.testing._state import Access, Commit, RepoRecord, TokenRecord

_TYPES = {"models": "model", "datasets": "dataset"}


def envelope(data: Any, code: int = 200, message: str = "success") -> Response:
    """A ModelScope JSON answer; the HTTP status equals ``code``."""
    return json_response(
        {
            "Code": code,
            "Data": data,
            "Message": message,
            "RequestId": str(uuid.uuid4()),
            "Success": code == 200,
        },
        code,
    )


def _token(emulator: HubHost, req: Request) -> tuple[TokenRecord | None, bool]:
    auth = req.header("authorization")
    if not auth:
        for part in (req.header("cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "m_session_id" and value:
                auth = f"Bearer {value}"
    return emulator.state.token_for(auth)


def _revision(repo: RepoRecord, req: Request) -> tuple[str, Commit | None]:
    rev = req.param("Revision") or req.param("revision") or repo.default_branch
    if rev == "master" and "master" not in repo.branches:
        rev = repo.default_branch
    return rev, repo.resolve_revision(rev)


def modelscope_router(emulator: HubHost, req: Request) -> Response:
    """Dispatch ``/api/v1/…`` requests."""
    segs = req.segments[2:]  # after "api", "v1"
    if segs[:2] == ["repos", "internalAccelerationInfo"]:
        return envelope(None, 404, "not found")
    if len(segs) < 3 or segs[0] not in _TYPES:
        return envelope(None, 404, "not found")
    repo_type = _TYPES[segs[0]]
    repo_id = f"{segs[1]}/{segs[2]}"
    action = segs[3:]
    token, valid = _token(emulator, req)
    if not valid:
        return envelope(None, 401, "invalid token")
    record, moved = emulator.state.lookup(repo_type, repo_id)
    if record is None and moved is not None:
        record, _ = emulator.state.lookup(repo_type, moved)
    if record is None or not emulator.state.can_see(record, token):
        if record is not None and token is None:
            return envelope(None, 401, "authentication required")
        return envelope(None, 404, f"{repo_type} {repo_id} not found")
    if action == []:
        return _info(record, req)
    if action == ["revisions"]:
        return _revisions(record)
    if action in (["repo", "files"], ["repo", "tree"]):
        return _files(emulator, record, req)
    if action == ["repo"]:
        access = emulator.state.file_access(record, token)
        if access is not Access.OK:
            return envelope(None, 403, f"access to {repo_id} is restricted")
        return _download(emulator, record, req)
    return envelope(None, 404, "not found")


def _info(repo: RepoRecord, req: Request) -> Response:
    rev, commit = _revision(repo, req)
    meta = repo.metadata
    owner, _, name = repo.repo_id.partition("/")
    created = int(meta.created_at if meta.created_at is not None else repo.created_at)
    return envelope(
        {
            "Id": int(repo.uid, 16),
            "Name": name,
            "Path": owner,
            "ChineseName": name,
            "Visibility": 1 if repo.private else 5,
            "Description": (meta.card_data or {}).get("description", ""),
            "License": (meta.card_data or {}).get("license", "apache-2.0"),
            "Downloads": meta.downloads,
            "Stars": meta.likes,
            "CreatedTime": created,
            "LastUpdatedTime": int(repo.last_modified()),
            "Tasks": [{"Name": meta.pipeline_tag}] if meta.pipeline_tag else [],
            "Tags": list(meta.tags),
            "Revision": rev,
            "LatestCommitId": commit.sha if commit else None,
            "ReadMeContent": _readme(commit),
        }
    )


def _readme(commit: Commit | None) -> str:
    blob = commit.files.get("README.md") if commit else None
    if blob is None or blob.size > 1 << 20:
        return ""
    return blob.read_all().decode("utf-8", "replace")


def _revisions(repo: RepoRecord) -> Response:
    def entry(name: str, sha: str) -> dict[str, Any]:
        commit = repo.commits[sha]
        return {"Revision": name, "CreatedAt": int(commit.timestamp), "CommitId": sha}

    branches = [entry(n, s) for n, s in sorted(repo.branches.items())]
    if "master" not in repo.branches and repo.default_branch in repo.branches:
        branches.insert(0, entry("master", repo.branches[repo.default_branch]))
    tags = [entry(n, s) for n, s in sorted(repo.tags.items())]
    return envelope({"RevisionMap": {"Branches": branches, "Tags": tags}})


def _files(emulator: HubHost, repo: RepoRecord, req: Request) -> Response:
    rev, commit = _revision(repo, req)
    if commit is None:
        return envelope(None, 404, f"revision {rev} not found")
    root = (req.param("Root") or "").strip("/")
    recursive = (req.param("Recursive") or "false").lower() in ("1", "true")
    prefix = root + "/" if root else ""

    def wanted(path: str) -> bool:
        if not path.startswith(prefix) or path == root:
            return False
        return recursive or "/" not in path[len(prefix) :]

    base = {
        "Revision": commit.sha,
        "CommitMessage": commit.title,
        "CommittedDate": int(commit.timestamp),
        "CommitterName": commit.author,
        "InCheck": False,
    }
    files: list[dict[str, Any]] = []
    for d in sorted(directories(commit)):
        if wanted(d):
            name = d.rsplit("/", 1)[-1]
            files.append(
                base
                | {
                    "Name": name,
                    "Path": d,
                    "Type": "tree",
                    "Size": 0,
                    "Sha256": "",
                    "IsLFS": False,
                    "Mode": "40000",
                }
            )
    for path in sorted(commit.files):
        if wanted(path):
            blob = commit.files[path]
            entry = base | {
                "Name": path.rsplit("/", 1)[-1],
                "Path": path,
                "Type": "blob",
                "Size": blob.size,
                "Sha256": blob.sha256,
                "IsLFS": repo.is_lfs(path, blob, emulator.state.lfs_threshold),
                "Mode": "33188",
            }
            if emulator.settings.sparse_listing:
                del entry["Size"], entry["Sha256"]
            files.append(entry)
    page_size = req.param("PageSize")
    if page_size and page_size.isdigit() and int(page_size) > 0:
        size = int(page_size)
        number = max(1, int(req.param("PageNumber") or "1"))
        files = files[(number - 1) * size : number * size]
    return envelope({"Files": files})


def _download(emulator: HubHost, repo: RepoRecord, req: Request) -> Response:
    rev, commit = _revision(repo, req)
    if commit is None:
        return envelope(None, 404, f"revision {rev} not found")
    path = (req.param("FilePath") or "").strip("/")
    blob = commit.files.get(path)
    if blob is None:
        return envelope(None, 404, f"file {path} not found")
    blob = served_blob(emulator, blob, req)
    etag = f'"{blob.sha256}"' if blob.size <= 64 << 20 or blob._sha256 else None
    if repo.is_lfs(path, blob, emulator.state.lfs_threshold):
        location = cdn_url(emulator, repo, commit, path)
        headers = [("Location", location), ("X-Linked-Size", str(blob.size))]
        return Response(302, headers, f"Found. Redirecting to {location}".encode())
    headers = [("Content-Type", "application/octet-stream")]
    if etag:
        headers.append(("X-Linked-ETag", etag))
    return file_response(req, blob, headers)
