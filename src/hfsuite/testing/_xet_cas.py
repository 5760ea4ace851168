"""The emulator speaking Xet: resolve headers, the read-token route and the CAS origin.

When Xet is on for a repository (``HubEmulator(xet=True)``, ``repo.set_xet(True)``, ``xet = true``
in a repo config, or ``serve --xet``), the resolve answer of an LFS file keeps its 302 to the CDN
(the "bridge" that serves whole files with Range, which non-Xet clients such as our engine use)
and adds what sends a Xet client elsewhere::

    X-Xet-Hash: <file id>
    Link: <{hub}/api/{type}s/{repo}/xet-read-token/{commit}>; rel="xet-auth",
          <{cas}/v1/reconstructions/{file id}>; rel="xet-reconstruction-info"
    X-Xet-Refresh-Route: /api/{type}s/{repo}/xet-read-token/{commit}

Hub route::

    GET /api/{type}s/{repo}/xet-read-token/{rev}   JSON {accessToken, exp, casUrl} and the
                                                   X-Xet-Cas-Url / -Access-Token /
                                                   -Token-Expiration headers

CAS origin (its own port; bearer token required except on xorb URLs, which are signed)::

    GET  /v2/reconstructions/{file_id}   V2 JSON (``xorbs``), Range honoured, 416 past the end
    GET  /v1/reconstructions/{file_id}   V1 JSON (``fetch_info``); V2 with the header
                                         ``X-Xet-Reconstruction-Version: 2``
    GET  /xorbs/default/{hash}?Expires=&Signature=   xorb bytes, single Range (206)
    POST /v1/telemetry                   accepted and ignored
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from hfsuite.testing._common import RepoCall, gated_error
from hfsuite.testing._content import Blob
from hfsuite.testing._files import file_response, parse_range, served_blob
from hfsuite.testing._host import HubHost
from hfsuite.testing._http import Request, Response, json_response, text_response
from hfsuite.testing._state import Access
from hfsuite.testing._xet_store import Term, XetFile, XetStore, XorbBlob


def store_of(host: HubHost) -> XetStore | None:
    """The Xet store of an emulator (None when it has none)."""
    store = getattr(host, "xet_store", None)
    return store if isinstance(store, XetStore) else None


def cas_url_of(host: HubHost) -> str:
    """Base URL of the emulator's CAS origin."""
    return f"http://{host.address_of('cas')}"


# -- resolve -----------------------------------------------------------------------------------
def add_resolve_headers(
    host: HubHost, req: Request, response: Response, repo_type: str, repo_id: str, path: str
) -> Response:
    """Add the Xet headers to an LFS resolve answer (a 302) of a repository with Xet on."""
    store = store_of(host)
    if store is None or response.status != 302:
        return response
    headers = dict(response.headers)
    sha = headers.get("X-Repo-Commit")
    if not sha or "X-Linked-Size" not in headers:
        return response  # a rename redirect, not a file
    record, _ = host.state.lookup(repo_type, repo_id)
    if record is None or not store.serves(record):
        return response
    commit = record.commits.get(sha)
    blob = commit.files.get(path) if commit is not None else None
    if blob is None:
        return response
    xet_file = store.file_for(served_blob(host, blob, req))
    route = f"/api/{repo_type}s/{repo_id}/xet-read-token/{sha}"
    cas = cas_url_of(host)
    link = (
        f'<{req.base_url}{route}>; rel="xet-auth", '
        f'<{cas}/v1/reconstructions/{xet_file.file_id}>; rel="xet-reconstruction-info"'
    )
    response.headers += [
        ("X-Xet-Hash", xet_file.file_id),
        ("X-Xet-Refresh-Route", route),
        ("Link", link),
    ]
    return response


def xet_hash_of(host: HubHost, record: object, blob: Blob) -> str | None:
    """The ``xetHash`` a tree listing gives an LFS file of a repository with Xet on (chunking
    the file now if it was not yet); None when the repository does not serve Xet."""
    store = store_of(host)
    if store is None or not store.serves(record):
        return None
    return store.file_for(blob).file_id


# -- tokens ------------------------------------------------------------------------------------
def _token_signature(secret: bytes, expires: int) -> str:
    return hmac.new(secret, f"xet-read|{expires}".encode(), hashlib.sha256).hexdigest()[:40]


def issue_token(host: HubHost, store: XetStore) -> tuple[str, int]:
    """A CAS read token and its expiry (Unix seconds)."""
    expires = int(time.time() + store.token_ttl_s)
    return f"xet_{expires}_{_token_signature(host.secret, expires)}", expires


def token_valid(host: HubHost, token: str) -> bool:
    """Whether ``token`` was issued by this emulator and has not expired."""
    parts = token.split("_")
    if len(parts) != 3 or parts[0] != "xet" or not parts[1].isdigit():
        return False
    expires = int(parts[1])
    good = hmac.compare_digest(parts[2], _token_signature(host.secret, expires))
    return good and time.time() < expires


def xet_read_token(host: HubHost, req: Request, call: RepoCall, revision: str) -> Response:
    """``GET /api/{type}s/{repo}/xet-read-token/{rev}``."""
    store = store_of(host)
    if store is None or not store.serves(call.repo):
        return json_response({"error": "Xet is not enabled for this repository"}, 404)
    if call.repo.resolve_revision(revision) is None:
        return json_response({"error": f"Invalid rev id: {revision}"}, 404)
    if host.state.file_access(call.repo, call.token) is not Access.OK:
        return gated_error(
            host, req, call.repo, call.token, host.state.file_access(call.repo, call.token)
        )
    token, expires = issue_token(host, store)
    cas = cas_url_of(host)
    headers = [
        ("X-Xet-Cas-Url", cas),
        ("X-Xet-Access-Token", token),
        ("X-Xet-Token-Expiration", str(expires)),
    ]
    body = {"accessToken": token, "exp": expires, "casUrl": cas}
    return json_response(body, 200, headers)


