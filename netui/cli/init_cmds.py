"""`netui init [--db DIR] [--force]`: make a folder a netui database, on purpose.

Every command creates a missing or empty folder silently (first use stays one step), but a
non-empty folder that is not a netui database is refused everywhere: a typo in --db must never
write into, or delete from, someone's documents. `init --force` is the explicit yes.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from netui.cli.context import CliError, Context, out
from netui.core.db.storage import Database, is_database

# What adopting a folder adds beside what is already there (said before and after).
_ADDS = (
    "meta.json and .lock now, then contacts/, conversations/, referrals.json, undo.json and "
    "their .bak backups as data arrives"
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "init",
        help="create a database folder, or make an existing non-empty folder one (--force)",
        description="Create a netui database. A missing or empty folder is created as every "
        "command would; a folder that already holds other files is only used with --force, "
        "which keeps those files untouched and adds netui's beside them.",
    )
    parser.add_argument(
        "--db",
        dest="init_db",
        metavar="PATH",
        help="the folder (default: the global --db, $NETUI_DB, else the user data folder)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="use a non-empty folder that is not a netui database; nothing in it is changed",
    )
    parser.set_defaults(handler=cmd_init)


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    root = Path(args.init_db).expanduser() if args.init_db else ctx.db_path
    existed = root.is_dir()
    if existed and is_database(root):
        Database.open(root).close()  # finishes an interrupted save, checks the schema
        out(f"{root} is already a netui database; nothing changed.")
        return 0
    others = _entries(root) if existed else []
    if others and not args.force:
        raise CliError(
            f"{root} is not a netui database and holds {len(others)} other entries "
            f"({_sample(others)}); `netui init --db {root} --force` would leave them untouched "
            f"and add {_ADDS}"
        )
    Database.open(root, adopt=bool(others)).close()
    if others:
        out(
            f"Made {root} a netui database: added {_ADDS}; its {len(others)} entries are untouched."
        )
    else:
        out(f"Created a netui database at {root}.")
    return 0


def _entries(root: Path) -> list[str]:
    try:
        return sorted(os.listdir(root))
    except OSError as exc:
        raise CliError(f"cannot read the folder {root}: {exc.strerror or exc}") from None


def _sample(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names[:3]) + (", ..." if len(names) > 3 else "")
