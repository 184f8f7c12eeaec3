"""`netui mail`: file the correspondence with contacts from mbox, Maildir and .eml files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from netui.cli.context import CliError, Context, out, out_json
from netui.cli.progress import progress_on_stderr
from netui.core.config import config_path, load_my_emails, save_my_emails
from netui.core.dates import parse_date
from netui.core.text import one_line

if TYPE_CHECKING:
    from netui.core.io.mail import MailPlan

_NAME_CELLS = 30
_SUBJECT_CELLS = 50


def register(sub: argparse._SubParsersAction) -> None:
    mail = sub.add_parser(
        "mail",
        help="file emails to and from contacts in their diary (mbox, Maildir, .eml, - = stdin)",
        description="File every email whose From, To or Cc is a contact's address as a "
        "conversation on that contact. PATH is an mbox, a Maildir (any depth), an .eml file "
        "or a folder of them, recognised by content; - reads one message on standard input. "
        "A message is never filed twice. One run is one undo.",
    )
    mail.add_argument("paths", nargs="+", metavar="PATH", help="mail to read, or - for stdin")
    mail.add_argument(
        "--dry-run", action="store_true", help="show what would be filed; write nothing"
    )
    mail.add_argument("--since", metavar="DATE", help="skip mail sent before DATE")
    mail.add_argument(
        "--advance",
        action="store_true",
        help="an email you sent to a contact still at 'met' marks them thanked",
    )
    mail.add_argument(
        "--suggest",
        action="store_true",
        help="also list the people you write with who are not contacts",
    )
    mail.add_argument(
        "--me",
        action="append",
        metavar="EMAIL",
        help="your own address for this run (default: [me] emails in the config)",
    )
    mail.add_argument("--json", action="store_true", help="the report as JSON")
    mail.set_defaults(handler=cmd_mail)


def my_emails(args: argparse.Namespace) -> list[str]:
    """The user's addresses: --me, else the config, else asked once and saved."""
    if args.me:
        return [e.strip().lower() for e in args.me]
    saved = load_my_emails()
    if saved:
        return saved
    path = config_path()
    reading_stdin = "-" in args.paths
    if reading_stdin or not sys.stdin.isatty():
        raise CliError(
            f'netui mail needs your own email addresses: add [me] emails = ["you@example.com"] '
            f"to {path}, or pass --me ADDRESS"
        )
    answer = input("Your own email addresses (comma-separated), to tell sent from received: ")
    emails = [e.strip().lower() for e in answer.replace(";", ",").split(",") if e.strip()]
    bad = [e for e in emails if "@" not in e or any(ch.isspace() or ord(ch) < 32 for ch in e)]
    if not emails or bad:
        raise CliError(f"not an email address: {(bad or [answer])[0]!r}")
    save_my_emails(emails, path)
    print(f"Saved in {path} ([me] emails).", file=sys.stderr)
    return emails


def _one_message_from_stdin() -> bytes:
    """Standard input, bounded like an imported file: `< /dev/zero` once ate all memory."""
    from netui.core.io import files

    data = sys.stdin.buffer.read(files.MAX_IMPORT_BYTES + 1)
    if len(data) > files.MAX_IMPORT_BYTES:
        raise CliError(
            f"standard input holds more than {files.MAX_IMPORT_BYTES >> 20} MB, more than one "
            "email can; save it as an mbox file and pass its path"
        )
    return data


def cmd_mail(args: argparse.Namespace, ctx: Context) -> int:
    from netui.core.io.mail import apply_mail, plan_mail
    from netui.core.io.mail_sources import Found, find_messages, from_bytes

    since = parse_date(args.since, ctx.today) if args.since else None
    me = my_emails(args)
    paths = [p for p in args.paths if p != "-"]
    found = find_messages([Path(p) for p in paths]) if paths else Found([], [])
    if "-" in args.paths:
        found.messages.append(from_bytes(_one_message_from_stdin()))
    if not found.messages and found.problems:
        raise CliError(found.problems[0])
    with progress_on_stderr() as bar:
        plan = plan_mail(ctx.store, found, me, since=since, advance=args.advance, progress=bar)
    if not args.dry_run:
        apply_mail(plan, ctx.store)
    if args.json:
        report = plan.to_json()
        report["dry_run"] = args.dry_run
        if not args.suggest:
            report.pop("suggestions")
        out_json(report)
        return 0
    for filing in plan.filings:
        verb = "would file" if args.dry_run else "filed"
        out(
            f"{verb} {filing.on.isoformat()} {filing.direction:<8} "
            f"{one_line(filing.name, _NAME_CELLS)}: {one_line(filing.subject, _SUBJECT_CELLS)}"
            f"  ({filing.where})"
        )
    for problem in plan.problems:
        out(f"note: {problem}")
    everyone = plan.contacts
    for cid, day in plan.thanked.items():
        out(f"marked thanked on {day.isoformat()}: {one_line(everyone[cid].name, _NAME_CELLS)}")
    if plan.may_thank:
        out(
            f"{len(plan.may_thank)} contact(s) at 'met' got an email from you: "
            "--advance marks them thanked"
        )
    if args.suggest:
        _print_suggestions(plan)
    done = "Dry run: " if args.dry_run else ""
    tail = ""
    if args.dry_run:
        tail = " Nothing was written."
    elif plan.filings:
        refusal = ctx.store.undo_refusal  # the store's own reason, as `netui import` says it
        tail = f" Not undoable: {refusal}." if refusal else " Undo: netui undo."
    out(f"{done}{plan.summary()}.{tail}")
    return 0


def _print_suggestions(plan: MailPlan) -> None:
    if not plan.correspondents:
        out("No correspondents outside your contacts.")
        return
    out("People you write with who are not contacts (netui add NAME --email ADDRESS):")
    for person in plan.correspondents[:20]:
        name = f"{one_line(person.name, _NAME_CELLS)} " if person.name else ""
        s = "s" if person.count != 1 else ""
        last = person.last.isoformat()
        out(f"  {person.count:>4} message{s}, last {last}  {name}<{person.address}>")
