"""Commands beyond the first follow-up: the daily plan, referrals, thanks, needs and offers,
keep-in-touch cadence, and the funnel."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

from netui.cli.contacts_cmds import cell, cold_line, date_arg, queue_line
from netui.cli.context import CliError, Context, out, out_json
from netui.core.dates import format_date, humanize
from netui.core.db.store import Store, fold
from netui.core.errors import ValidationError
from netui.core.followup import matches as matching
from netui.core.followup import review as reviewing
from netui.core.followup.referrals import describe, record_referral
from netui.core.followup.thankyou import draft, draft_for_introduction
from netui.core.model import MAX_CADENCE, Contact, Introduce, Referral, Stage
from netui.core.rules import QueueItem

if TYPE_CHECKING:  # the funnel's statistics import costs ~5 ms: only `netui stats` pays it
    from netui.core.followup import stats as funnel_stats


def register(sub: argparse._SubParsersAction) -> None:
    rev = sub.add_parser("review", help="today's plan: overdue follow-ups, then those due today")
    rev.add_argument("--list", action="store_true", help="print the plan (the TUI walks it: r)")
    rev.add_argument("--json", action="store_true")
    rev.set_defaults(handler=cmd_review)

    refer = sub.add_parser(
        "refer",
        help="record that REFERRER recommended NAME (creates NAME, or links the one contact "
        "with exactly that name)",
    )
    refer.add_argument("referrer", metavar="REFERRER")
    refer.add_argument("name", metavar="NAME")
    refer.add_argument("--company", default="")
    refer.add_argument("--introduce", choices=[i.value for i in Introduce if i.value],
                       help="will REFERRER introduce you")  # fmt: skip
    refer.add_argument("--call-ahead", action=argparse.BooleanOptionalAction, default=None,
                       help="will REFERRER call ahead")  # fmt: skip
    refer.add_argument("--shared-details", action="store_true",
                       help="REFERRER gave NAME's contact details")  # fmt: skip
    refer.add_argument("--reach", default="", metavar="TEXT",
                       help="how and when best to reach NAME")  # fmt: skip
    refer.add_argument("--may-use-name", action=argparse.BooleanOptionalAction, default=None,
                       help="you may say REFERRER sent you")  # fmt: skip
    refer.add_argument("--note", default="", metavar="TEXT")
    refer.add_argument("--on", metavar="DATE", help="when (default today)")
    refer.set_defaults(handler=cmd_refer)

    thank = sub.add_parser(
        "thank",
        help="mark a referrer thanked for their introductions (--draft: print the note)",
    )
    thank.add_argument("target", metavar="REFERRAL_OR_CONTACT")
    thank.add_argument("--draft", action="store_true",
                       help="print the drafted note instead; change nothing")  # fmt: skip
    thank.set_defaults(handler=cmd_thank)

    match = sub.add_parser("matches", help="introductions to suggest: A needs what B offers")
    match.add_argument("--json", action="store_true")
    match.set_defaults(handler=cmd_matches)

    stats = sub.add_parser("stats", help="the funnel, timings, duds, referrals, best events")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=cmd_stats)

    needs = sub.add_parser(
        "needs",
        help="show or change what a contact needs and offers "
        f"({', '.join(matching.CATEGORIES)}, or free text)",
    )
    needs.add_argument("contact", metavar="CONTACT")
    needs.add_argument("--need", action="append", default=[], metavar="X")
    needs.add_argument("--offer", action="append", default=[], metavar="Y")
    needs.add_argument("--remove", action="append", default=[], metavar="Z",
                       help="drop this need or offer")  # fmt: skip
    needs.add_argument("--clear", action="store_true", help="drop every need and offer first")
    needs.set_defaults(handler=cmd_needs)

    cadence = sub.add_parser("cadence", help="keep in touch every DAYS days after coffee")
    cadence.add_argument("contact", metavar="CONTACT")
    cadence.add_argument("days", metavar="DAYS", help="e.g. 14, 30, 90; 'default' for the usual")
    cadence.set_defaults(handler=cmd_cadence)


# -- review ---------------------------------------------------------------------------------


def cmd_review(args: argparse.Namespace, ctx: Context) -> int:
    store, today = ctx.store, ctx.today
    items = reviewing.plan(store, today)
    if args.json:
        out_json([_review_json(store, item) for item in items])
        return 0
    cold = [i for i in items if i.cold]
    items = [i for i in items if not i.cold]
    if not items:
        out("Nothing due today: all caught up.")
    else:
        overdue = sum(1 for i in items if i.overdue)
        due = len(items) - overdue
        out(f"Daily review, {format_date(today)}: {overdue} overdue, {due} due today.")
    for number, item in enumerate(items, 1):
        step = reviewing.step_for(item, store.get(item.contact.id).stage)
        sys.stdout.write(f"{number:>3}. {queue_line(item, today)}\n")
        out(f"     do: {step.label}")
        if item.kind == "stage" and item.contact.mention:
            out(f"     mention: {item.contact.mention}")
        if item.kind == "stage" and (sent := reviewing.emailed_thank_you(store, item.contact)):
            day, subject = sent.on.isoformat(), sent.subject or "no subject"
            out(f"     you emailed them on {day} ({subject}): the thank-you?")
            out(f"     if so: netui stage {item.contact.id[:8]} thanked --on {day}")
    if cold:
        out(cold_line(len(cold), store.settings.gone_cold_days) + ", after today's work.")
        out("  netui queue --cold lists them; netui cold --snooze DATE|--archive|--keep")
    if not args.list and (items or cold):
        out("Walk through it one contact at a time in the TUI: run `netui` and press r.")
    return 0


def _review_json(store: Store, item: QueueItem) -> dict[str, object]:
    step = reviewing.step_for(item, store.get(item.contact.id).stage)
    return {
        **item.to_json(),
        "kind": item.kind,
        "referral_id": item.referral_id,
        "step": step.label,
        "mention": item.contact.mention,
        "emailed_thank_you": _emailed_json(store, item),
    }


def _emailed_json(store: Store, item: QueueItem) -> dict[str, object] | None:
    """The email that was probably the thank-you (see review.emailed_thank_you), if any."""
    sent = reviewing.emailed_thank_you(store, item.contact) if item.kind == "stage" else None
    if sent is None:
        return None
    return {"on": sent.on.isoformat(), "subject": sent.subject, "conversation_id": sent.id}


# -- referrals and thanks -------------------------------------------------------------------


def cmd_refer(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store
    referrer = store.find(args.referrer)
    referral, created = record_referral(
        store,
        referrer.id,
        args.name,
        on=date_arg(args.on, ctx) or ctx.today,
        company=args.company,
        introduce=Introduce(args.introduce or ""),
        call_ahead=args.call_ahead,
        shared_details=args.shared_details,
        reach=args.reach,
        may_use_name=args.may_use_name,
        note=args.note,
    )
    referred = store.get(referral.referred_id)
    verb = "Added" if created else "Linked"
    line = describe(referral, store.contacts_by_id, referred.id)
    out(f"{verb} {referred.name} ({referred.id[:8]}): {line}.")
    due = referral.on + timedelta(days=1)
    out(f"Queued: thank {referrer.name} for the introduction, due {humanize(due, ctx.today)}.")
    return 0


def _pending_thanks(store: Store, target: str) -> tuple[Contact, list[Referral]]:
    """The referrer and their unthanked referrals, from a referral id or a contact."""
    ref = target.strip()
    by_id = [r for r in store.referrals() if len(ref) >= 6 and r.id.startswith(ref)]
    if len(by_id) == 1:
        return store.get(by_id[0].referrer_id), by_id
    contact = store.find(ref)
    pending = [r for r in store.referrals() if r.referrer_id == contact.id and r.thanked_on is None]
    return contact, pending


def cmd_thank(args: argparse.Namespace, ctx: Context) -> int:
    store, today = ctx.store, ctx.today
    contact, pending = _pending_thanks(store, args.target)
    if args.draft:
        if pending:
            referred = store.contacts_by_id.get(pending[0].referred_id)
            sys.stdout.write(draft_for_introduction(contact, referred, today))
        else:
            sys.stdout.write(draft(contact, store.settings.thank_you_template, today))
        return 0
    if not pending:
        hint = f" (a thank-you for meeting: netui stage {contact.id[:8]} thanked)"
        raise CliError(f"{contact.name} has no introduction waiting for thanks" + hint)
    if len(pending) == 1:
        store.update_referral(pending[0].id, thanked_on=today)
    else:
        store.import_batch(
            referrals=[r.replace(thanked_on=today) for r in pending],
            description=f"Thank {contact.name} for {len(pending)} introductions",
        )
    for referral in pending:
        referred = store.contacts_by_id.get(referral.referred_id)
        to = f" to {referred.name}" if referred else ""
        out(f"Thanked {contact.name} for the introduction{to}.")
    return 0


# -- needs, offers and matches ---------------------------------------------------------------


def _merge_phrases(current: list[str], add: list[str], remove: set[str]) -> list[str]:
    kept: dict[str, str] = {}
    for phrase in (*current, *add):
        cleaned = matching.clean_phrase(phrase)
        if cleaned and fold(cleaned) not in remove:
            kept.setdefault(fold(cleaned), cleaned)
    return list(kept.values())


def cmd_needs(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store
    contact = store.find(args.contact)
    if args.need or args.offer or args.remove or args.clear:
        remove = {fold(matching.clean_phrase(p)) for p in args.remove}
        keep_needs = [] if args.clear else contact.needs
        keep_offers = [] if args.clear else contact.offers
        contact = store.update_contact(
            contact.id,
            needs=_merge_phrases(keep_needs, args.need, remove),
            offers=_merge_phrases(keep_offers, args.offer, remove),
        )
    out(f"{contact.name} needs: {', '.join(contact.needs) or '-'}")
    out(f"{contact.name} offers: {', '.join(contact.offers) or '-'}")
    return 0


def cmd_matches(args: argparse.Namespace, ctx: Context) -> int:
    found = matching.find_matches(ctx.store.contacts())
    if args.json:
        out_json([m.to_json() for m in found])
        return 0
    if not found:
        out("No matches yet. Record needs and offers: netui needs CONTACT --need X --offer Y")
        return 0
    for m in found:
        out(f"Introduce {m.needer.name} to {m.giver.name}: "
            f'{m.needer.name} needs "{m.need}"; {m.giver.name} offers "{m.offer}".')  # fmt: skip
    return 0


# -- keep in touch --------------------------------------------------------------------------


def parse_cadence(text: str) -> int | None:
    """A number of days, or None for 'default' (the configured keep-in-touch rhythm)."""
    word = text.strip().lower()
    if word in ("default", "none"):
        return None
    if not word.isdigit() or not 1 <= int(word) <= MAX_CADENCE:
        raise ValidationError(
            f"cadence must be a whole number of days from 1 to {MAX_CADENCE}, or 'default'"
        )
    return int(word)


def cmd_cadence(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store
    days = parse_cadence(args.days)
    contact = store.update_contact(store.find(args.contact).id, cadence_days=days)
    every = days or store.settings.keep_in_touch_days
    usual = " (the default)" if days is None else ""
    out(f"Keep in touch with {contact.name} every {every} days{usual}.")
    nxt = store.next_action(contact, ctx.today)
    if contact.stage is Stage.COFFEE and nxt is not None:
        out(f"Next: {nxt.action}, due {humanize(nxt.due, ctx.today)} ({format_date(nxt.due)}).")
    else:
        out("It applies once you have met for coffee; each logged conversation restarts it.")
    return 0


# -- stats ----------------------------------------------------------------------------------


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _days(median: float | None) -> str:
    if median is None:
        return ""
    shown = f"{median:g}"
    return f"median {shown} day{'' if median == 1 else 's'}"


_STEP_NOUNS = {"called": "calls", "coffee": "coffees"}


def stats_lines(stats: funnel_stats.Stats) -> list[str]:
    from netui.core.followup import stats as funnel_stats

    lines = [f"Contacts: {stats.contacts} ({stats.active} active, {stats.duds} duds)", "Funnel:"]
    largest = stats.funnel[0].reached
    previous = ""
    for step in stats.funnel:
        rate = f"{_percent(step.rate)} of {previous}" if previous else ""
        chart = funnel_stats.bar(step.reached, largest, 20)
        line = f"  {step.stage.label:<15}{step.reached:>6}  {chart:<20}  {rate:<16} "
        lines.append((line + _days(step.median_days)).rstrip())
        previous = step.stage.label
    lines.append(f"  met → coffee: {_percent(stats.overall_rate)}")
    cold = f", {stats.gone_cold} gone cold" if stats.gone_cold else ""
    lines.append(f"Follow-ups: {stats.overdue_today} overdue, {stats.due_today} due today{cold}")
    noted = [f"{t.good} of {t.total} {_STEP_NOUNS[t.name]}" for t in stats.steps_with_notes]
    if noted:
        lines.append(f"With notes in the diary: {', '.join(noted)}")
    lines.append(
        f"Referrals: {stats.referrals_received} received ({stats.referrals_thanked} thanked); "
        f"{stats.referred_contacts} contacts came by referral"
    )
    for t in stats.referrers:
        lines.append(f"  {cell(t.name, 30)} gave {t.total}, thanked for {t.good}")
    if stats.introductions_per_month:
        lines.append("Introductions you made, per month:")
        for month, outcomes in stats.introductions_per_month.items():
            said = ", ".join(f"{n} {status}" for status, n in sorted(outcomes.items()))
            lines.append(f"  {month}: {said}")
    for balance in stats.balances:
        lines.append(f"  {balance.text()}")
    if stats.events:
        lines.append("Most productive events (reached coffee / met there):")
        for t in stats.events:
            lines.append(f"  {cell(t.name, 30)} {t.good} / {t.total}")
    return lines


def cmd_stats(args: argparse.Namespace, ctx: Context) -> int:
    from netui.core.followup import stats as funnel_stats

    stats = funnel_stats.stats_of(ctx.store, ctx.today)
    if args.json:
        out_json(stats.to_json())
        return 0
    for line in stats_lines(stats):
        out(line)
    return 0
