"""``hfsuite worker``: run downloads from a shared queue; ``hfsuite workers ls``: the fleet.

A worker is a queue runner with a name. On a PostgreSQL database (``db_url``) any number of
them, on any hosts, share one queue (docs/scale.md); on SQLite one runs at a time, as
``hfsuite queue run --watch`` does.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from hfsuite.cli.json_views import document
from hfsuite.cli.output import err, json_option, out, print_json
from hfsuite.cli.tables import FoldingTable
from hfsuite.core.i18n import N_, _, tr
from hfsuite.core.units import format_duration, format_rate

HELP = _(
    "Run queued downloads as a named worker.\n\n"
    "It runs until Ctrl-C or SIGTERM (with --until-empty: until no task is left).\n"
    "On a PostgreSQL database (setting db_url) any number of workers, on this host or others,\n"
    "share the queue: each claims the next tasks, renews its lease every second, and a task\n"
    "of a worker that died goes to another, which resumes its files where they stopped (the\n"
    "destination must be the same shared folder on every host). On SQLite one runner works at\n"
    "a time. See docs/scale.md.\n\n"
    "Examples:\n\n"
    "  hfsuite worker --name gpu-01 --slots 4 --until-empty\n\n"
    "  hfsuite worker --until-empty --json"
)

app = typer.Typer(
    help=_(
        "The queue's workers (see hfsuite worker).\n\n"
        "Examples:\n\n"
        "  hfsuite workers ls\n\n"
        "  hfsuite workers ls --all --json"
    ),
    no_args_is_help=True,
)

_STATES = (N_("running"), N_("stopped"), N_("lost"))


def register(holder: typer.Typer) -> None:
    """Add ``worker`` to the main app."""
    holder.command("worker", help=HELP)(worker_command)


def worker_command(
    ctx: typer.Context,
    name: str = typer.Option(
        None, "--name", help=_("The name hfsuite workers ls shows (default: host-pid).")
    ),
    slots: int = typer.Option(
        None, "--slots", "-j", min=1, max=32, help=_("Tasks at once (default: setting).")
    ),
    until_empty: bool = typer.Option(
        False, "--until-empty", help=_("Stop when no task is waiting or running here.")
    ),
    as_json: bool = json_option(_("JSON lines instead of progress bars (docs/json.md).")),
) -> None:
    from hfsuite.app.queue.liveness import default_worker_name
    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.cli.queue_cmd import run_with_display

    state = ctx.find_root().obj
    if name is not None and not name.strip():
        from hfsuite.core.errors import UsageError

        raise UsageError(tr("A worker's name cannot be empty."))
    name = name.strip() if name is not None else default_worker_name()
    manager = DownloadManager(state.suite())
    if slots:
        manager.tasks_in_parallel = slots
    stop = threading.Event()
    if not as_json and not state.quiet:
        err.print(
            _("Worker {name}: {slots} slot(s) on {database}. Ctrl-C stops.").format(
                name=name,
                slots=manager.tasks_in_parallel,
                database=manager.db.url,
            ),
            highlight=False,
            style="dim",
        )
    with _stop_on_sigterm(stop):
        run_with_display(ctx, manager, watch=not until_empty, as_json=as_json, name=name, stop=stop)


@contextmanager
def _stop_on_sigterm(stop: threading.Event) -> Iterator[None]:
    """SIGTERM (a service manager stopping the worker) stops it as Ctrl-C does: running tasks
    go back to the queue with their partial files."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@app.command(
    "ls",
    help=_(
        "List the queue's workers: state, heartbeat age, slots, tasks running, speed.\n\n"
        "running: it beats; stopped: it ended normally; lost: no heartbeat for 15 s\n"
        "(killed, crashed, host gone): its tasks go back to the queue.\n\n"
        "Examples:\n\n"
        "  hfsuite workers ls\n\n"
        "  hfsuite workers ls --all --json"
    ),
)
def list_command(
    ctx: typer.Context,
    show_all: bool = typer.Option(
        False, "--all", "-a", help=_("Also workers that stopped or were lost.")
    ),
    as_json: bool = json_option(_("JSON instead of a table (docs/json.md).")),
) -> None:
    from hfsuite.app.queue.liveness import worker_state
    from hfsuite.app.queue.manager import DownloadManager

    manager = DownloadManager(ctx.find_root().obj.suite())
    now = manager.suite.clock.now()
    workers = [(w, worker_state(w, now)) for w in manager.workers()]
    if not show_all:
        workers = [(w, s) for w, s in workers if s == "running"]
    if as_json:
        print_json(
            document(
                "worker-list",
                {
                    "workers": [
                        {
                            "id": w.id,
                            "name": w.name,
                            "host": w.host,
                            "pid": w.pid,
                            "state": s,
                            "slots": w.slots,
                            "running": w.running,
                            "bytes_per_s": w.bytes_per_s,
                            "tasks_done": w.tasks_done,
                            "started_at": w.started_at,
                            "heartbeat_at": w.heartbeat_at,
                            "heartbeat_age_s": round(w.heartbeat_age(now), 3),
                            "stopped_at": w.stopped_at,
                        }
                        for w, s in workers
                    ]
                },
            )
        )
        return
    if not workers:
        err.print(
            _("No worker is running.") if not show_all else _("No worker has run yet."),
            style="dim",
            highlight=False,
        )
        return
    table = FoldingTable(box=None, pad_edge=False)
    for title, justify in (
        (_("name"), "left"),
        (_("state"), "left"),
        (_("host"), "left"),
        (_("pid"), "right"),
        (_("heartbeat"), "right"),
        (_("slots"), "right"),
        (_("tasks"), "right"),
        (_("speed"), "right"),
        (_("done"), "right"),
    ):
        table.add_column(title, justify=justify)
    for w, s in workers:
        table.add_row(
            w.name,
            _(s),
            w.host,
            str(w.pid),
            _("{age} ago").format(age=format_duration(w.heartbeat_age(now))),
            str(w.slots),
            str(w.running),
            format_rate(w.bytes_per_s) if s == "running" else "-",
            str(w.tasks_done),
        )
    out.print(table)
