"""Removing people: `delete` (undoable), `forget` (for good), and one diary entry (`log --delete`).

Both ask on a terminal; a script says `--yes`. Without a terminal and without `--yes` they
refuse, so a pipe or a cron job never deletes anyone by accident.
"""

from __future__ import annotations

import argparse
import sys

from netui.cli.context import CliError, Context, out
from netui.core.db.store import Store
from netui.core.model import Conversation

MIN_ID_PREFIX = 6

GIT_REWRITE = (
    "git filter-repo --replace-text <(printf '%s==>[forgotten]\\n' 'THEIR NAME')  # then, "
    "for every remote: git push --force --all"
)


def register(sub: argparse._SubParsersAction) -> None:
    delete = sub.add_parser("delete", help="delete a contact, their diary and referrals (undoable)")
    delete.add_argument("contact", metavar="CONTACT")
    delete.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    delete.set_defaults(handler=cmd_delete)

    forget = sub.add_parser(
        "forget", help="delete a contact for good: no backup, undo entry or cache keeps them"
    )
    forget.add_argument("contact", metavar="CONTACT")
    forget.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    forget.set_defaults(handler=cmd_forget)


def confirm(question: str, yes: bool) -> None:
    """Go on only when the user said yes: `--yes`, or 'y' typed at a terminal."""
    if yes:
        return
    if sys.stdin is None or not sys.stdin.isatty():
        raise CliError("this cannot be undone by accident from a script: add --yes to go ahead")
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise CliError("nothing was changed")


def cmd_delete(args: argparse.Namespace, ctx: Context) -> int:
    contact = ctx.store.find(args.contact)
    traces = ctx.store.traces(contact.id)
    confirm(
        f"Delete {contact.name} and {traces.describe()}? (netui undo brings them back)", args.yes
    )
    ctx.store.delete_contact(contact.id)
    out(f"Deleted {contact.name} and {traces.describe()}. `netui undo` brings them back.")
    return 0


def cmd_forget(args: argparse.Namespace, ctx: Context) -> int:
    contact = ctx.store.find(args.contact)
    traces = ctx.store.traces(contact.id)
    confirm(
        f"Forget {contact.name} for good, with {traces.describe()}? This cannot be undone",
        args.yes,
    )
    forgotten = ctx.store.forget(contact.id)
    out(f"Forgot {contact.name} and {traces.describe()}.")
    scrub = forgotten.scrub
    out(f"Rewrote {len(scrub.rewritten)} files (backups and the undo log included).")
    if scrub.undo_entries_dropped:
        out(f"Dropped {scrub.undo_entries_dropped} undo entries that mentioned them.")
    if scrub.removed:
        out("Removed the search cache; it is rebuilt on the next search.")
    for rel in forgotten.leftovers:
        out(f"Still holds some of their text: {rel}")
    if forgotten.in_git:
        out("This folder is a git repository: its history and remotes still hold them.")
        out(f"To rewrite them (netui does not): {GIT_REWRITE}")
    out("Exports you made (vCard, CSV, JSON, Markdown) are not touched: delete them yourself.")
    return 1 if forgotten.leftovers else 0


def find_conversation(store: Store, ref: str) -> Conversation:
    """A diary entry by id or a unique prefix of 6+ characters (as `show` prints them)."""
    ref = ref.strip().lower()
    if len(ref) < MIN_ID_PREFIX:
        raise CliError(f"give at least {MIN_ID_PREFIX} characters of the entry's id")
    found = [c for c in store.all_conversations() if c.id.startswith(ref)]
    if not found:
        raise CliError(f"no diary entry has an id starting with {ref!r}")
    if len(found) > 1:
        raise CliError(f"{ref!r} starts {len(found)} entries' ids: give more of it")
    return found[0]


def delete_conversation(args: argparse.Namespace, ctx: Context) -> int:
    """`netui log --delete ID`: one diary entry, undoable."""
    conv = find_conversation(ctx.store, args.delete)
    name = ctx.store.get(conv.contact_id).name
    ctx.store.delete_conversation(conv.id)
    out(
        f"Deleted the {conv.channel.label} entry of {conv.on.isoformat()} with {name}. "
        "`netui undo` brings it back."
    )
    return 0
