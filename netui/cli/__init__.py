"""The `netui` command line: builds the parser from the command modules and runs one.

Each command module exposes `register(subparsers)`, adding its subcommands with a
`handler(args, ctx) -> int` set through `set_defaults(handler=...)`. Errors a user can
cause are raised as `CliError` (or a core error) and printed as one line on stderr.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, cast

from netui import __version__
from netui.cli.context import CliError, Context, fail
from netui.core.errors import NetuiError

# The command modules, in the order `netui --help` lists their commands.
COMMAND_MODULES = (
    "contacts_cmds",
    "search_cmds",
    "io_cmds",
    "mail_cmds",
    "ladder_cmds",
    "intro_cmds",
    "inbox_cmds",
    "doctor_cmds",
    "privacy_cmds",
    "sync_cmds",
    "init_cmds",
)
# Which module registers each command (tests/test_cli_commands.py checks it against what the
# modules register), so `netui log` imports contacts_cmds alone: importing all eleven and
# their core modules (search engine, git sync, mail, review...) was ~20 ms of every command.
MODULE_OF_COMMAND = {
    **dict.fromkeys(
        ("add", "archive", "list", "log", "queue", "show", "snooze", "stage", "unarchive", "undo"),
        "contacts_cmds",
    ),
    "search": "search_cmds",
    **dict.fromkeys(("dupes", "export", "import", "merge"), "io_cmds"),
    "mail": "mail_cmds",
    **dict.fromkeys(
        ("cadence", "matches", "needs", "refer", "review", "stats", "thank"), "ladder_cmds"
    ),
    **dict.fromkeys(("introduce", "introductions"), "intro_cmds"),
    **dict.fromkeys(("cold", "sort"), "inbox_cmds"),
    "doctor": "doctor_cmds",
    **dict.fromkeys(("delete", "forget"), "privacy_cmds"),
    **dict.fromkeys(("merge-driver", "resolve", "sync"), "sync_cmds"),
    "init": "init_cmds",
}


def _split(argv: Sequence[str]) -> tuple[list[str], str | None]:
    """(netui's own options before the command word, --db's value left out; the command
    word, the first word that is neither an option nor --db's value, or None)."""
    words = iter(argv)
    options: list[str] = []
    for word in words:
        if not word.startswith("-"):
            return options, word
        options.append(word)
        if word == "--db":
            next(words, None)
    return options, None


def command_word(argv: Sequence[str]) -> str | None:
    """The command named in `argv`, or None (no command: the TUI, --help, --version)."""
    return _split(argv)[1]


def asks_netuis_help(argv: Sequence[str]) -> bool:
    """Whether `argv` asks for netui's own help (-h, --help or an abbreviation such as
    --he, the only options starting so) before any command word: `netui --help add` lists
    every command, as `netui --help` does."""
    return any(word.startswith(("-h", "--h")) for word in _split(argv)[0])


def command_alone(argv: Sequence[str]) -> str | None:
    """The command whose parser alone parses `argv` (one a module registers, not after
    netui's own --help), or None: the whole parser is needed, or none."""
    command = command_word(argv)
    return command if command in MODULE_OF_COMMAND and not asks_netuis_help(argv) else None


def command_modules(argv: Sequence[str]) -> Sequence[str]:
    """The command modules parsing `argv` needs: the named command's alone; none when there
    is no command and no --help (the TUI, --version): the eleven modules and the core they
    import (search engine, git sync, doctor, review...) were ~25 ms of the TUI's start that
    it never used; all of them for --help or an unknown command (its error lists them)."""
    command = command_alone(argv)
    if command is not None:
        return (MODULE_OF_COMMAND[command],)
    if command_word(argv) is None and not asks_netuis_help(argv):
        return ()
    return COMMAND_MODULES


def help_width() -> int:
    """The width argparse would give its help (`COLUMNS`, else the terminal's, else 80;
    minus 2), found as `shutil.get_terminal_size` finds it: argparse imports shutil (and
    with it bz2 and lzma, ~1.4 ms) for the width of every parser it makes."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


def sized(
    formatter: type[argparse.HelpFormatter] = argparse.HelpFormatter,
) -> argparse._FormatterClass:
    """A `formatter_class` making `formatter` at `help_width()`."""

    def make(*, prog: str) -> argparse.HelpFormatter:
        return formatter(prog, width=help_width())

    return make


class _Unbuilt:
    """What registering a command that is not the one run gets instead of its parser: its
    options are not built (the methods the command modules call on a parser, doing nothing)."""

    def add_argument(self, *args: object, **kwargs: object) -> None:
        pass

    def add_mutually_exclusive_group(self, **kwargs: object) -> _Unbuilt:
        return self

    def set_defaults(self, **kwargs: object) -> None:
        pass


class _OneCommand:
    """The subparsers seen by a command module when one known command is run: that
    command's parser is built as before, its siblings' are not. `netui add` built 59 options
    of ten commands to use 14 (3.6 ms in a fresh process, 1.4 warm; 0.5 and 0.3 alone); its
    help, errors and answers are the same (a subparser's usage names `netui COMMAND`)."""

    def __init__(self, sub: argparse._SubParsersAction, command: str) -> None:
        self._sub, self._command = sub, command

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser | _Unbuilt:
        if name != self._command:
            return _Unbuilt()
        kwargs["formatter_class"] = sized(kwargs.get("formatter_class", argparse.HelpFormatter))
        parser: argparse.ArgumentParser = self._sub.add_parser(name, **kwargs)
        return parser


def build_parser(
    modules: Sequence[str] = COMMAND_MODULES, command: str | None = None
) -> argparse.ArgumentParser:
    """The parser of these command modules' commands (`command_modules` picks them for an
    argv): of one command alone, its help and errors read the same, a subparser's usage
    naming `netui COMMAND` alone. With `command` (one the modules register), only that
    command is built."""
    parser = argparse.ArgumentParser(
        prog="netui",
        formatter_class=sized(),
        description="Carry every new contact through the follow-up ladder: "
        "met, thanked, called, met for coffee. With no command, opens the TUI.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database folder (default: $NETUI_DB, else the user data folder); created if missing "
        "or empty (a folder holding other files needs `netui init --force`)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the TUI on a generated sample database in a temporary folder",
    )
    parser.add_argument("--version", action="version", version=f"netui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    target = sub
    if command in MODULE_OF_COMMAND:
        # A stand-in with the one method the command modules call on their subparsers.
        target = cast(argparse._SubParsersAction, _OneCommand(sub, command))
    for name in modules:
        importlib.import_module(f"netui.cli.{name}").register(target)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    if command_word(words) is None:
        return _main(words)  # the TUI pauses the cycle collector itself (tui/startup_gc.py)
    # One command, then exit: the cycle collector only walked what the imports made and the
    # rows the command read (0.3 s of `netui log NAME` at 30,000 contacts; ~17 collections,
    # ~2 ms, of its imports); the process's end frees everything. Nor does the interpreter's
    # last full collection at exit, which walked every object left (~8 ms of `netui search
    # WORD --limit 0` after 1,000 hits): frozen objects are left out of it. At exit only, so
    # a caller running several commands (the tests) collects as usual until then.
    gc.disable()
    atexit.unregister(gc.freeze)  # registered once, however many commands run
    atexit.register(gc.freeze)
    try:
        return _main(words)
    finally:
        gc.enable()


def _main(words: list[str]) -> int:
    parser = build_parser(command_modules(words), command_alone(words))
    args = parser.parse_args(words)
    ctx = Context(db=args.db or os.environ.get("NETUI_DB") or None)
    try:
        if args.command is None:
            from netui.cli.tui_launch import run_tui

            return run_tui(ctx, demo=args.demo)
        code: int = args.handler(args, ctx)
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `netui list | head`: the reader left; say nothing more.
        sys.stderr.close()
        return 0
    except CliError as exc:
        return fail(str(exc), exc.code)
    except NetuiError as exc:
        return fail(str(exc))
    finally:
        ctx.close()