# -- the CAS origin ----------------------------------------------------------------------------
def cas_router(host: HubHost, req: Request) -> Response:
    """Route one request of the CAS origin."""
    store = store_of(host)
    segs = req.segments
    if store is None:
        return json_response({"error": "Not Found"}, 404)
    if req.method == "POST" and segs[:2] == ["v1", "telemetry"]:
        return json_response({})
    if req.method in ("GET", "HEAD") and len(segs) == 3 and segs[0] == "xorbs":
        return _xorb(host, store, req, segs[2])
    if req.method in ("GET", "HEAD") and len(segs) == 3 and segs[1] == "reconstructions":
        if segs[0] == "v2" and not store.reconstruction_v2:
            return json_response({"error": "Not Found"}, 404)
        if segs[0] not in ("v1", "v2"):
            return json_response({"error": "Not Found"}, 404)
        version = 2 if segs[0] == "v2" else 1
        if req.header("x-xet-reconstruction-version") == "2" and store.reconstruction_v2:
            version = 2
        return _reconstruction(host, store, req, segs[2], version)
    return json_response({"error": "Not Found"}, 404)


def _bearer(req: Request) -> str:
    auth = req.header("authorization") or ""
    return auth[7:].strip() if auth.lower().startswith("bearer ") else ""


def _reconstruction(
    host: HubHost, store: XetStore, req: Request, file_id: str, version: int
) -> Response:
    if not token_valid(host, _bearer(req)):
        return json_response({"error": "Unauthorized"}, 401)
    xet_file = store.lookup_file(file_id.lower())
    if xet_file is None:
        return json_response({"error": "File not found"}, 404)
    rng = parse_range(req.header("range"), xet_file.size)
    if rng == "unsatisfiable" or (xet_file.size == 0 and req.header("range")):
        return Response(
            416,
            [("Content-Range", f"bytes */{xet_file.size}"), ("Content-Type", "text/plain")],
            b"Requested Range Not Satisfiable",
        )
    start, end = rng if isinstance(rng, tuple) else (0, xet_file.size - 1)
    body = reconstruction_json(host, xet_file, start, end, version)
    return json_response(body, 200, [("X-Xet-Reconstruction-Version", str(version))])


def reconstruction_json(
    host: HubHost, xet_file: XetFile, start: int, end: int, version: int
) -> dict[str, Any]:
    """The reconstruction of bytes ``[start, end]`` of a file, as V1 or V2 JSON."""
    if xet_file.size == 0:
        terms: list[Term] = []
        skip = 0
    else:
        terms, skip = xet_file.terms_for(start, end)
    body: dict[str, Any] = {
        "offset_into_first_range": skip,
        "terms": [
            {
                "hash": t.xorb.hash_hex,
                "unpacked_length": t.size,
                "range": {"start": t.first, "end": t.end},
            }
            for t in terms
        ],
    }
    seen: dict[str, list[tuple[int, int]]] = {}
    for t in terms:
        ranges = seen.setdefault(t.xorb.hash_hex, [])
        if (t.first, t.end) not in ranges:
            ranges.append((t.first, t.end))
    by_name = {t.xorb.hash_hex: t.xorb for t in terms}
    if version == 2:
        xorbs: dict[str, list[dict[str, Any]]] = {}
        for name, ranges in seen.items():
            url = xorb_url(host, name)
            xorbs[name] = [
                {
                    "url": url,
                    "ranges": [
                        {
                            "chunks": {"start": a, "end": b},
                            "bytes": _byte_range(by_name[name].byte_range(a, b)),
                        }
                    ],
                }
                for a, b in ranges
            ]
        body["xorbs"] = xorbs
    else:
        body["fetch_info"] = {
            name: [
                {
                    "range": {"start": a, "end": b},
                    "url": xorb_url(host, name),
                    "url_range": _byte_range(by_name[name].byte_range(a, b)),
                }
                for a, b in ranges
            ]
            for name, ranges in seen.items()
        }
    return body


def _byte_range(pair: tuple[int, int]) -> dict[str, int]:
    return {"start": pair[0], "end": pair[1]}


def _xorb_signature(secret: bytes, name: str, expires: str) -> str:
    return hmac.new(secret, f"xorb|{name}|{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def xorb_url(host: HubHost, name: str) -> str:
    """A signed URL for one xorb, valid for the emulator's CDN URL lifetime."""
    expires = f"{time.time() + host.settings.cdn_url_ttl_s:.3f}"
    sig = _xorb_signature(host.secret, name, expires)
    return f"{cas_url_of(host)}/xorbs/default/{name}?Expires={expires}&Signature={sig}"


def _xorb(host: HubHost, store: XetStore, req: Request, name: str) -> Response:
    expires, sig = req.param("Expires"), req.param("Signature")
    if not expires or not sig:
        return text_response("Missing signature", 403)
    if not hmac.compare_digest(sig, _xorb_signature(host.secret, name, expires)):
        return text_response("Invalid signature", 403)
    try:
        expired = time.time() >= float(expires)
    except ValueError:
        expired = True
    if expired:
        return text_response("Request has expired", 403)
    xorb = store.lookup_xorb(name)
    if xorb is None:
        return text_response("No such xorb", 404)
    blob: Blob = XorbBlob(xorb)
    return file_response(req, blob, [("Content-Type", "application/octet-stream")])
