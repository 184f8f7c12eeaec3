"""The everyday commands: add, log, stage, archive, list, show, queue, undo."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from operator import itemgetter

from netui.cli.context import CliError, Context, out, out_json
from netui.core.dates import format_date, humanize, parse_date
from netui.core.db import digest
from netui.core.db.store import Store
from netui.core.errors import ValidationError
from netui.core.identity import lookalikes
from netui.core.model import Channel, Contact, Conversation, Stage
from netui.core.rules import QueueItem, standing
from netui.core.text import cell_width, one_line, printable

WIDTH = 80


def register(sub: argparse._SubParsersAction) -> None:
    add = sub.add_parser("add", help="capture a new contact (prints its id)")
    add.add_argument("name")
    add.add_argument("--company", default="")
    add.add_argument("--title", default="")
    add.add_argument("--email", action="append", default=[], metavar="E")
    add.add_argument("--phone", action="append", default=[], metavar="P")
    add.add_argument("--met-at", default="", metavar="EVENT", help="event or place you met")
    add.add_argument("--met-on", metavar="DATE", help="when you met (default today)")
    add.add_argument("--note", help="what you talked about (becomes the first conversation)")
    add.add_argument("--mention", default="", help="the detail to bring up in the thank-you")
    add.add_argument("--tag", action="append", default=[], metavar="TAG")
    add.add_argument("--referred-by", metavar="CONTACT")
    add.add_argument("--reach", default="", help="how and when best to reach them")
    add.add_argument(
        "--quiet", action="store_true", help="no warning when the person looks already known"
    )
    add.set_defaults(handler=cmd_add)

    log = sub.add_parser("log", help="log a conversation (no --note: read it from stdin)")
    log.add_argument("contact", metavar="CONTACT", nargs="?")
    log.add_argument(
        "--delete", metavar="ENTRY_ID", help="delete a diary entry instead (id as `show` prints)"
    )
    log.add_argument("--note")
    log.add_argument("--channel", default="in-person", help=", ".join(c.value for c in Channel))
    log.add_argument("--on", metavar="DATE", help="when (default today)")
    log.add_argument("--recommended", default="")
    log.add_argument("--observations", default="")
    log.add_argument("--did", default="", help="what you did on account of it")
    log.add_argument(
        "--correspondence",
        action="append",
        default=[],
        metavar="TEXT",
        help="a copy of a letter or email sent (repeatable)",
    )
    log.set_defaults(handler=cmd_log)

    stage = sub.add_parser("stage", help="move a contact to a stage")
    stage.add_argument("contact", metavar="CONTACT")
    stage.add_argument("stage", metavar="{met,thanked,called,coffee}")
    stage.add_argument("--on", metavar="DATE", help="when it happened (default today)")
    stage.add_argument(
        "--note", metavar="TEXT", help="what was said, logged with the step ('-': stdin)"
    )
    stage.add_argument(
        "--channel", help="of that conversation (default: call for called, coffee for coffee)"
    )
    stage.add_argument("--recommended", default="", metavar="TEXT")
    stage.add_argument("--observations", default="", metavar="TEXT")
    stage.add_argument("--did", default="", metavar="TEXT", help="what you did on account of it")
    stage.set_defaults(handler=cmd_stage)

    for name, archived, text in (
        ("archive", True, "archive a dud: out of the queue, history kept"),
        ("unarchive", False, "bring an archived contact back"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("contact", metavar="CONTACT")
        p.set_defaults(handler=cmd_archive, archived=archived)

    lst = sub.add_parser("list", help="list contacts")
    lst.add_argument("--stage", metavar="S")
    lst.add_argument("--tag", metavar="T")
    lst.add_argument("--archived", action="store_true", help="list archived contacts instead")
    lst.add_argument(
        "--unsorted", action="store_true", help="only the unsorted (imported, not yet sorted)"
    )
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)

    show = sub.add_parser("show", help="a contact's card and diary")
    show.add_argument("contact", metavar="CONTACT")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    que = sub.add_parser("queue", help="follow-ups overdue or due by DATE (default today)")
    que.add_argument("--on", metavar="DATE")
    que.add_argument(
        "--cold", action="store_true", help="list the gone-cold group too (netui cold acts on it)"
    )
    que.add_argument("--json", action="store_true", help="every item, gone-cold ones marked")
    que.set_defaults(handler=cmd_queue)

    snooze = sub.add_parser("snooze", help="set the next follow-up date (or --clear it)")
    snooze.add_argument("contact", metavar="CONTACT")
    snooze.add_argument("until", metavar="DATE", nargs="?")
    snooze.add_argument("--clear", action="store_true")
    snooze.set_defaults(handler=cmd_snooze)

    undo = sub.add_parser("undo", help="undo the last change (from any netui process)")
    undo.set_defaults(handler=cmd_undo)


# -- helpers --------------------------------------------------------------------------------


def date_arg(text: str | None, ctx: Context) -> date | None:
    return parse_date(text, ctx.today) if text else None


def contact_json(store: Store, contact: Contact, today: date) -> dict[str, object]:
    nxt = store.next_action(contact, today)
    return {
        "id": contact.id,
        "name": contact.name,
        "company": contact.company,
        "title": contact.title,
        "emails": contact.emails,
        "phones": contact.phones,
        "tags": contact.tags,
        "stage": contact.stage.value,
        "archived": contact.archived,
        "unsorted": contact.unsorted,
        "keep_since": contact.keep_since.isoformat() if contact.keep_since else None,
        "met_at": contact.met_at,
        "met_on": contact.met_on.isoformat() if contact.met_on else None,
        "mention": contact.mention,
        "referred_by": contact.referred_by,
        "reach": contact.reach,
        "needs": contact.needs,
        "offers": contact.offers,
        "urls": contact.urls,
        "external_ids": contact.external_ids,
        "last_contact_on": contact.last_contact_on.isoformat() if contact.last_contact_on else None,
        "next_action": nxt.action if nxt else None,
        "next_due": nxt.due.isoformat() if nxt else None,
    }


def conversation_json(conv: Conversation) -> dict[str, object]:
    return {
        "id": conv.id,
        "on": conv.on.isoformat(),
        "channel": conv.channel.value,
        "note": conv.note,
        "recommended": conv.recommended,
        "observations": conv.observations,
        "did": conv.did,
        "correspondence": conv.correspondence,
        # Filed from the mailbox (`netui mail`); null for the other entries.
        "subject": conv.subject,
        "direction": conv.direction,
        "message_id": conv.message_id,
    }


def cell(text: str, width: int) -> str:
    """One fixed-width column of user text: escaped, single line, padded by cells."""
    # Nothing to escape, no line break, no space at either end for one_line to trim: what
    # one_line would show is the text itself (the common case).
    if text.isprintable() and text[:1] != " " and text[-1:] != " ":
        if len(text) <= width and text.isascii():
            return text.ljust(width)  # without measuring cells
        # Measured once here, not again in one_line: `netui list` measured 12,000
        # names and companies twice (~40 ms at 10,000 contacts).
        cells = cell_width(text)
        if cells <= width:
            return text + " " * (width - cells)
    shown = one_line(text, width)
    return shown + " " * max(0, width - cell_width(shown))


# -- commands -------------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store
    met_on = date_arg(args.met_on, ctx) or ctx.today
    referred_by = store.find(args.referred_by).id if args.referred_by else None
    contact = Contact(
        name=args.name,
        company=args.company.strip(),
        title=args.title.strip(),
        emails=[e.strip() for e in args.email if e.strip()],
        phones=[p.strip() for p in args.phone if p.strip()],
        tags=list(dict.fromkeys(t.strip() for t in args.tag if t.strip())),
        met_at=args.met_at.strip(),
        met_on=met_on,
        mention=args.mention,
        referred_by=referred_by,
        reach=args.reach,
    )
    first = None
    if args.note:
        first = Conversation(
            contact_id=contact.id, on=met_on, channel=Channel.IN_PERSON, note=args.note
        )
    if not args.quiet:
        warn_lookalikes(contact, store)
    contact = store.add_contact(contact, first_note=first)
    print(contact.id)
    return 0


_LOOKALIKES_SHOWN = 3


def warn_lookalikes(contact: Contact, store: Store) -> None:
    """A warning on stderr naming whom the new contact looks like (it is added anyway)."""
    found = lookalikes(contact, store.lookalike_pool(contact))
    for other, why in found[:_LOOKALIKES_SHOWN]:
        company = f", {one_line(other.company, 40)}" if other.company else ""
        print(
            f"netui: warning: looks like {one_line(other.name, 40)} "
            f"({other.id[:8]}{company}): {printable(why)}; added anyway",
            file=sys.stderr,
        )


def cmd_log(args: argparse.Namespace, ctx: Context) -> int:
    if args.delete is not None:
        if args.contact is not None:
            raise CliError("log --delete takes an entry id, not a contact")
        from netui.cli.privacy_cmds import delete_conversation  # only here: log stays lean

        return delete_conversation(args, ctx)
    if args.contact is None:
        raise CliError("name the CONTACT to log a conversation with")
    channel = Channel.parse(args.channel)
    on = date_arg(args.on, ctx) or ctx.today
    contact = ctx.store.find(args.contact)
    note = args.note
    if note is None:
        note = piped_note("give --note TEXT, or pipe the note on standard input")
    conv = diary_entry(args, contact.id, on, channel, note, list(args.correspondence))
    if not any(f.strip() for f in conv.texts()):
        raise ValidationError("the conversation is empty: give a note or another field")
    ctx.store.log(conv)
    out(f"Logged {channel.label} with {contact.name} on {format_date(on)}.")
    return 0


# The channel a step's conversation most likely took, when --channel does not say.
STEP_CHANNEL_DEFAULTS = {
    Stage.MET: Channel.IN_PERSON,
    Stage.THANKED: Channel.EMAIL,
    Stage.CALLED: Channel.CALL,
    Stage.COFFEE: Channel.COFFEE,
}


def cmd_stage(args: argparse.Namespace, ctx: Context) -> int:
    stage = Stage.parse(args.stage)
    on = date_arg(args.on, ctx) or ctx.today
    contact = ctx.store.find(args.contact)
    was = standing(contact)  # a rung, or unsorted / keep in touch
    said = _step_conversation(args, contact.id, stage, on)
    if said is None:
        contact = ctx.store.set_stage(contact.id, stage, on)
    else:
        contact = ctx.store.step_and_log(contact.id, stage, said)
    if was == stage.label:
        out(f"{contact.name} is already at {stage.label}.")
    else:
        out(f"{contact.name}: {was} → {stage.label} ({format_date(on)}).")
    if said is not None:
        out(f"Logged {said.channel.label} with {contact.name} on {format_date(on)}.")
    _print_next(ctx, contact)
    return 0


def _step_conversation(
    args: argparse.Namespace, contact_id: str, stage: Stage, on: date
) -> Conversation | None:
    """The conversation `stage --note ...` logs with the step; None when nothing was said."""
    note = args.note or ""
    if note == "-":
        note = piped_note("--note - reads the note from standard input: pipe it in")
    if not any(f.strip() for f in (note, args.recommended, args.observations, args.did)):
        if args.channel:
            raise CliError("--channel goes with --note (or --recommended, --observations, --did)")
        return None
    channel = Channel.parse(args.channel) if args.channel else STEP_CHANNEL_DEFAULTS[stage]
    return diary_entry(args, contact_id, on, channel, note)


def piped_note(refusal: str) -> str:
    """The note piped on standard input; `refusal` when nothing is piped (a terminal)."""
    if sys.stdin is None or sys.stdin.isatty():
        raise CliError(refusal)
    return sys.stdin.read().strip()


def diary_entry(
    args: argparse.Namespace,
    contact_id: str,
    on: date,
    channel: Channel,
    note: str,
    correspondence: list[str] | None = None,
) -> Conversation:
    """The conversation the diary options (--recommended, --observations, --did) describe;
    `netui log` and `netui stage --note` share them."""
    return Conversation(
        contact_id=contact_id,
        on=on,
        channel=channel,
        note=note,
        recommended=args.recommended,
        observations=args.observations,
        did=args.did,
        correspondence=correspondence or [],
    )


def _print_next(ctx: Context, contact: Contact) -> None:
    nxt = ctx.store.next_action(contact, ctx.today)
    if nxt:
        out(f"Next: {nxt.action}, due {humanize(nxt.due, ctx.today)} ({format_date(nxt.due)}).")


def cmd_archive(args: argparse.Namespace, ctx: Context) -> int:
    contact = ctx.store.archive(ctx.store.find(args.contact).id, args.archived)
    verb = "Archived" if args.archived else "Brought back"
    out(f"{verb} {contact.name}.")
    return 0


def cmd_snooze(args: argparse.Namespace, ctx: Context) -> int:
    if args.clear == bool(args.until):
        raise CliError("give a DATE to snooze to, or --clear")
    contact = ctx.store.find(args.contact)
    until = None if args.clear else date_arg(args.until, ctx)
    contact = ctx.store.snooze(contact.id, until)
    _print_next(ctx, contact)
    return 0


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    store, today = ctx.store, ctx.today
    stage = Stage.parse(args.stage) if args.stage else None
    if args.json:
        contacts = [
            c
            for c in store.contacts(include_archived=True)
            if c.archived == args.archived
            and (not args.unsorted or c.unsorted)
            and (stage is None or c.stage is stage)
            and (args.tag is None or args.tag.casefold() in (t.casefold() for t in c.tags))
        ]
        out_json([contact_json(store, c, today) for c in contacts])
        return 0
    rows = list_rows(store.digest_rows(), args.archived, stage, args.tag, args.unsorted)
    if not rows:
        out("No contacts." if not args.archived else "No archived contacts.")
        return 0
    sys.stdout.write("\n".join(list_lines(rows, today)) + "\n")
    return 0


def list_rows(
    rows: list[digest.Row],
    archived: bool,
    stage: Stage | None,
    tag: str | None,
    unsorted: bool = False,
) -> list[digest.Row]:
    """The digest rows `netui list` shows, sorted by name as the store sorts contacts."""
    wanted = stage.value if stage is not None else None
    folded_tag = tag.casefold() if tag is not None else None
    chosen = [
        r
        for r in rows
        if r[digest.ARCHIVED] == archived
        and (not unsorted or r[digest.UNSORTED])
        and (wanted is None or r[digest.STAGE] == wanted)
        and (folded_tag is None or folded_tag in (t.casefold() for t in r[digest.TAGS]))
    ]
    chosen.sort(key=itemgetter(digest.FOLDED, digest.ID))
    return chosen


def list_lines(rows: list[digest.Row], today: date) -> list[str]:
    """The table of `netui list`: one format per row, its columns from caches.

    A due date's words are worked out once per distinct date (10,000 contacts share a few
    thousand), a company's cell once per company (they repeat), and a plain ASCII name is
    padded inline, without a call: formatting 10,000 rows went from ~45 to ~25 ms."""
    today_iso = today.isoformat()
    words: dict[str | None, str] = {None: "-"}
    companies: dict[str, str] = {}

    def due_words(due: str) -> str:
        text = humanize(date.fromisoformat(due), today)
        words[due] = text = ("overdue " if due < today_iso else "") + text
        return text

    def company_cell(company: str) -> str:
        companies[company] = text = cell(company, 22)
        return text

    name, company, standing, due = digest.NAME, digest.COMPANY, digest.STANDING, digest.DUE
    lines = [f"{'NAME':<26} {'COMPANY':<22} {'STAGE':<14} NEXT"]
    lines += [
        (f"{n:<26}" if len(n := r[name]) <= 26 and n.isascii() and n.isprintable() else cell(n, 26))
        + f" {companies.get(r[company]) or company_cell(r[company])} {r[standing]:<14} "
        + (words.get(r[due]) or due_words(r[due]))
        for r in rows
    ]
    return lines


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    store, today = ctx.store, ctx.today
    contact = store.find(args.contact)
    convs = store.conversations_of(contact.id)
    if args.json:
        data = contact_json(store, contact, today)
        data["notes"] = contact.notes
        data["cadence_days"] = contact.cadence_days
        data["follow_up_on"] = contact.follow_up_on.isoformat() if contact.follow_up_on else None
        data["stage_history"] = [s.to_dict() for s in contact.stage_history]
        data["conversations"] = [conversation_json(c) for c in convs]
        data["referrals"] = [r.to_dict() for r in store.referrals_of(contact.id)]
        data["introductions"] = [i.to_dict() for i in store.introductions_of(contact.id)]
        data["conflicts"] = contact.conflicts
        out_json(data)
        return 0
    for line in card_lines(store, contact, today):
        out(line)
    out()
    out(f"Conversations ({len(convs)}), newest first:" if convs else "No conversations yet.")
    for conv in convs:
        when = f"{format_date(conv.on)} ({humanize(conv.on, today)})"
        sent = f" {conv.direction}" if conv.direction else ""
        out(f"- {when}, {conv.channel.label}{sent}  [{conv.id[:8]}]")
        for label, text in (
            ("talked about", conv.note),
            ("recommended", conv.recommended),
            ("observations", conv.observations),
            ("did", conv.did),
            *(("correspondence", t) for t in conv.correspondence),
        ):
            if text.strip():
                out(f"    {label}: " + text.strip().replace("\n", "\n      "))
    return 0


def card_lines(store: Store, contact: Contact, today: date) -> list[str]:
    """The card's fields (the detail pane's too), one "  label: value" line each."""
    from netui.core.followup.card import contact_card  # ~3 ms of imports only show needs

    card = contact_card(store, contact, today)
    lines = [contact.name + (" (archived)" if contact.archived else "")]
    for field in card.fields:
        if field.key != "archived":
            label = f"{field.label.lower()}: " if field.label else ""
            lines.append(f"  {label}{field.text}")
    return lines


def queue_line(item: QueueItem, today: date) -> str:
    """One follow-up; `today` is the day the queue is for (`--on`), which "OVERDUE" and
    "3 days ago" are relative to (not "OVERDUE in 1 week")."""
    when = "OVERDUE " if item.overdue else ""
    when += humanize(item.due, today)
    return f"{when:<22} {cell(item.contact.name, 26)} {one_line(item.action, WIDTH - 50)}"


def cmd_queue(args: argparse.Namespace, ctx: Context) -> int:
    on = date_arg(args.on, ctx) or ctx.today
    items = ctx.store.queue_brief(on)
    if args.json:
        out_json([i.to_json() for i in items])
        return 0
    current = [i for i in items if not i.cold]
    cold = [i for i in items if i.cold]
    if not current and not cold:
        out("Nothing due. Nice.")
        return 0
    if on != ctx.today:
        out(f"As of {format_date(on)}:")
    for item in current:
        sys.stdout.write(queue_line(item, on) + "\n")
    if cold:
        out(cold_line(len(cold), ctx.store.settings.gone_cold_days))
        if args.cold:
            for item in cold:
                sys.stdout.write(queue_line(item, on) + "\n")
        else:
            out("  netui queue --cold lists them; netui cold --snooze DATE|--archive|--keep")
    return 0


def cold_line(count: int, days: int) -> str:
    s = "s" if count != 1 else ""
    return f"Gone cold ({count}): follow-up{s} overdue by more than {days} days"


def cmd_undo(args: argparse.Namespace, ctx: Context) -> int:
    out(f"Undid: {ctx.store.undo()}")
    return 0
