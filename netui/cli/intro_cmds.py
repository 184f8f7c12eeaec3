"""`netui introduce` and `netui introductions`: the help the user gives, double opt-in."""

from __future__ import annotations

import argparse

from netui.cli.contacts_cmds import date_arg
from netui.cli.context import Context, out, out_json
from netui.core.dates import format_date
from netui.core.db.store import Store
from netui.core.followup.introductions import draft
from netui.core.model import Introduction, IntroStatus

STATUSES = ", ".join(s.value for s in IntroStatus)


def register(sub: argparse._SubParsersAction) -> None:
    intro = sub.add_parser(
        "introduce",
        help="record an introduction you make between A and B (asked, agreed, introduced)",
        description="Double opt-in: the first time asks A (status asked); move it on with "
        f"--status ({STATUSES}). Each step is a dated entry in both diaries; one undo each.",
    )
    intro.add_argument("a", metavar="A", help="who is asked first (usually who needs something)")
    intro.add_argument("b", metavar="B", help="who they are introduced to")
    intro.add_argument("--note", default="", metavar="WHY", help="why these two should meet")
    intro.add_argument("--status", metavar="S", help=f"one of {STATUSES} (default: asked)")
    intro.add_argument("--on", metavar="DATE", help="when (default today)")
    intro.add_argument(
        "--draft",
        action="store_true",
        help="print the email (the ask, or the introduction); records nothing",
    )
    intro.add_argument("--json", action="store_true")
    intro.set_defaults(handler=cmd_introduce)

    listing = sub.add_parser("introductions", help="introductions you made, newest first")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_introductions)


def introduction_json(store: Store, intro: Introduction) -> dict[str, object]:
    names = store.contacts_by_id
    data = intro.to_dict()
    data["a_name"] = names[intro.a_id].name if intro.a_id in names else None
    data["b_name"] = names[intro.b_id].name if intro.b_id in names else None
    return data


def cmd_introduce(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store
    a, b = store.find(args.a), store.find(args.b)
    status = IntroStatus.parse(args.status) if args.status else IntroStatus.ASKED
    if args.draft:
        if not args.status:  # the draft for where the introduction stands
            pair = {a.id, b.id}
            made = [i for i in store.introductions() if {i.a_id, i.b_id} == pair]
            status = made[-1].status if made else IntroStatus.ASKED
        out(draft(a, b, args.note, store.settings, status))
        return 0
    on = date_arg(args.on, ctx) or ctx.today
    intro = store.introduce(a.id, b.id, on, status, args.note)
    if args.json:
        out_json(introduction_json(store, intro))
        return 0
    out(f"Introduction of {a.name} and {b.name}: {status.value} ({format_date(on)}).")
    if status is IntroStatus.ASKED:
        out(f"Once both agree: netui introduce {args.a!r} {args.b!r} --status introduced")
    elif status is IntroStatus.INTRODUCED:
        days = store.settings.introduction_follow_up_days
        out(f"Next: ask {a.name} how it went, in {days} days (it will be in the queue).")
    return 0


def cmd_introductions(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store
    made = list(reversed(store.introductions()))
    if args.json:
        out_json([introduction_json(store, i) for i in made])
        return 0
    if not made:
        out("No introductions yet. netui matches suggests some; netui introduce A B records one.")
        return 0
    names = store.contacts_by_id
    for intro in made:
        a = names[intro.a_id].name if intro.a_id in names else "?"
        b = names[intro.b_id].name if intro.b_id in names else "?"
        why = f" — {intro.note}" if intro.note else ""
        out(f"{format_date(intro.on)}  {a} ↔ {b}: {intro.status.value}{why}")
    return 0
