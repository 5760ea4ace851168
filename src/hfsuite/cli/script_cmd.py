"""``hfsuite script``: a download as a reproducible bash, PowerShell or Python script."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import typer

from hfsuite.app.download.operation import DownloadRequest, parse_target
from hfsuite.app.script.plan import (
    ScriptPlan,
    history_of,
    plan_for_history,
    plan_for_request,
    plan_for_task,
    task_of,
)
from hfsuite.app.script.render import Shell, parse_shell, render_script
from hfsuite.cli.destination_flags import chosen_destination
from hfsuite.cli.output import err
from hfsuite.core.errors import DestinationNotWritableError, UsageError
from hfsuite.core.i18n import _, ngettext, tr
from hfsuite.core.types import RepoType
from hfsuite.core.units import format_bytes

HELP = _(
    """Write a script that downloads a repository (or some of its files) without hfsuite.

The script pins the commit (the revision is resolved now), lists every file with its size
and hash (SHA-256 for LFS files, the git blob id for the others), checks each file after
download, and can be run again to resume. It reads the token from HF_TOKEN when it runs
(a token is never written into it) and the endpoint from HF_ENDPOINT, else the one in
effect now. bash needs curl and sha256sum/shasum; python needs only Python 3.8+;
powershell needs Windows PowerShell 5.1 or PowerShell 7 and writes a plain folder
(--local-dir) only. Without --local-dir or --cache-dir the files go to the HF cache, laid
out as huggingface_hub does. Written to stdout, or with -o to a file (made executable).

Examples:

  hfsuite script openai-community/gpt2 --local-dir ./gpt2 -o get-gpt2.sh

  hfsuite script openai-community/gpt2 config.json tokenizer.json --shell python > get.py

  hfsuite script openai-community/gpt2 --revision v1.0 --include "*.safetensors"

  hfsuite script openai-community/gpt2 --shell powershell --local-dir ./gpt2 -o get.ps1

  hfsuite script --task 2 --shell python -o task2.py

  hfsuite script --history 1
"""
)

_FORM_ONLY = "--revision, --include, --exclude, --repo-type and PATHS"


def register(app: typer.Typer) -> None:
    """Add the command to the main app."""
    app.command("script", help=HELP)(script_command)


def script_command(
    ctx: typer.Context,
    repo: str = typer.Argument(
        None,
        help=_(
            "What to download: org/name (datasets/…, spaces/…) or a Hub URL of a repo, "
            "folder or file (not with --task or --history)."
        ),
    ),
    paths: list[str] = typer.Argument(None, help=_("Files or folders to download (default: all).")),
    shell: str = typer.Option(
        "bash", "--shell", "-s", help=_("The script's language: bash, powershell or python.")
    ),
    output: Path = typer.Option(
        None, "--output", "-o", help=_("Write the script to this file (default: stdout).")
    ),
    task: int = typer.Option(None, "--task", help=_("The script of this queued task.")),
    history: int = typer.Option(None, "--history", help=_("The script of this history entry.")),
    profile: str = typer.Option(
        None, "--profile", help=_("A profile as destination (not available yet).")
    ),
    repo_type: RepoType = typer.Option(
        None, "--repo-type", "--type", help=_("model, dataset or space.")
    ),
    revision: str = typer.Option(
        None, "--revision", help=_("Branch, tag, commit or PR ref (pinned to its commit now).")
    ),
    include: list[str] = typer.Option(None, "--include", help=_("Glob of files to keep (repeat).")),
    exclude: list[str] = typer.Option(None, "--exclude", help=_("Glob of files to drop (repeat).")),
    local_dir: Path = typer.Option(None, "--local-dir", help=_("Download into this folder.")),
    cache_dir: Path = typer.Option(None, "--cache-dir", help=_("HF cache folder.")),
    token: str = typer.Option(
        None,
        "--token",
        help=_("Token used now, to read the repository (never written into the script)."),
    ),
    endpoint: str = typer.Option(
        None,
        "--endpoint",
        help=_("Hub URL or mirror (default: setting); the script's default."),
    ),
) -> None:
    chosen = parse_shell(shell)
    state = ctx.find_root().obj
    if endpoint:
        state.overrides.update({"endpoint": endpoint})
    if profile is not None:
        raise UsageError(
            tr(
                "--profile is not available yet: profiles cannot be used as a download "
                "destination in this version."
            ),
            hint=tr("Give the folder with --local-dir (or --cache-dir) instead."),
        )
    forms = [name for name, given in (("REPO", repo), ("--task", task), ("--history", history))
             if given is not None]  # fmt: skip
    if len(forms) != 1:
        raise UsageError(
            _(
                "Name one thing to script: REPO [PATHS], --task ID or --history ID (got {forms})."
            ).format(forms=_(" and ").join(forms))
            if forms
            else _("Name one thing to script: REPO [PATHS], --task ID or --history ID."),
            hint=tr("Examples: hfsuite script --help"),
        )
    if repo is None and (paths or include or exclude or revision or repo_type):
        raise UsageError(
            tr(
                "{options} apply to REPO only; {form} brings its own.",
                options=_FORM_ONLY,
                form=forms[0],
            ),
            hint=tr("Use --local-dir or --cache-dir to change where the files go."),
        )
    suite = state.suite()
    if token:
        suite.redactor.add_secret(token)
    destination = chosen_destination(local_dir, cache_dir)
    plan: ScriptPlan
    if task is not None:
        record, files = task_of(suite, task)
        plan = plan_for_task(suite, record, files, destination)
    elif history is not None:
        plan = plan_for_history(suite, history_of(suite, history), destination)
    else:
        assert repo is not None
        ref, named = parse_target(suite, repo, repo_type, revision, token=token)
        request = DownloadRequest(
            ref=ref,
            paths=[*named, *(paths or ())],
            include=include or None,
            exclude=exclude or None,
            destination=destination,
            token=token,
            endpoint=endpoint,
        )
        plan = plan_for_request(suite, request)
    text = render_script(plan, chosen)
    if token and token in text:  # cannot happen: the plan holds no token; checked anyway
        raise UsageError(tr("Refusing to write a script that contains the token."))
    files = ngettext("{n} file", "{n} files", len(plan.files)).format(n=len(plan.files))
    summary = f"{plan.display_name}: {files}, {format_bytes(plan.total_bytes)} -> " + str(
        plan.destination.path
    )
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    _write(output, text, chosen)
    if not state.quiet:
        err.print(
            _("Wrote {path} ({shell}): {summary}").format(
                path=output, shell=chosen.value, summary=summary
            ),
            highlight=False,
            markup=False,
        )


def _write(path: Path, text: str, shell: Shell) -> None:
    """Write the script (UTF-8, LF line ends); bash and Python scripts are made executable."""
    try:
        path.write_text(text, encoding="utf-8", newline="\n")
        if shell is not Shell.POWERSHELL:
            mode = path.stat().st_mode
            os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    except OSError as exc:
        raise DestinationNotWritableError(
            tr(
                "Cannot write the script to {path}: {reason}.",
                path=path,
                reason=exc.strerror or exc,
            )
        ) from None
