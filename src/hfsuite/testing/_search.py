"""Hub-wide endpoints: ``/api/models|datasets|spaces`` search and ``/api/whoami-v2``."""

from __future__ import annotations

import hashlib
from typing import Any

from hfsuite.testing._api import paginate, repo_summary, siblings
from hfsuite.testing._common import INVALID_CREDENTIALS, bad_token, hf_error
from hfsuite.testing._host import HubHost
from hfsuite.testing._http import Request, Response, json_response
from hfsuite.testing._state import RepoRecord, TokenRecord, TokenRole, iso

_DEFAULT_KEYS = (
    "_id",
    "id",
    "likes",
    "trendingScore",
    "private",
    "downloads",
    "tags",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "modelId",
)
_FULL_KEYS = ("author", "sha", "lastModified", "gated", "disabled", "siblings")
_SORT_KEYS = {
    "downloads": lambda r: r.metadata.downloads,
    "likes": lambda r: r.metadata.likes,
    "trendingScore": lambda r: r.metadata.trending_score,
    "trending_score": lambda r: r.metadata.trending_score,
    "lastModified": lambda r: r.last_modified(),
    "last_modified": lambda r: r.last_modified(),
    "createdAt": lambda r: (
        r.metadata.created_at if r.metadata.created_at is not None else r.created_at
    ),
    "created_at": lambda r: (
        r.metadata.created_at if r.metadata.created_at is not None else r.created_at
    ),
    "id": lambda r: r.repo_id.lower(),
}


def _matches(repo: RepoRecord, req: Request) -> bool:
    meta = repo.metadata
    search = req.param("search")
    if search and search.lower() not in repo.repo_id.lower():
        return False
    author = req.param("author")
    if author and repo.namespace.lower() != author.lower():
        return False
    labels = {*meta.tags, meta.pipeline_tag, meta.library_name} - {None}
    for wanted in req.query.get("filter", []):
        for value in wanted.split(","):
            if value and value not in labels:
                return False
    pipeline = req.param("pipeline_tag")
    if pipeline and meta.pipeline_tag != pipeline:
        return False
    library = req.param("library")
    if library and meta.library_name != library and library not in meta.tags:
        return False
    gated = req.param("gated")
    if gated is not None and gated.lower() in ("true", "false"):
        is_gated = repo.gating.api_value() is not False
        if is_gated != (gated.lower() == "true"):
            return False
    return True


def search(emulator: HubHost, req: Request, repo_type: str) -> Response:
    """``GET /api/{models|datasets|spaces}`` with ``search``, ``author``, ``filter``, ``sort``,
    ``direction``, ``limit``, ``full``, ``cardData``, ``expand``."""
    token, valid = emulator.state.token_for(req.header("authorization"))
    if not valid:
        return bad_token()
    repos = [r for r in emulator.state.visible_repos(repo_type, token) if _matches(r, req)]
    sort = req.param("sort") or "trendingScore"
    key = _SORT_KEYS.get(sort)
    if key is None:
        return hf_error(400, None, f"Invalid sort field: {sort}")
    ascending = (req.param("direction") or "-1") in ("1", "asc")
    repos.sort(key=lambda r: r.repo_id.lower())
    repos.sort(key=key, reverse=not ascending)
    full = req.flag("full")
    expand = req.query.get("expand") or req.query.get("expand[]")
    items = [_item(emulator, r, req, full, expand) for r in repos]
    return paginate(req, items, default_limit=1000)


def _item(
    emulator: HubHost, repo: RepoRecord, req: Request, full: bool, expand: list[str] | None
) -> dict[str, Any]:
    head = repo.head
    data = repo_summary(repo, head)
    data["siblings"] = siblings(emulator, repo, head, blobs=False) if head else []
    if expand:
        keys = {"_id", "id", *expand}
    else:
        keys = set(_DEFAULT_KEYS)
        if full:
            keys.update(_FULL_KEYS)
        if req.flag("cardData") or full:
            keys.add("cardData")
        keys.update(repo.metadata.extra)
    return {k: v for k, v in data.items() if k in keys}


def whoami(emulator: HubHost, req: Request) -> Response:
    """``GET /api/whoami-v2``: the token's user, orgs and token role."""
    token, valid = emulator.state.token_for(req.header("authorization"))
    if not valid or token is None:
        return hf_error(401, None, INVALID_CREDENTIALS)
    return json_response(whoami_data(token))


def _object_id(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:24]


def whoami_data(token: TokenRecord) -> dict[str, Any]:
    """The ``whoami-v2`` body for a token."""
    access: dict[str, Any] = {
        "displayName": token.display_name,
        "role": token.role.value,
        "createdAt": iso(1_700_000_000),
    }
    if token.role is TokenRole.FINE_GRAINED:
        access["fineGrained"] = {
            "canReadGatedRepos": token.can_read_gated,
            "global": [],
            "scoped": [
                {
                    "entity": {
                        "_id": _object_id(key),
                        "type": "model" if "/" in key else "user",
                        "name": key,
                    },
                    "permissions": perms,
                }
                for key, perms in token.scopes.items()
            ],
        }
    return {
        "type": "user",
        "id": _object_id(token.user),
        "name": token.user,
        "fullname": token.user,
        "email": f"{token.user}@example.invalid",
        "emailVerified": True,
        "canPay": False,
        "isPro": False,
        "periodEnd": None,
        "avatarUrl": f"/avatars/{token.user}.svg",
        "orgs": [
            {"type": "org", "id": _object_id(o), "name": o, "fullname": o, "roleInOrg": "admin"}
            for o in token.orgs
        ],
        "auth": {"type": "access_token", "accessToken": access},
    }
