"""Failures for the window's error inspector: what failed, when, why, and what to do.

A :class:`Failure` is one thing that went wrong — a queue task, one file of it, a library scan,
a name that could not be resolved — with the message, the cause and the fix, and the technical
details (exception type, exit code, task id, URL, traceback when there is one).

The cause and the fix are not written twice: they are the rows of ``docs/errors.md``, the page
every message is documented on (tests check each message appears there word for word). A message
is matched against the rows' message patterns (``<placeholders>`` match any text) and the most
specific row wins; :func:`explain` does that. Where the page is not shipped (an installed wheel
without the docs), the error's own hint is the fix and the cause is left empty.

:func:`list_failures` reads the failures the database keeps: failed queue tasks (and the file
their message names), and failed downloads in the history whose task is gone from the queue.
Live failures (an error shown in the window, a file failing while a task goes on) are turned
into failures by :func:`failure_of_exception` and :func:`failure_of_file`.
"""

from __future__ import annotations

import enum
import functools
import html
import re
import time
import traceback as tb
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hfsuite.core.errors import HfSuiteError
from hfsuite.core.types import Outcome, RepoType, TaskState

if TYPE_CHECKING:
    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.storage import HistoryRecord, TaskRecord

__all__ = [
    "ErrorDoc",
    "Failure",
    "FailureKind",
    "error_docs",
    "explain",
    "failure_of_exception",
    "failure_of_file",
    "failure_of_history",
    "failure_of_task",
    "list_failures",
]

_MIN_LITERAL = 8  # a documented message with fewer fixed characters explains nothing
_CODE = re.compile(r"`([^`]*)`")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_PLACEHOLDER = re.compile(r"<[^<>`]+>")


class FailureKind(enum.StrEnum):
    """What failed."""

    TASK = "task"
    """A queue task (a whole download)."""
    FILE = "file"
    """One file of a download."""
    SCAN = "scan"
    """A library scan (or verify, or a duplicates search)."""
    RESOLVE = "resolve"
    """Reading a name, asking the Hub about a repository, planning."""
    OTHER = "other"
    """Anything else the window showed."""


@dataclass(frozen=True)
class ErrorDoc:
    """One documented message (a row of docs/errors.md).

    Attributes:
        message: The message as documented, placeholders in angle brackets.
        exit_code: Its exit code (None where the row gives none).
        cause: Why it happens (markdown: `code` spans kept).
        fix: What to do.
        section: The page's section it is in.
    """

    message: str
    exit_code: int | None
    cause: str
    fix: str
    section: str
    pattern: re.Pattern[str] = field(repr=False, compare=False, default=re.compile(""))
    literal: int = field(repr=False, compare=False, default=0)


def docs_file() -> Path | None:
    """Where docs/errors.md is: shipped in the package (``hfsuite/_docs``), or the source
    checkout's ``docs/``; None when neither is there."""
    here = Path(__file__).resolve()
    for candidate in (
        here.parents[1] / "_docs" / "errors.md",
        here.parents[3] / "docs" / "errors.md",
    ):
        if candidate.is_file():
            return candidate
    return None


def _cells(line: str) -> list[str]:
    body = line.strip()
    if not (body.startswith("|") and body.endswith("|")):
        return []
    # split on | outside `code` spans
    cells: list[str] = []
    current: list[str] = []
    in_code = False
    for ch in body[1:-1]:
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    cells.append("".join(current).strip())
    return cells


def _pattern(message: str) -> tuple[re.Pattern[str], int]:
    parts: list[str] = []
    literal = 0
    last = 0
    for match in _PLACEHOLDER.finditer(message):
        text = message[last : match.start()]
        parts.append(re.escape(text))
        literal += len(text)
        parts.append(r".+?")
        last = match.end()
    tail = message[last:]
    parts.append(re.escape(tail))
    literal += len(tail)
    return re.compile("".join(parts), re.DOTALL), literal


