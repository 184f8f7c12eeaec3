"""`netui cold` and `netui sort`: the gone-cold group and the unsorted inbox, in bulk.

Each action is one undoable change (`netui undo` takes the whole group back), as in the
TUI's Sort screen and the review's gone-cold group.
"""

from __future__ import annotations

import argparse

from netui.cli.contacts_cmds import cold_line, date_arg, queue_line
from netui.cli.context import CliError, Context, out, out_json
from netui.core.dates import format_date
from netui.core.db.store import UNDO_MAX_CHANGES
from netui.core.followup import inbox
from netui.core.rules import SortChoice
from netui.core.text import one_line


def register(sub: argparse._SubParsersAction) -> None:
    cold = sub.add_parser(
        "cold",
        help="the gone-cold follow-ups (overdue by more than gone_cold_days): list them, or "
        "snooze, archive or keep in touch all of them at once",
    )
    what = cold.add_mutually_exclusive_group()
    what.add_argument("--snooze", metavar="DATE", help="follow up on all of them on DATE")
    what.add_argument("--archive", action="store_true", help="archive all of them as duds")
    what.add_argument(
        "--keep",
        action="store_true",
        help="keep all of them in touch off the ladder: due a cadence from today",
    )
    cold.add_argument("--json", action="store_true", help="list them as JSON")
    cold.set_defaults(handler=cmd_cold)

    sort = sub.add_parser(
        "sort",
        help="sort unsorted contacts (those a QUERY finds, or all) onto a rung, keep in "
        "touch, or dud",
    )
    sort.add_argument("choice", choices=[c.value for c in SortChoice], metavar="AS",
                      help="met, thanked, called, coffee, keep or dud")  # fmt: skip
    sort.add_argument("query", nargs="?", default="", metavar="QUERY",
                      help='e.g. "company:acme", "tag:linkedin", a name; none: all')  # fmt: skip
    sort.add_argument("--dry-run", action="store_true", help="list who; change nothing")
    sort.set_defaults(handler=cmd_sort)


def cmd_cold(args: argparse.Namespace, ctx: Context) -> int:
    store, today = ctx.store, ctx.today
    items = inbox.cold_items(store, today)
    action = "snooze" if args.snooze else "archive" if args.archive else "keep" if args.keep else ""
    if not action:
        if args.json:
            out_json([item.to_json() for item in items])
            return 0
        if not items:
            out("Nothing has gone cold.")
            return 0
        out(cold_line(len(items), store.settings.gone_cold_days) + ":")
        for item in items:
            out(queue_line(item, today))
        return 0
    until = date_arg(args.snooze, ctx)
    if until is not None and until < today:
        raise CliError(f"snooze to a day from today on, not {format_date(until)}")
    count = inbox.handle_cold(store, items, action, today, until)
    if not count:
        out("Nothing has gone cold.")
        return 0
    done = {
        "snooze": f"Snoozed to {format_date(until)}" if until else "",
        "archive": "Archived",
        "keep": "Kept in touch (off the ladder, due a cadence from today)",
    }[action]
    out(f"{done}: {count} contact{'s' if count != 1 else ''}. {_undo_hint(count)}")
    return 0


def cmd_sort(args: argparse.Namespace, ctx: Context) -> int:
    store, today = ctx.store, ctx.today
    choice = SortChoice(args.choice)
    chosen = inbox.matching(inbox.unsorted_contacts(store), args.query, today)
    if not chosen:
        out("No unsorted contacts" + (f" match {args.query!r}." if args.query else "."))
        return 0
    if args.dry_run:
        for contact in chosen:
            out(one_line(contact.name))
        out(f"Dry run: {len(chosen)} would be sorted as {choice.label}. Nothing was written.")
        return 0
    count = store.sort_out([c.id for c in chosen], choice, today)
    out(f"Sorted {count} as {choice.label}. {_undo_hint(count)}")
    return 0


def _undo_hint(count: int) -> str:
    if count > UNDO_MAX_CHANGES:
        return f"Too many to undo (over {UNDO_MAX_CHANGES}); the export and backups remain."
    return "Undo with: netui undo"
