"""The follow-up rules: what to do next with each contact, and by when."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from netui.core.config import Settings
from netui.core.model import Contact, Introduction, IntroStatus, Referral, Stage

ACTIONS = {
    Stage.MET: "Send a thank-you note",
    Stage.THANKED: "Call",
    Stage.CALLED: "Invite to coffee or lunch",
    Stage.COFFEE: "Keep in touch",
}
GET_IN_TOUCH = "Get in touch (referred to you)"


@dataclass(frozen=True, slots=True)
class NextAction:
    """The one next step for a contact."""

    action: str
    due: date
    snoozed: bool = False  # the due date comes from an explicit follow-up date, not the rule

    def overdue(self, today: date) -> bool:
        return self.due < today


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A row of the follow-up queue."""

    contact: Contact
    action: str
    due: date
    overdue: bool
    kind: str = "stage"  # "stage", "thank-referrer", or "ask-introduction"
    referral_id: str | None = None
    introduction_id: str | None = None  # for "ask-introduction": ask how it went

    def to_json(self) -> dict[str, object]:
        return {
            "contact_id": self.contact.id,
            "name": self.contact.name,
            "action": self.action,
            "due": self.due.isoformat(),
            "overdue": self.overdue,
        }


def _stage_since(contact: Contact) -> date:
    """The day the contact reached its current stage (falls back to met / created)."""
    reached = contact.reached_on(contact.stage)
    if reached:
        return reached
    if contact.met_on:
        return contact.met_on
    return date.fromisoformat(contact.created[:10])


def cadence_days(contact: Contact, settings: Settings) -> int:
    return contact.cadence_days or settings.keep_in_touch_days


def rule_due(contact: Contact, settings: Settings) -> date:
    """The due date the ladder gives, ignoring any snooze."""
    since = _stage_since(contact)
    if contact.stage is Stage.MET:
        return (contact.met_on or since) + timedelta(days=settings.thank_you_days)
    if contact.stage is Stage.THANKED:
        return since + timedelta(days=settings.call_days)
    if contact.stage is Stage.CALLED:
        return since + timedelta(days=settings.coffee_days)
    last = max(filter(None, (contact.last_contact_on, since)))
    return last + timedelta(days=cadence_days(contact, settings))


def next_action(
    contact: Contact, settings: Settings, today: date | None = None
) -> NextAction | None:
    """The next step and its due date; None for an archived contact.

    An explicit follow-up date (a snooze or a plan) replaces the rule's date; the store
    clears it when the contact moves a stage or a conversation is logged.
    """
    if contact.archived:
        return None
    action = ACTIONS[contact.stage]
    if contact.stage is Stage.MET and contact.referred_by and contact.last_contact_on is None:
        # Referred to you, not met yet: there is nothing to thank them for.
        action = GET_IN_TOUCH
    due = rule_due(contact, settings)
    if contact.follow_up_on is not None:
        return NextAction(action, contact.follow_up_on, snoozed=True)
    return NextAction(action, due)


def referral_thanks(
    referrals: Iterable[Referral], contacts: Mapping[str, Contact]
) -> list[tuple[Referral, Contact, date]]:
    """Referrers not yet thanked for an introduction: due the day after the referral."""
    out = []
    for ref in referrals:
        referrer = contacts.get(ref.referrer_id)
        if ref.thanked_on is None and referrer is not None and not referrer.archived:
            out.append((ref, referrer, ref.on + timedelta(days=1)))
    return out


def introduction_follow_ups(
    introductions: Iterable[Introduction], contacts: Mapping[str, Contact], settings: Settings
) -> list[tuple[Introduction, Contact, Contact, date]]:
    """Introductions made and not yet followed up: ask the first side how it went."""
    out = []
    for intro in introductions:
        made = intro.status_on(IntroStatus.INTRODUCED)
        if intro.status is not IntroStatus.INTRODUCED or made is None or intro.followed_up_on:
            continue
        asker, other = contacts.get(intro.a_id), contacts.get(intro.b_id)
        if asker is not None and other is not None and not asker.archived:
            due = made + timedelta(days=settings.introduction_follow_up_days)
            out.append((intro, asker, other, due))
    return out


def queue(
    contacts: Mapping[str, Contact],
    settings: Settings,
    on: date,
    *,
    referrals: Iterable[Referral] = (),
    introductions: Iterable[Introduction] = (),
    horizon_days: int = 0,
) -> list[QueueItem]:
    """Follow-ups due by `on` (+ horizon), overdue first, soonest first, then by name."""
    limit = on + timedelta(days=horizon_days)
    items = []
    for contact in contacts.values():
        nxt = next_action(contact, settings, on)
        if nxt is None or nxt.due > limit:
            continue
        items.append(QueueItem(contact, nxt.action, nxt.due, nxt.due < on))
    for ref, referrer, due in referral_thanks(referrals, contacts):
        if due <= limit:
            referred = contacts.get(ref.referred_id)
            what = f"Thank {referrer.name} for the introduction"
            if referred is not None:
                what += f" to {referred.name}"
            items.append(
                QueueItem(referrer, what, due, due < on, kind="thank-referrer", referral_id=ref.id)
            )
    for intro, asker, other, due in introduction_follow_ups(introductions, contacts, settings):
        if due <= limit:
            what = f"Ask {asker.name} how the introduction to {other.name} went"
            items.append(
                QueueItem(
                    asker, what, due, due < on, kind="ask-introduction", introduction_id=intro.id
                )
            )
    items.sort(key=lambda i: (i.due, i.contact.name.casefold()))
    return items
