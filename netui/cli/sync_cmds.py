"""`netui sync [--remote URL]`: this database and a git remote, merged record by record.

`netui resolve CONTACT` clears the conflicts a merge kept on a contact, once read. Also the
hidden `netui merge-driver %O %A %B %P` that git runs for a data file, so a plain
`git pull` in the database folder merges by record too (set up by the first `netui sync`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from netui.cli.context import Context, out
from netui.core.sync import git


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "sync",
        help="send and receive changes through a git remote, merged record by record",
        description="Commit the changes made here, fetch the remote's, merge them record by "
        "record (a field both devices changed keeps the later value and shows the other on "
        "the card), and push. The first time, --remote names the remote (any git URL or a "
        "bare repository's path); on an empty or new --db it brings the remote's database "
        "here. git's own credential helpers and ssh handle any password.",
    )
    parser.add_argument(
        "--remote",
        metavar="URL",
        help="the git remote to sync with (needed once; later syncs remember it)",
    )
    parser.set_defaults(handler=cmd_sync)
    resolve = sub.add_parser(
        "resolve",
        help="clear a contact's kept sync conflicts once you have read them (u undoes it)",
    )
    resolve.add_argument("contact", metavar="CONTACT")
    resolve.set_defaults(handler=cmd_resolve)
    # No help=: git runs it, people do not (and it stays out of `netui --help`).
    driver = sub.add_parser("merge-driver")
    for name in ("base", "ours", "theirs", "path"):
        driver.add_argument(name)
    driver.set_defaults(handler=cmd_merge_driver)


def cmd_sync(args: argparse.Namespace, ctx: Context) -> int:
    report = git.sync(ctx.store.database, args.remote)
    out(report.summary())
    return 0


def cmd_resolve(args: argparse.Namespace, ctx: Context) -> int:
    contact = ctx.store.find(args.contact)
    if not contact.conflicts:
        out(f"{contact.name} has no sync conflicts.")
        return 0
    ctx.store.update_contact(contact.id, conflicts=[])
    count = len(contact.conflicts)
    out(f"Cleared {count} sync conflict{'' if count == 1 else 's'} of {contact.name}.")
    return 0


def cmd_merge_driver(args: argparse.Namespace, ctx: Context) -> int:
    return git.merge_driver(Path(args.base), Path(args.ours), Path(args.theirs), args.path)