def parse_error_docs(text: str) -> list[ErrorDoc]:
    """The documented messages of an errors.md text (tables whose first column is
    ``message``: the cause is the ``cause`` or ``meaning`` column, the fix the ``fix`` one)."""
    docs: list[ErrorDoc] = []
    section = ""
    header: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            section = line.lstrip("#").strip()
            header = []
            continue
        cells = _cells(line)
        if not cells:
            header = []
            continue
        if not header:
            header = [c.lower() for c in cells]
            continue
        if set("".join(cells)) <= set("-: ") or header[0] != "message" or len(cells) < 2:
            continue
        row = dict(zip(header, cells, strict=False))
        code = row.get("exit", "").strip()
        cause = row.get("cause") or row.get("meaning") or ""
        fix = row.get("fix", "")
        for message in _CODE.findall(cells[0]):
            pattern, literal = _pattern(message)
            if literal < _MIN_LITERAL:
                continue
            docs.append(
                ErrorDoc(
                    message,
                    int(code) if code.isdigit() else None,
                    cause,
                    fix,
                    section,
                    pattern,
                    literal,
                )
            )
    return docs


@functools.lru_cache(maxsize=1)
def error_docs() -> tuple[ErrorDoc, ...]:
    """The messages documented in docs/errors.md (empty when the page is not there)."""
    path = docs_file()
    if path is None:
        return ()
    try:
        return tuple(parse_error_docs(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return ()


def explain(message: str, docs: Iterable[ErrorDoc] | None = None) -> ErrorDoc | None:
    """The documented row a message is an instance of (the most specific one), or None."""
    best: ErrorDoc | None = None
    for doc in error_docs() if docs is None else docs:
        if doc.pattern.match(message) and (best is None or doc.literal > best.literal):
            best = doc
    return best


def plain(markdown: str) -> str:
    """A docs cell as plain text (code spans and links unwrapped)."""
    return _LINK.sub(r"\1", markdown).replace("`", "")


def rich(markdown: str) -> str:
    """A docs cell as Qt rich text (code spans as ``<code>``)."""
    out: list[str] = []
    last = 0
    text = _LINK.sub(r"\1", markdown)
    for match in _CODE.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<code>{html.escape(match.group(1))}</code>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


@dataclass(frozen=True)
class Failure:
    """One thing that went wrong, for the error inspector.

    Attributes:
        key: Unique among failures (``task:12``, ``file:12:model.bin``, ``live:3``).
        kind: What failed.
        time: When (epoch seconds).
        what: What failed, in words (``Download of org/model``).
        message: The message, as shown to the user (its hint apart).
        hint: The error's own hint, if any.
        cause: Why (from docs/errors.md; markdown), if known.
        fix: What to do (docs/errors.md, else the hint), if known.
        error_type: The exception's class name, when there was an exception.
        exit_code: The error's exit code (the documented one for a stored message).
        task_id: The queue task, if any.
        url: The repository's page or the file's URL, if any.
        traceback: The traceback, when there is one (unexpected errors).
        details: The error's technical details, if any.
        path: For a file: its path in the repository.
        history_id: For a failed download kept only in the history: its entry (retrying
            queues it again).
    """

    key: str
    kind: FailureKind
    time: float
    what: str
    message: str
    hint: str | None = None
    cause: str | None = None
    fix: str | None = None
    error_type: str | None = None
    exit_code: int | None = None
    task_id: int | None = None
    url: str | None = None
    traceback: str | None = None
    details: str | None = None
    path: str | None = None
    history_id: int | None = None

    @property
    def retryable(self) -> bool:
        """Whether the inspector offers "Retry" (a task to retry, a history entry to download
        again, a scan to run again)."""
        return (
            self.task_id is not None or self.history_id is not None or self.kind is FailureKind.SCAN
        )

    def text(self) -> str:
        """Everything searchable, lower case (the inspector's filter)."""
        parts = (self.kind.value, self.what, self.message, self.hint, self.error_type, self.url)
        return " ".join(p for p in parts if p).lower()

    def report(self) -> str:
        """A plain-text report (copied to the clipboard)."""
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.time))
        lines = [f"{self.what} failed ({self.kind.value}) at {when}", "", self.message]
        if self.hint:
            lines.append(self.hint)
        if self.cause:
            lines += ["", f"Cause: {plain(self.cause)}"]
        if self.fix:
            lines += ["", f"Fix: {plain(self.fix)}"]
        lines += ["", "Details:"]
        for label, value in (
            ("error", self.error_type),
            ("exit code", self.exit_code),
            ("task", self.task_id),
            ("file", self.path),
            ("url", self.url),
        ):
            if value is not None:
                lines.append(f"  {label}: {value}")
        if self.details:
            lines += ["", self.details]
        if self.traceback:
            lines += ["", self.traceback]
        return "\n".join(lines).rstrip() + "\n"


