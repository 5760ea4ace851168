"""``hfsuite demo``: every part of the suite at work against its built-in Hub, offline."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from hfsuite.cli.gui_cmd import require_desktop
from hfsuite.cli.output import out
from hfsuite.core.errors import HfSuiteError, OperationCancelled, UsageError
from hfsuite.core.i18n import N_, _, current_language, tr
from hfsuite.core.units import format_bytes, format_rate, parse_size

if TYPE_CHECKING:
    from hfsuite.app.demo import DemoSandbox

HELP = _(
    """See the suite work in a minute, on any machine, offline.

The built-in Hub emulator serves two generated repositories here: a small
LLM, and a small diffusion model with a LoRA and a ComfyUI workflow. The
suite's own commands then run against it: a download into the HF cache with
progress, three downloads queued into a ComfyUI folder and run, the queue
and the history. With --gui the desktop app opens on the same Hub and data
(with QT_QPA_PLATFORM=offscreen, a picture of its window is saved instead).

Everything happens in a sandbox (its own home, settings, database and HF
cache): nothing outside it is read or written. A temporary sandbox is
removed at the end; --home DIR keeps it (run the demo again: nothing left
to download). --speed 0 lets the demo Hub go as fast as the machine.

Examples:

  hfsuite demo

  hfsuite demo --gui

  hfsuite demo --home ./hfsuite-demo --speed 0
"""
)

_INTERRUPTED = N_("The demo was interrupted; nothing outside its sandbox was touched.")


_SHOWN = (
    N_("Download a model into the HF cache (several connections per file, verified)"),
    N_("Queue the diffusion model's checkpoint for ComfyUI"),
    N_("Queue its LoRA"),
    N_("Queue the ComfyUI workflow that uses both"),
    N_("Run the queue (its tasks at once, with progress)"),
    N_("The queue afterwards"),
    N_("The history"),
    N_("HF cache"),
)
"""The step titles and places of :mod:`hfsuite.app.demo`, shown translated (``_(title)``);
a title missing here is shown in English."""


def register(app: typer.Typer) -> None:
    """Add the command to the main app."""
    app.command("demo", help=HELP)(demo_command)


def demo_command(
    gui: bool = typer.Option(
        False, "--gui", help=_("Open the desktop app on the demo at the end.")
    ),
    home: Path = typer.Option(
        None, "--home", help=_("Keep the sandbox in this (new or empty) folder.")
    ),
    speed: str = typer.Option(
        "2MiB", "--speed", help=_("Speed of each connection to the demo Hub (0: no limit).")
    ),
) -> None:
    from hfsuite.app.demo import close_sandbox, demo_hub, open_sandbox

    if gui:
        require_desktop()  # before anything else, so a missing library is said at once
    speed_bps = _speed(speed)
    sandbox = open_sandbox(home)
    try:
        with demo_hub(speed_bps or None) as (hub, repos):
            # the steps speak the language this command speaks (the sandbox's own settings
            # and cleared HFSUITE_* variables would otherwise leave them to the system's)
            env = {**sandbox.environment(hub.url), "HFSUITE_LANGUAGE": current_language()}
            serving = ", ".join(repo.repo_id for repo in repos)
            if speed_bps:
                serving += _(", {rate} per connection").format(rate=format_rate(speed_bps))
            out.print(
                _("[bold]HF Download Suite demo[/]: a Hub on {url} serving {repos}.").format(
                    url=hub.url, repos=serving
                )
                + "\n"
                + _("Sandbox: {path}").format(path=sandbox.root)
                + "\n",
                markup=True,
            )
            _run_steps(sandbox, env)
            _summary(sandbox)
            if gui:
                _desktop_app(sandbox, env)
    except KeyboardInterrupt:
        raise OperationCancelled(tr(_INTERRUPTED)) from None
    finally:
        close_sandbox(sandbox)
    if sandbox.temporary:
        out.print(_("The sandbox was removed. Keep it next time with --home DIR."))
    else:
        out.print(
            _(
                "Everything stays in {path}. To see it again (nothing left to download), "
                "in the desktop app: hfsuite demo --home {quoted} --gui"
            ).format(path=sandbox.root, quoted=shlex.quote(str(sandbox.root)))
        )


def _desktop_app(sandbox: DemoSandbox, env: Mapping[str, str]) -> None:
    """Open the desktop app on the demo; offscreen (no window to close), save a picture of it."""
    if env.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        picture = sandbox.root / "desktop-app.png"
        out.print(
            _("[bold]The desktop app[/], offscreen (QT_QPA_PLATFORM): a picture of its window."),
            markup=True,
        )
        code = _run(("gui", "--screenshot", str(picture)), env)
        if not code and sandbox.temporary:
            out.print("  " + _("It goes with the sandbox; keep both with --home DIR."))
    else:
        out.print(
            _("[bold]The desktop app[/], on the same Hub and data: close it to end the demo."),
            markup=True,
        )
        code = _run(("gui",), env)
    if code:
        raise typer.Exit(code)


def _speed(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError:
        raise UsageError(
            tr("--speed {value} is not a rate.", value=repr(text)),
            hint=tr("Examples: 2MiB, 500k, 0 for no limit."),
        ) from None


def _run_steps(sandbox: DemoSandbox, env: Mapping[str, str]) -> None:
    from hfsuite.app.demo import demo_steps

    steps = demo_steps(sandbox)
    for number, step in enumerate(steps, start=1):
        out.print(f"[bold cyan]{number}/{len(steps)}[/] [bold]{_(step.title)}[/]", markup=True)
        out.print(
            f"[dim]$ hfsuite {escape(shlex.join(_shown(step.args, sandbox)))}[/]", markup=True
        )
        code = _run(step.args, env)
        if code == 130:
            raise OperationCancelled(tr(_INTERRUPTED))
        if code:
            raise HfSuiteError(
                tr(
                    "The demo stopped at step {number} (hfsuite {command} ended with exit {code}).",
                    number=number,
                    command=step.args[0],
                    code=code,
                ),
                hint=tr(
                    "The lines above say why. With --home DIR the sandbox (and the suite's log "
                    "in it) is kept for a look."
                ),
            )
        out.print()


def _shown(args: Sequence[str], sandbox: DemoSandbox) -> list[str]:
    """The arguments as shown: sandbox paths start at the sandbox's home, ``~``."""
    home = str(sandbox.home)
    return ["~" + arg[len(home) :] if arg.startswith(home) else arg for arg in args]


