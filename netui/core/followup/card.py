"""What a contact's card says: one list of fields for `netui show` and the TUI's detail pane.

Both used to pick their own fields (the CLI had no cadence, the TUI no separate emails and
phones...); now each only decides how a field looks. Values are printable text (control
characters escaped, one-line fields folded), so either front end shows them literally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from netui.core.dates import format_date, humanize
from netui.core.db.store import Store
from netui.core.followup.introductions import describe as describe_introduction
from netui.core.followup.referrals import describe
from netui.core.model import Contact, Stage
from netui.core.rules import NextAction
from netui.core.sync.merge import describe_conflict
from netui.core.text import one_line, printable


@dataclass(frozen=True)
class CardField:
    key: str  # what the field is, for a front end that styles some fields its own way
    label: str  # "Met", "Next"...; "" for the lines under the name (role, archived)
    text: str


@dataclass(frozen=True)
class Card:
    contact: Contact
    next: NextAction | None
    fields: list[CardField]


def day(d: date, today: date) -> str:
    """'Tue 24 Nov 2026 (yesterday)'."""
    return f"{format_date(d)} ({humanize(d, today)})"


def ladder_text(contact: Contact) -> str:
    """Each rung, with the day it was reached: 'met 3 Mar 2026 ✓ → thanked ✓ → called'."""
    rungs = []
    for stage in Stage:
        reached = contact.reached_on(stage) if stage.rank <= contact.stage.rank else None
        if reached is not None:
            rungs.append(f"{stage.label} {format_date(reached)} ✓")
        else:
            rungs.append(f"{stage.label} ✓" if stage.rank <= contact.stage.rank else stage.label)
    return " → ".join(rungs)


def standing_text(contact: Contact, today: date) -> str:
    """Off the ladder: waiting unsorted after an import, or kept in touch (else empty)."""
    if contact.archived:
        return ""
    if contact.unsorted:
        return "Unsorted: imported, not in the queue (U sorts)"
    if contact.keep_since is not None:
        return f"Kept in touch off the ladder since {day(contact.keep_since, today)}"
    return ""


def contact_card(store: Store, contact: Contact, today: date) -> Card:
    """The card's fields in the order both front ends show them."""
    fields: list[CardField] = []

    def add(key: str, label: str, text: str) -> None:
        if text:
            fields.append(CardField(key, label, text))

    add("role", "", " at ".join(one_line(x) for x in (contact.title, contact.company) if x))
    add("archived", "", "Archived as a dud" if contact.archived else "")
    add("reach", "Reach", " · ".join(one_line(x) for x in (*contact.emails, *contact.phones)))
    add("web", "Web", " · ".join(one_line(url) for url in contact.urls))
    add("best way", "Best way", printable(contact.reach))
    met = [f"at {one_line(contact.met_at)}"] if contact.met_at else []
    if contact.met_on:
        met.append(f"on {day(contact.met_on, today)}")
    add("met", "Met", " ".join(met))
    add("ladder", "Ladder", ladder_text(contact))
    add("standing", "", standing_text(contact, today))
    nxt = store.next_action(contact, today)
    if nxt is not None:
        when = day(nxt.due, today) + (" (snoozed)" if nxt.snoozed else "")
        add("next", "Next", f"{nxt.action}, due {when}")
    add("mention", "Mention", printable(contact.mention))
    referrals = store.referrals_of(contact.id)
    introductions = store.introductions_of(contact.id)
    named = {contact.referred_by} if contact.referred_by else set()
    named |= {i for r in referrals for i in (r.referrer_id, r.referred_id)}
    named |= {i for intro in introductions for i in (intro.a_id, intro.b_id)}
    everyone = store.contacts_among(sorted(named))  # whom the card names, not all 10,000
    if contact.referred_by and all(r.referred_id != contact.id for r in referrals):
        referrer = everyone.get(contact.referred_by)
        add(
            "referred by",
            "Referred by",
            one_line(referrer.name) if referrer else "(deleted contact)",
        )
    for referral in referrals:
        # The same words everywhere: declined, won't call ahead, don't use their name…
        add("referral", "Referral", one_line(describe(referral, everyone, contact.id)))
    for intro in introductions:
        line = one_line(describe_introduction(intro, everyone, contact.id))
        add("introduction", "Intro", line)  # a short label: the pane is narrow
    for conflict in contact.conflicts:
        add("conflict", "", one_line(describe_conflict(conflict)))
    add("tags", "Tags", printable(", ".join(contact.tags)))
    add("needs", "Needs", printable(", ".join(contact.needs)))
    add("offers", "Offers", printable(", ".join(contact.offers)))
    if contact.cadence_days:
        add("keep in touch", "Keep in touch", f"every {contact.cadence_days} days")
    add("notes", "Notes", printable(contact.notes))
    return Card(contact, nxt, fields)
