"""The root command imports a sub-command's module only when that command is looked up."""

from __future__ import annotations

import typer.main

from hfsuite.cli.main import COMMANDS, app
from import_probe import modules_after


def test_importing_the_cli_loads_no_command_module_and_nothing_heavy() -> None:
    loaded = modules_after("import hfsuite.cli.main")
    command_modules = {f"hfsuite.cli.{module}" for module, _ in COMMANDS.values()}
    assert not loaded & command_modules
    packages = {name.split(".")[0] for name in loaded}
    assert not packages & {"sqlalchemy", "huggingface_hub", "PySide6", "keyring", "PIL"}
    assert not packages & {"filelock", "tomli_w"}  # the settings file is read, not written
    assert not {"hfsuite.storage", "hfsuite.app.queue.manager"} & loaded


def test_looking_up_one_command_loads_only_its_module() -> None:
    loaded = modules_after(
        "import typer.main\n"
        "from hfsuite.cli.main import app\n"
        "group = typer.main.get_command(app)\n"
        "ctx = group.make_context('hfsuite', ['download', '--help'], resilient_parsing=True)\n"
        "assert group.get_command(ctx, 'download') is not None"
    )
    assert "hfsuite.cli.download_cmd" in loaded
    others = {f"hfsuite.cli.{m}" for name, (m, _) in COMMANDS.items() if name != "download"}
    assert not loaded & others


def test_every_command_is_listed_in_order_and_found() -> None:
    group = typer.main.get_command(app)
    ctx = group.make_context("hfsuite", ["--help"], resilient_parsing=True)
    names = group.list_commands(ctx)  # type: ignore[attr-defined]
    assert names == list(COMMANDS)
    for name in names:
        command = group.get_command(ctx, name)  # type: ignore[attr-defined]
        assert command is not None and command.name == name
        assert command.help, name


def test_every_group_of_sub_commands_answers_synonyms() -> None:
    # A group's own class (dupes: anything else is `ls`) is kept; it must still be one of ours.
    from hfsuite.cli.groups import SubcommandGroup
    from hfsuite.cli.main import load_command

    groups = []
    todo = [load_command(name) for name, (_, is_group) in COMMANDS.items() if is_group]
    while todo:
        group = todo.pop()
        groups.append(group)
        todo += [c for c in group.commands.values() if hasattr(c, "commands")]
    assert len(groups) > len([g for g in COMMANDS.values() if g[1]])  # library roots too
    wrong = [g.name for g in groups if not isinstance(g, SubcommandGroup)]
    assert not wrong, wrong