def _run(args: Sequence[str], env: Mapping[str, str]) -> int:
    """Run ``hfsuite ARGS`` in the sandbox's environment, on this terminal; its exit code.

    Ctrl-C reaches the child too (same terminal): it is given time to stop cleanly (partial data
    and resume state kept) before the interrupt goes on here.
    """
    sys.stdout.flush()
    child = subprocess.Popen([sys.executable, "-m", "hfsuite", *args], env=dict(env))
    try:
        return child.wait()
    except KeyboardInterrupt:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise


def _summary(sandbox: DemoSandbox) -> None:
    from hfsuite.app.demo import demo_files, workflow_check

    out.print(_("[bold]Where the files went[/]"), markup=True)
    folder = None
    for item in demo_files(sandbox):
        if item.folder != folder:
            folder = item.folder
            shown = "~" + os.sep + str(folder.relative_to(sandbox.home)) + os.sep
            out.print(f"  {_(item.place)}: {shown}")
        out.print(f"    {format_bytes(item.size):>9}  {item.path}")
    missing = workflow_check(sandbox)
    if missing:
        out.print(
            _("[yellow]ComfyUI would not find:[/] ")
            + ", ".join(f"models/{kind}/{name}" for kind, name in missing),
            markup=True,
        )
    elif missing is not None:
        out.print("  " + _("The ComfyUI workflow finds the checkpoint and the LoRA it loads."))
    out.print()