def _explained(message: str, hint: str | None) -> tuple[str | None, str | None, int | None]:
    doc = explain(message)
    if doc is None:
        return None, hint, None
    return doc.cause or None, doc.fix or hint, doc.exit_code


def failure_of_exception(
    error: BaseException,
    *,
    key: str,
    kind: FailureKind | None = None,
    what: str | None = None,
    when: float | None = None,
    task_id: int | None = None,
    url: str | None = None,
) -> Failure:
    """A failure from an exception (an error the window shows).

    Without ``kind``, the module that raised it tells: the library → a scan, the sources and
    name reading → resolving, the engine → a file.
    """
    kind = kind or _kind_of(error)
    if isinstance(error, HfSuiteError):
        message, hint, details = error.message, error.hint, error.details
        code: int | None = error.exit_code
        trace = None
        if error.__cause__ is not None and not isinstance(error.__cause__, HfSuiteError):
            trace = "".join(tb.format_exception(error.__cause__)).strip() or None
    else:
        message, hint, details, code = str(error) or type(error).__name__, None, None, None
        trace = "".join(tb.format_exception(error)).strip() or None
    cause, fix, documented = _explained(message, hint)
    return Failure(
        key=key,
        kind=kind,
        time=time.time() if when is None else when,
        what=what or _what_of(kind),
        message=message,
        hint=hint,
        cause=cause,
        fix=fix,
        error_type=type(error).__name__,
        exit_code=code if code is not None else documented,
        task_id=task_id,
        url=url,
        traceback=trace,
        details=details,
    )


def _kind_of(error: BaseException) -> FailureKind:
    modules = []
    trace = error.__traceback__
    while trace is not None:
        modules.append(trace.tb_frame.f_globals.get("__name__", ""))
        trace = trace.tb_next
    for module in reversed(modules):  # the innermost frame of ours decides
        if module.startswith(("hfsuite.app.library", "hfsuite.library")):
            return FailureKind.SCAN
        if module.startswith("hfsuite.engine"):
            return FailureKind.FILE
        if module.startswith(("hfsuite.sources", "hfsuite.app.hub", "hfsuite.app.download")):
            return FailureKind.RESOLVE
        if module.startswith("hfsuite.app.queue"):
            return FailureKind.TASK
    return FailureKind.OTHER


def _what_of(kind: FailureKind) -> str:
    return {
        FailureKind.TASK: "A download",
        FailureKind.FILE: "A file",
        FailureKind.SCAN: "The library scan",
        FailureKind.RESOLVE: "Looking up a repository",
        FailureKind.OTHER: "An action",
    }[kind]


def _split(stored: str) -> tuple[str, str | None]:
    """A stored error (``message hint``) as message and hint, by the documented message."""
    doc = explain(stored)
    if doc is not None:
        match = doc.pattern.match(stored)
        if match is not None and match.end() < len(stored):
            return stored[: match.end()].rstrip(), stored[match.end() :].strip() or None
    return stored, None


