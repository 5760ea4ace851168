"""Error answers and repository lookup shared by the hub routes.

Errors follow the Hub (PROTOCOL-DETAILS §2.5): ``X-Error-Code`` + ``X-Error-Message`` headers and
a ``{"error": …}`` body. A missing or invisible repository answers 401 to anonymous callers (with
``X-Error-Code: RepoNotFound``, since the client only maps a bare 401 to RepositoryNotFoundError
on https endpoints) and 404 to authenticated ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

from hfsuite.testing._host import HubHost
from hfsuite.testing._http import Request, Response, json_response
from hfsuite.testing._state import Access, RepoRecord, TokenRecord

INVALID_CREDENTIALS = "Invalid credentials in Authorization header"
API_SEGMENTS = {"models": "model", "datasets": "dataset", "spaces": "space"}


def hf_error(
    status: int,
    code: str | None,
    message: str,
    headers: list[tuple[str, str]] | None = None,
) -> Response:
    """An error answer shaped like the Hub's."""
    extra: list[tuple[str, str]] = []
    if code:
        extra.append(("X-Error-Code", code))
    extra.append(("X-Error-Message", message))
    return json_response({"error": message}, status, [*extra, *(headers or [])])


def bad_token() -> Response:
    """401 for an unknown token (the client keeps it a generic HTTP error)."""
    return hf_error(401, None, INVALID_CREDENTIALS)


def repo_not_found(emulator: HubHost, token: TokenRecord | None) -> Response:
    """401 (anonymous) or 404 (authenticated) RepoNotFound."""
    if token is None:
        code = "RepoNotFound" if emulator.anonymous_repo_not_found_code else None
        return hf_error(
            401,
            code,
            "Invalid username or password.",
            [("WWW-Authenticate", 'Bearer realm="Authentication required", charset="UTF-8"')],
        )
    return hf_error(
        404,
        "RepoNotFound",
        "Repository not found",
    )


def revision_not_found(revision: str) -> Response:
    """404 RevisionNotFound."""
    return hf_error(404, "RevisionNotFound", f"Invalid rev id: {revision}")


def entry_not_found(commit_sha: str, path: str, revision: str) -> Response:
    """404 EntryNotFound, with the X-Repo-Commit the client needs for its .no_exist cache."""
    response = hf_error(404, "EntryNotFound", "Entry not found", [("X-Repo-Commit", commit_sha)])
    response.body = json.dumps(
        {"error": f'Entry not found: {path} does not exist on "{revision}"'}
    ).encode()
    return response


def gated_error(
    emulator: HubHost, req: Request, repo: RepoRecord, token: TokenRecord | None, access: Access
) -> Response:
    """401/403 GatedRepo with the Hub's messages."""
    kind = repo.repo_type
    if token is None:
        return hf_error(
            401,
            "GatedRepo",
            f"Access to {kind} {repo.repo_id} is restricted. You must have access to it and be "
            "authenticated to access it. Please log in.",
        )
    if access is Access.GATED_PENDING:
        message = (
            f"Your request to access {kind} {repo.repo_id} is awaiting a review from the repo "
            "authors."
        )
    else:
        message = (
            f"Access to {kind} {repo.repo_id} is restricted and you are not in the authorized "
            f"list. Visit {req.base_url}/{repo.repo_id} to ask for access."
        )
    return hf_error(403, "GatedRepo", message)


def redirect(location: str, extra: list[tuple[str, str]] | None = None) -> Response:
    """A relative 307, as the Hub answers for renamed repositories."""
    return Response(
        307,
        [("Location", location), ("Content-Type", "text/plain; charset=utf-8"), *(extra or [])],
        f"Temporary Redirect. Redirecting to {location}".encode(),
    )


@dataclass
class RepoCall:
    """A request aimed at an existing, visible repository."""

    repo: RepoRecord
    token: TokenRecord | None


def find_repo(
    emulator: HubHost,
    req: Request,
    repo_type: str,
    repo_id: str,
    prefix: str,
    suffix: str,
) -> RepoCall | Response:
    """Authenticate the caller and find the repository.

    Args:
        emulator: The emulator.
        req: The request.
        repo_type: ``model``, ``dataset`` or ``space``.
        repo_id: The id as requested.
        prefix: The raw path before the id (for redirects).
        suffix: The raw path after the id (for redirects).

    Returns:
        A :class:`RepoCall`, or the response to send instead (bad token, redirect, not found).
    """
    token, valid = emulator.state.token_for(req.header("authorization"))
    if not valid:
        return bad_token()
    record, moved_to = emulator.state.lookup(repo_type, repo_id)
    if moved_to is not None:
        location = prefix + quote(moved_to, safe="/") + suffix
        if req.raw_query:
            location += "?" + req.raw_query
        return redirect(location)
    if record is None or not emulator.state.can_see(record, token):
        return repo_not_found(emulator, token)
    return RepoCall(record, token)


def split_revision(parts: list[str]) -> tuple[str, list[str]]:
    """Split decoded path segments into a revision and the rest.

    ``refs/pr/1`` may arrive encoded as one segment or as three; both give ``refs/pr/1``.
    """
    if not parts:
        return "", []
    if parts[0] == "refs" and len(parts) >= 3 and parts[1] in ("pr", "heads", "tags", "convert"):
        return "/".join(parts[:3]), parts[3:]
    return parts[0], parts[1:]
