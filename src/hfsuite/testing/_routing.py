"""URL routing for the hub origin, and the ``/_emulator/…`` control endpoints.

Hub routes::

    GET  /api/whoami-v2
    GET  /api/{models|datasets|spaces}                          search
    GET  /api/{type}s/{repo_id}[/revision/{rev}]                info
    GET  /api/{type}s/{repo_id}/tree/{rev}[/{path}]
    POST /api/{type}s/{repo_id}/paths-info/{rev}
    GET  /api/{type}s/{repo_id}/refs | /commits/{rev} | /auth-check[/write]
    GET  /api/{type}s/{repo_id}/xet-read-token/{rev}            Xet (see _xet_cas)
    GET  /api/v1/…                                              ModelScope
    HEAD/GET /[datasets/|spaces/]{repo_id}/resolve/{rev}/{path}

Control routes (never logged, never faulted)::

    GET    /_emulator/health       {"ok", "url", "cdn_url", "cas_url"}
    GET    /_emulator/xet          Xet store figures: files, chunks, xorbs, chunking time
    GET    /_emulator/faults       current knobs and rules (with counters)
    POST   /_emulator/faults       update knobs/rules (see FaultSettings.update)
    DELETE /_emulator/faults       reset every knob and rule
    GET    /_emulator/requests     the request log (filters: path, method, origin, status)
    DELETE /_emulator/requests     clear the request log
"""

from __future__ import annotations

import json

from hfsuite.testing._api import auth_check, commits, paths_info, refs, repo_info, tree
from hfsuite.testing._common import API_SEGMENTS, RepoCall, find_repo, split_revision
from hfsuite.testing._files import not_found_json, resolve
from hfsuite.testing._host import HubHost
from hfsuite.testing._http import Request, Response, json_response
from hfsuite.testing._modelscope import modelscope_router
from hfsuite.testing._search import search, whoami
from hfsuite.testing._xet_cas import add_resolve_headers, cas_url_of, store_of, xet_read_token

_ACTIONS = {"revision", "tree", "paths-info", "refs", "commits", "auth-check", "xet-read-token"}


def hub_router(emulator: HubHost, req: Request) -> Response:
    """Route one hub request."""
    segs = req.segments
    raw = req.raw_path.split("/")[1:]
    if segs and segs[0] == "api":
        if len(segs) >= 2 and segs[1] == "v1":
            return modelscope_router(emulator, req)
        if segs[1:] == ["whoami-v2"]:
            return whoami(emulator, req)
        if len(segs) == 2 and segs[1] in API_SEGMENTS:
            return search(emulator, req, API_SEGMENTS[segs[1]])
        if len(segs) >= 3 and segs[1] in API_SEGMENTS and segs[2]:
            return _repo_api(emulator, req, API_SEGMENTS[segs[1]], segs, raw)
        return not_found_json()
    start, repo_type = 0, "model"
    if segs and segs[0] in ("datasets", "spaces") and "resolve" in segs[2:4]:
        start, repo_type = 1, API_SEGMENTS[segs[0]]
    rest = segs[start:]
    if len(rest) >= 4 and rest[2] == "resolve":
        id_len = 2
    elif len(rest) >= 3 and rest[1] == "resolve":
        id_len = 1
    else:
        return not_found_json()
    repo_id = "/".join(rest[:id_len])
    prefix = "/" + "".join(s + "/" for s in raw[:start])
    suffix = "/" + "/".join(raw[start + id_len :])
    response = resolve(emulator, req, repo_type, repo_id, prefix, suffix, rest[id_len + 1 :])
    path = "/".join(split_revision(rest[id_len + 1 :])[1])
    return add_resolve_headers(emulator, req, response, repo_type, repo_id, path)


def _repo_api(
    emulator: HubHost, req: Request, repo_type: str, segs: list[str], raw: list[str]
) -> Response:
    body = segs[2:]
    two = "/".join(body[:2]) if len(body) >= 2 else None
    if two is not None and emulator.state.known(repo_type, two):
        id_len = 2
    elif len(body) == 1 or emulator.state.known(repo_type, body[0]) or body[1] in _ACTIONS:
        id_len = 1
    else:
        id_len = 2
    repo_id = "/".join(body[:id_len])
    action = body[id_len:]
    prefix = "/" + "/".join(raw[:2]) + "/"
    suffix = "".join("/" + s for s in raw[2 + id_len :])
    found = find_repo(emulator, req, repo_type, repo_id, prefix, suffix)
    if isinstance(found, Response):
        return found
    call: RepoCall = found
    head, args = (action[0], action[1:]) if action else ("", [])
    if req.method not in ("GET", "HEAD") and head != "paths-info":
        return json_response({"error": "Method Not Allowed"}, 405)
    if head == "":
        return repo_info(emulator, req, call, None)
    if head == "revision" and args:
        return repo_info(emulator, req, call, "/".join(args))
    if head == "tree" and args:
        return tree(emulator, req, call, args)
    if head == "paths-info" and args and req.method == "POST":
        return paths_info(emulator, req, call, args)
    if head == "refs" and not args:
        return refs(req, call)
    if head == "commits" and args:
        return commits(req, call, args)
    if head == "auth-check" and args in ([], ["write"]):
        return auth_check(emulator, req, call, write=bool(args))
    if head == "xet-read-token" and args:
        return xet_read_token(emulator, req, call, "/".join(args))
    return not_found_json()


def control(emulator: HubHost, req: Request) -> Response:
    """Answer ``/_emulator/…`` requests (reconfiguration from another process)."""
    what = req.segments[1] if len(req.segments) > 1 else ""
    if what == "health":
        return json_response(
            {"ok": True, "url": emulator.url, "cdn_url": emulator.cdn_url}
            | ({"cas_url": cas_url_of(emulator)} if store_of(emulator) is not None else {})
        )
    if what == "xet":
        store = store_of(emulator)
        return json_response(store.stats() if store is not None else {"enabled": False})
    if what == "faults":
        if req.method == "GET":
            return json_response(emulator.settings.to_dict())
        if req.method == "DELETE":
            emulator.settings.clear()
            return json_response(emulator.settings.to_dict())
        if req.method == "POST":
            try:
                data = json.loads(req.body or b"{}")
                if not isinstance(data, dict):
                    raise ValueError("expected a JSON object")
                emulator.settings.update(data)
            except (ValueError, TypeError) as exc:
                return json_response({"error": str(exc)}, 400)
            return json_response(emulator.settings.to_dict())
    if what == "requests":
        if req.method == "DELETE":
            emulator.log.clear()
            return json_response([])
        status = req.param("status")
        records = emulator.log.filter(
            path=req.param("path"),
            method=req.param("method"),
            origin=req.param("origin"),
            status=int(status) if status else None,
        )
        return json_response([r.to_dict() for r in records])
    return json_response({"error": "unknown control endpoint"}, 404)