def repo_url(
    endpoint: str, repo_id: str | None, repo_type: RepoType, url: str | None
) -> str | None:
    """The repository's page on the endpoint (a plain URL task: its URL)."""
    if repo_id is None:
        return url
    prefix = {RepoType.DATASET: "datasets/", RepoType.SPACE: "spaces/"}.get(repo_type, "")
    return f"{endpoint.rstrip('/')}/{prefix}{repo_id}"


def failure_of_task(task: TaskRecord, endpoint: str) -> list[Failure]:
    """A failed task, and the file its message names (engine messages start ``<path>:``)."""
    stored = task.error or "Failed."
    message, hint = _split(stored)
    cause, fix, code = _explained(message, hint)
    name = task.display_name
    when = task.finished_at or task.updated_at
    url = repo_url(endpoint, task.repo_id, task.repo_type, task.url)
    failures = [
        Failure(
            key=f"task:{task.id}",
            kind=FailureKind.TASK,
            time=when,
            what=f"Download of {name}",
            message=message,
            hint=hint,
            cause=cause,
            fix=fix,
            exit_code=code,
            task_id=task.id,
            url=url,
        )
    ]
    for path in task.files or ():
        if message.startswith(f"{path}:") or message.startswith(f"{path} "):
            failures.append(failure_of_file(task.id, name, path, stored, when, url))
    return failures


def failure_of_file(
    task_id: int | None, name: str, path: str, stored: str, when: float, url: str | None = None
) -> Failure:
    """One file that failed (a live ``FileFailed`` event or a stored task message)."""
    message, hint = _split(stored)
    cause, fix, code = _explained(message, hint)
    return Failure(
        key=f"file:{task_id}:{path}",
        kind=FailureKind.FILE,
        time=when,
        what=f"File {path} of {name}",
        message=message,
        hint=hint,
        cause=cause,
        fix=fix,
        exit_code=code,
        task_id=task_id,
        url=url,
        path=path,
    )


def failure_of_history(record: HistoryRecord, endpoint: str) -> Failure:
    """A failed download kept in the history (its task no longer in the queue)."""
    message, hint = _split(record.error or "Failed.")
    cause, fix, code = _explained(message, hint)
    name = record.repo_id or record.url or f"history {record.id}"
    return Failure(
        key=f"history:{record.id}",
        kind=FailureKind.TASK,
        time=record.finished_at,
        what=f"Download of {name}",
        message=message,
        hint=hint,
        cause=cause,
        fix=fix,
        exit_code=code,
        task_id=None,
        url=repo_url(endpoint, record.repo_id, record.repo_type, record.url),
        history_id=record.id,
    )


def list_failures(manager: DownloadManager, *, limit: int = 500) -> list[Failure]:
    """The failures the database keeps, newest first: failed queue tasks (with the file their
    message names), then failed history rows whose task is gone from the queue."""
    from hfsuite.storage import HistoryQuery

    endpoint = manager.suite.settings.endpoint
    failures: list[Failure] = []
    tasks = manager.list_tasks([TaskState.FAILED], limit=limit)
    for task in tasks:
        failures.extend(failure_of_task(task, endpoint))
    failed_ids = {t.id for t in tasks}
    with manager.db.read() as uow:
        history = uow.history.find(HistoryQuery(outcomes=[Outcome.FAILED], limit=limit))
        # only the history's own tasks are looked up (never the whole queue: it may hold
        # thousands of tasks, read while the window opens)
        gone = {
            r.task_id
            for r in history
            if r.task_id is not None
            and r.task_id not in failed_ids
            and uow.tasks.get(r.task_id) is None
        }
    for record in history:
        if record.task_id is None or record.task_id in gone:
            failures.append(failure_of_history(record, endpoint))
    failures.sort(key=lambda f: f.time, reverse=True)
    return failures[:limit]
