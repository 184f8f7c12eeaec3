"""The CLI imports only the module of the command it runs: the table saying which module
registers which command must match what the modules register."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

import pytest

from netui.cli import (
    COMMAND_MODULES,
    MODULE_OF_COMMAND,
    build_parser,
    command_alone,
    command_modules,
    command_word,
)


def test_every_command_is_registered_by_the_module_the_table_names() -> None:
    registered: dict[str, str] = {}
    for name in COMMAND_MODULES:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"netui.cli.{name}").register(sub)
        registered.update(dict.fromkeys(sub.choices, name))
    assert registered == MODULE_OF_COMMAND


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        (["log", "Dana", "--note", "x"], "log"),
        (["--db", "list", "add", "Dana"], "add"),
        (["--db=somewhere", "queue"], "queue"),
        (["--demo"], None),
        (["--help"], None),
        ([], None),
    ],
)
def test_the_command_word_skips_the_global_options(argv: list[str], word: str | None) -> None:
    assert command_word(argv) == word


@pytest.mark.parametrize(
    ("argv", "modules"),
    [
        ([], ()),  # the TUI: no command module at all
        (["--db", "x", "--demo"], ()),
        (["--version"], ()),
        (["--help"], COMMAND_MODULES),  # lists every command
        (["--db", "x", "-h"], COMMAND_MODULES),
        (["--he"], COMMAND_MODULES),  # argparse takes abbreviations of --help
        (["frob"], COMMAND_MODULES),  # an unknown command's error lists every command
        (["log", "Dana"], ("contacts_cmds",)),
        (["--help", "add"], COMMAND_MODULES),  # netui's own help lists every command
        (["--db", "x", "add", "--help"], ("contacts_cmds",)),
    ],
)
def test_the_parser_loads_the_command_modules_it_needs(
    argv: list[str], modules: tuple[str, ...]
) -> None:
    assert tuple(command_modules(argv)) == modules


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "x", "log", "Dana Kim", "--note", "hi", "--channel", "call"],
        ["add", "Ann Lee", "--company", "Pine", "--email", "a@b", "--email", "c@d", "--quiet"],
        ["--db=x", "stage", "Dana", "coffee", "--on", "2026-01-02", "--note", "-"],
        ["cold", "--snooze", "2026-02-01"],
        ["search", "sailing", "--limit", "0"],
    ],
)
def test_a_single_commands_parser_parses_as_the_whole_one_does(argv: list[str]) -> None:
    assert command_alone(argv) is not None
    whole, alone = (
        build_parser().parse_args(argv),
        build_parser(command_modules(argv), command_alone(argv)).parse_args(argv),
    )
    assert vars(whole) == vars(alone)


def _help_of(parser: argparse.ArgumentParser, argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit):
        parser.parse_args(argv)
    return capsys.readouterr().out


@pytest.mark.parametrize("command", sorted(MODULE_OF_COMMAND))
def test_a_command_built_alone_has_the_help_of_the_whole_parser(command: str, capsys) -> None:
    argv = [command, "--help"]
    alone = build_parser(command_modules(argv), command_alone(argv))
    shown = _help_of(alone, argv, capsys)
    assert shown.startswith(f"usage: netui {command} ")
    assert shown == _help_of(build_parser(), argv, capsys)


def test_netuis_help_before_a_command_lists_every_command(capsys) -> None:
    assert command_alone(["--help", "add"]) is None
    shown = _help_of(build_parser(command_modules(["--help", "add"])), ["--help", "add"], capsys)
    assert "netui [-h]" in shown and "introductions" in shown and "doctor" in shown


def test_netui_log_imports_no_other_command_module() -> None:
    code = (
        "import sys; from netui.cli import main\n"
        "try: main(['log', '--help'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('netui.cli.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = done.stdout.strip().splitlines()[-1]
    assert "contacts_cmds" in loaded
    for other in ("search_cmds", "io_cmds", "mail_cmds", "ladder_cmds", "sync_cmds"):
        assert other not in loaded


# Imported only where they are used (each ~1-2 ms of every start-up): forget's file scrubber,
# the sync merge (a conflict copy found), the TOML reader (a config file exists), uuid (an id
# not of netui's making), the search engine, the duplicate rules (add's look-alike rule lives
# in core/identity), dataclasses and inspect (the records are plain classes: ~8 ms of
# imports and class making), shutil (argparse's help width is found without it). TinyDB is
# imported by a commit that rewrites a file (`tables`), so not held here; `search` and
# `--help` never import it (below and tests/test_search_cli.py).
LAZY = (
    "shutil",
    "dataclasses",
    "inspect",
    "netui.core.io.dupes",
    "netui.core.db.scrub",
    "netui.core.sync.merge",
    "tomllib",
    "uuid",
    "netui.core.search.engine",
    "textual",
)


@pytest.mark.parametrize(
    "argv",
    [
        ["log", "--help"],
        ["search", "--help"],
        ["log", "Dana Kim", "--note", "Talked sailing."],
        ["add", "Ann Lee", "--company", "Pine & Oak", "--note", "Met at the mixer."],
        ["stage", "Dana Kim", "thanked"],
    ],
)
def test_capture_commands_leave_the_lazy_modules_unimported(tmp_path, argv) -> None:
    db = str(tmp_path / "db")
    seed = ["add", "Dana Kim", "--quiet"]
    code = (
        "import sys; from netui.cli import main\n"
        f"main(['--db', {db!r}, *{seed!r}])\n"
        f"try: code = main(['--db', {db!r}, *{argv!r}])\n"
        "except SystemExit as exc: code = exc.code\n"
        f"print(code, sorted(m for m in {LAZY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stderr


def test_search_help_opens_no_store_and_imports_no_dataclasses() -> None:
    code = (
        "import sys; from netui.cli import main\n"
        "try: main(['search', '--help'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('netui.core.db.store', 'netui.core.model', 'tinydb',"
        " 'dataclasses', 'inspect') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


def test_the_cycle_collector_is_back_on_after_any_command(tmp_path, capsys) -> None:
    """A command runs with the collector off (imports included); a caller (the tests, an
    embedding script) gets it back, after success, a refused option or a core error."""
    import gc

    from netui.cli import main

    db = str(tmp_path / "db")
    assert main(["--db", db, "list"]) == 0 and gc.isenabled()
    with pytest.raises(SystemExit):
        main(["--db", db, "log", "--no-such-option"])
    assert gc.isenabled()
    assert main(["--db", db, "log", "Nobody", "--note", "x"]) == 1 and gc.isenabled()


@pytest.mark.parametrize("columns", [None, "", "x", "0", "-3", "40", "132"])
def test_the_help_width_is_the_one_argparse_finds_itself(monkeypatch, columns) -> None:
    import shutil

    from netui.cli import help_width

    monkeypatch.delenv("LINES", raising=False)
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert help_width() == shutil.get_terminal_size().columns - 2
