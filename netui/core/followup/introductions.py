"""Introductions the user makes: the giving half of the referral ladder.

Networking works because help flows both ways. An introduction is double opt-in: ask one
side first (`asked`), introduce both once each agreed (`introduced`), or let it go
(`declined`). The drafts come from user-editable templates in config.toml; the follow-up
("ask how it went") is a rule in `netui.core.rules`; the balance of help per contact is here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from netui.core.config import Settings
from netui.core.dates import format_date
from netui.core.followup.thankyou import fill, first_name
from netui.core.model import Contact, Introduction, IntroStatus, Referral

INTRODUCTION_FIELDS = (
    "a_name",
    "a_first_name",
    "a_does",
    "a_does_sentence",
    "a_needs",
    "b_name",
    "b_first_name",
    "b_does",
    "b_does_sentence",
    "b_offers",
    "why",
    "why_sentence",
)


def does(contact: Contact) -> str:
    """What they do, as a letter says it: 'partner at Pine & Oak Legal'."""
    return " at ".join(filter(None, (contact.title.strip(), contact.company.strip())))


def fields(a: Contact, b: Contact, why: str) -> dict[str, str]:
    """The values an introduction template may use; `a` needs, `b` offers."""
    reason = why.strip().rstrip(".")
    if not reason and a.needs and b.offers:
        reason = f"{first_name(a.name)} is looking for {a.needs[0]}; {b.name} offers {b.offers[0]}"
    return {
        "a_name": a.name,
        "a_first_name": first_name(a.name),
        "a_does": does(a),
        "a_does_sentence": f" ({does(a)})" if does(a) else "",
        "a_needs": ", ".join(a.needs),
        "b_name": b.name,
        "b_first_name": first_name(b.name),
        "b_does": does(b),
        "b_does_sentence": f" ({does(b)})" if does(b) else "",
        "b_offers": ", ".join(b.offers),
        "why": reason,
        "why_sentence": f"I thought of you two because {reason}." if reason else "",
    }


def draft(a: Contact, b: Contact, why: str, settings: Settings, status: IntroStatus) -> str:
    """The ask (before both agreed) or the introduction itself (once they did)."""
    template = (
        settings.introduction_ask_template
        if status is IntroStatus.ASKED
        else settings.introduction_template
    )
    return fill(template, fields(a, b, why), what="introduction")


@dataclass(frozen=True, slots=True)
class Balance:
    """Help given and received with one contact."""

    name: str
    introduced: int  # people you introduced them to
    referred: int  # people they referred to you

    def text(self) -> str:
        first = first_name(self.name)
        people = "person" if self.introduced == 1 else "people"
        return (
            f"you introduced {first} to {self.introduced} {people}; "
            f"{first} referred {self.referred} to you"
        )


def balances(
    contacts: dict[str, Contact], introductions: list[Introduction], referrals: list[Referral]
) -> list[Balance]:
    """Per contact, introductions made for them and referrals from them; most lopsided first,
    so the user sees whom they owe and who owes them."""
    given = Counter(
        side
        for i in introductions
        if i.status is IntroStatus.INTRODUCED
        for side in (i.a_id, i.b_id)
    )
    received = Counter(r.referrer_id for r in referrals)
    out = [
        Balance(contacts[cid].name, given[cid], received[cid])
        for cid in set(given) | set(received)
        if cid in contacts
    ]
    out.sort(key=lambda b: (-abs(b.introduced - b.referred), b.name.casefold()))
    return out


def per_month(introductions: list[Introduction]) -> dict[str, Counter[str]]:
    """Introductions offered per month (YYYY-MM), by where they stand now."""
    months: dict[str, Counter[str]] = {}
    for intro in introductions:
        months.setdefault(intro.on.strftime("%Y-%m"), Counter())[intro.status.value] += 1
    return dict(sorted(months.items()))


def describe(intro: Introduction, contacts: Mapping[str, Contact], about: str) -> str:
    """One line for a contact's card, the same in `netui show` and the TUI."""
    other = contacts.get(intro.other(about))
    who = other.name if other is not None else "a deleted contact"
    steps = ", ".join(f"{s.status.value} {format_date(s.on)}" for s in intro.history)
    followed = (
        f"; asked how it went {format_date(intro.followed_up_on)}" if intro.followed_up_on else ""
    )
    return f"you introduced them to {who} ({steps}){followed}"
