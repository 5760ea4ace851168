"""app/failures.py without a window: docs/errors.md's rows as explanations, stored failures
read back from the queue and the history, the report a person copies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from manager_unit_helpers import make_suite

from hfsuite.app.failures import (
    FailureKind,
    explain,
    failure_of_exception,
    list_failures,
    parse_error_docs,
    plain,
    rich,
)
from hfsuite.app.queue.manager import DownloadManager
from hfsuite.app.suite import Suite
from hfsuite.core.errors import GatedRepoError, HfSuiteError
from hfsuite.core.types import Outcome, SourceKind, TaskState
from hfsuite.storage import HistorySpec, TaskSpec

DOC = "\n".join(
    [
        "# Errors",
        "",
        "## Transfers",
        "",
        "| message | exit | cause | fix |",
        "|---|---|---|---|",
        "| `<path>: giving up after <n> attempts (<reason>).` | 5 | The server kept answering "
        "5xx. | Try again later. |",
        "| `A | pipe inside code` / `Another <x> form.` | 2 | Two forms, [a link](x.md). | "
        "Run `hfsuite queue ls`. |",
        "| `<x>` | 1 | Too vague to match anything. | — |",
        "",
        "## Answers",
        "",
        "| message | exit | meaning |",
        "|---|---|---|",
        "| `The token of <user> can read <kind> <repo>.` | 0 | Downloads will work. |",
    ]
)


def test_rows_parse_with_pipes_in_code_links_and_several_forms() -> None:
    docs = parse_error_docs(DOC)
    messages = [d.message for d in docs]
    assert messages == [
        "<path>: giving up after <n> attempts (<reason>).",
        "A | pipe inside code",
        "Another <x> form.",
        "The token of <user> can read <kind> <repo>.",
    ]  # "<x>" alone has too little fixed text to explain anything
    two = explain("Another odd form.", docs)
    assert two is not None and two.exit_code == 2 and two.section == "Transfers"
    assert plain(two.cause) == "Two forms, a link."
    assert rich(two.fix) == "Run <code>hfsuite queue ls</code>."
    answer = explain("The token of alice can read model org/x.", docs)
    assert answer is not None and answer.cause == "Downloads will work." and answer.fix == ""
    assert explain("Nothing documented.", docs) is None


def test_an_exception_keeps_its_type_code_hint_and_the_cause_of_its_cause() -> None:
    error = GatedRepoError(
        "Model org/x is gated: accept its conditions at https://hf.co/org/x, then retry.",
        hint="The conditions must be accepted by the account that owns your token.",
    )
    failure = failure_of_exception(error, key="live:1", task_id=7, url="https://hf.co/org/x")
    assert failure.kind is FailureKind.OTHER and failure.error_type == "GatedRepoError"
    assert failure.exit_code == 6 and failure.task_id == 7 and failure.retryable
    assert failure.cause == "The token's owner has not been granted access."
    report = failure.report()
    assert "Cause: The token's owner has not been granted access." in report
    assert "exit code: 6" in report and "url: https://hf.co/org/x" in report
    try:
        try:
            raise OSError(28, "No space left on device")
        except OSError as exc:
            raise HfSuiteError("Cannot write the file.") from exc
    except HfSuiteError as wrapped:
        traced = failure_of_exception(wrapped, key="live:2")
    assert traced.traceback is not None and "No space left on device" in traced.traceback


@pytest.fixture
def suite(tmp_path: Path) -> Iterator[Suite]:
    made = make_suite(tmp_path)
    yield made
    made.close()


def test_stored_failures_newest_first_history_only_when_its_task_is_gone(suite: Suite) -> None:
    manager = DownloadManager(suite)
    gated = (
        "Model org/gated is gated: accept its conditions at https://hf.co/org/gated, then retry."
    )
    file_error = "weights.bin: giving up after 5 attempts (HTTP 503)."
    ids = manager.add(
        [
            TaskSpec(source=SourceKind.HUGGINGFACE, destination="/m/a", repo_id="org/gated"),
            TaskSpec(
                source=SourceKind.HUGGINGFACE,
                destination="/m/b",
                repo_id="org/b",
                files=["weights.bin", "config.json"],
            ),
        ]
    )
    with suite.database.write() as uow:
        uow.tasks.set_state([ids[0]], TaskState.FAILED, error=gated + " Accept them first.")
        uow.tasks.set_state([ids[1]], TaskState.FAILED, error=file_error)
        for task_id, repo in ((ids[0], "org/gated"), (None, "org/old")):
            uow.history.add(
                HistorySpec(
                    source=SourceKind.HUGGINGFACE,
                    outcome=Outcome.FAILED,
                    destination="/m",
                    repo_id=repo,
                    error="Old failure.",
                    task_id=task_id,
                    finished_at=1.0,
                )
            )
    failures = list_failures(manager)
    keys = [f.key for f in failures]
    assert f"task:{ids[0]}" in keys and f"task:{ids[1]}" in keys
    assert f"file:{ids[1]}:weights.bin" in keys  # the file its message names
    history = [f for f in failures if f.key.startswith("history:")]
    assert [f.what for f in history] == ["Download of org/old"]  # org/gated's task is queued
    assert history[0].history_id is not None and history[0].retryable
    assert failures[-1] is history[0]  # oldest last
    gated_failure = next(f for f in failures if f.key == f"task:{ids[0]}")
    assert gated_failure.message == gated and gated_failure.hint == "Accept them first."
    assert gated_failure.exit_code == 6
    assert gated_failure.url == f"{suite.settings.endpoint}/org/gated"
