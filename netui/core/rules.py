"""The follow-up rules: what to do next with each contact, and by when.

Two states sit beside the ladder. An *unsorted* contact (new from an import: an address
book holds people you already know, and a 1,351-person LinkedIn import put 1,351 overdue
thank-yous in the queue) has no next action until it is sorted. A contact *kept in touch*
(`keep_since`) is off the ladder: its one action is to keep in touch, due a cadence after
the later of the day it was kept and the last conversation.

A follow-up overdue by more than `gone_cold_days` has *gone cold*: the queue and the
review put such items after the day's work, in one group that can be handled in bulk
(at 10,000 imported contacts the review opened on "1 of 9393: ... 3983 days overdue").
Only ladder steps go cold. A referral thank-you and an introduction follow-up stay in the
day's work however late: the bulk actions snooze or keep in touch a contact's ladder step,
which would never clear them, so the cold group could never be emptied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from netui.core.config import Settings
from netui.core.dates import add_days
from netui.core.model import (
    Contact,
    Introduction,
    IntroStatus,
    Record,
    Referral,
    Stage,
    StageStep,
)

ACTIONS = {
    Stage.MET: "Send a thank-you note",
    Stage.THANKED: "Call",
    Stage.CALLED: "Invite to coffee or lunch",
    Stage.COFFEE: "Keep in touch",
}
GET_IN_TOUCH = "Get in touch (referred to you)"
KEEP_IN_TOUCH = ACTIONS[Stage.COFFEE]


class SortChoice(StrEnum):
    """Where sorting puts an unsorted contact: a rung, kept in touch, or archived as a dud."""

    MET = "met"
    THANKED = "thanked"
    CALLED = "called"
    COFFEE = "coffee"
    KEEP = "keep"
    DUD = "dud"

    @property
    def label(self) -> str:
        if self is SortChoice.KEEP:
            return "keep in touch"
        if self is SortChoice.DUD:
            return "dud (archived)"
        return Stage(self.value).label


# NextAction and QueueItem are built 10,000 times for the TUI's first frame: plain slots
# classes, not frozen ones (a frozen __init__ sets each field through object.__setattr__:
# 10,000 items took ~7 ms instead of ~1.8 ms). Treat them as values all the same: nothing
# changes one after it is made (make a new one). Records, not dataclasses (see `Record`).
class NextAction(Record):
    """The one next step for a contact."""

    __slots__ = ("action", "due", "snoozed")

    def __init__(self, action: str, due: date, snoozed: bool = False) -> None:
        self.action = action
        self.due = due
        self.snoozed = snoozed  # the due date comes from a follow-up date, not the rule

    def overdue(self, today: date) -> bool:
        return self.due < today


class Person(Protocol):
    """What the queue needs of whom a follow-up is with, and a search hit of whose diary entry
    it is: a `Contact`, a digest row's `digest.Brief` (`netui queue` from the digest, without
    building 10,000 records), or the search cache's owner row."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def archived(self) -> bool: ...


P = TypeVar("P", bound=Person)


class QueueItem(Record, Generic[P]):
    """A row of the follow-up queue."""

    __slots__ = (  # noqa: RUF023 (in field order, as the dataclass had them)
        "contact",
        "action",
        "due",
        "overdue",
        "kind",
        "referral_id",
        "introduction_id",
        "cold",
    )

    def __init__(
        self,
        contact: P,
        action: str,
        due: date,
        overdue: bool,
        kind: str = "stage",
        referral_id: str | None = None,
        introduction_id: str | None = None,
        cold: bool = False,
    ) -> None:
        self.contact = contact
        self.action = action
        self.due = due
        self.overdue = overdue
        self.kind = kind  # "stage", "thank-referrer", or "ask-introduction"
        self.referral_id = referral_id
        self.introduction_id = introduction_id  # for "ask-introduction": ask how it went
        self.cold = cold  # overdue by more than gone_cold_days: after the day's work

    def to_json(self) -> dict[str, object]:
        return {
            "contact_id": self.contact.id,
            "name": self.contact.name,
            "action": self.action,
            "due": self.due.isoformat(),
            "overdue": self.overdue,
            "cold": self.cold,
        }


KEPT_IN_TOUCH = "keep in touch"  # the standing of a contact off the ladder, kept in touch


def standing(contact: Contact) -> str:
    """Where a contact stands, in words: its rung, or unsorted, or kept in touch."""
    if contact.unsorted:
        return "unsorted"
    if contact.keep_since is not None:
        return KEPT_IN_TOUCH
    return contact.stage.label


def gone_cold(due: date, on: date, settings: Settings) -> bool:
    """Overdue by more than the setting: no longer today's work but a group to sort."""
    return (on - due).days > settings.gone_cold_days


def stage_item(contact: P, nxt: NextAction, on: date, settings: Settings) -> QueueItem[P]:
    """The queue row of a contact's next action."""
    return QueueItem(
        contact, nxt.action, nxt.due, nxt.due < on, cold=gone_cold(nxt.due, on, settings)
    )


def queue_order(item: QueueItem[P]) -> tuple[bool, date, str]:
    """Today's work first (overdue first), then the gone-cold group, each soonest first."""
    return (item.cold, item.due, item.contact.name.casefold())


def _stage_since(contact: Contact) -> date:
    """The day the contact reached its current stage (falls back to met / created)."""
    reached = contact.reached_on(contact.stage)
    if not reached:
        reached = contact.met_on or date.fromisoformat(contact.created[:10])
    return max(reached, contact.sorted_on or reached)


def cadence_days(contact: Contact, settings: Settings) -> int:
    return contact.cadence_days or settings.keep_in_touch_days


def rule_due(contact: Contact, settings: Settings) -> date:
    """The due date the ladder gives, ignoring any snooze."""
    since = _stage_since(contact)
    if contact.keep_since is not None:
        last = max(filter(None, (contact.last_contact_on, contact.keep_since)))
        return add_days(last, cadence_days(contact, settings))
    if contact.stage is Stage.MET:
        start = contact.met_on or since
        return add_days(max(start, contact.sorted_on or start), settings.thank_you_days)
    if contact.stage is Stage.THANKED:
        return add_days(since, settings.call_days)
    if contact.stage is Stage.CALLED:
        return add_days(since, settings.coffee_days)
    last = max(filter(None, (contact.last_contact_on, since)))
    return add_days(last, cadence_days(contact, settings))


def next_action(
    contact: Contact, settings: Settings, today: date | None = None
) -> NextAction | None:
    """The next step and its due date; None for an archived or unsorted contact.

    An explicit follow-up date (a snooze or a plan) replaces the rule's date; the store
    clears it when the contact moves a stage or a conversation is logged.
    """
    if contact.archived or contact.unsorted:
        return None
    action = ACTIONS[contact.stage]
    if contact.keep_since is not None:
        action = KEEP_IN_TOUCH
    elif contact.stage is Stage.MET and contact.referred_by and contact.last_contact_on is None:
        # Referred to you, not met yet: there is nothing to thank them for.
        action = GET_IN_TOUCH
    due = rule_due(contact, settings)
    if contact.follow_up_on is not None:
        return NextAction(action, contact.follow_up_on, snoozed=True)
    return NextAction(action, due)


def referral_thanks(
    referrals: Iterable[Referral], contacts: Mapping[str, P]
) -> list[tuple[Referral, P, date]]:
    """Referrers not yet thanked for an introduction: due the day after the referral."""
    out = []
    for ref in referrals:
        referrer = contacts.get(ref.referrer_id)
        if ref.thanked_on is None and referrer is not None and not referrer.archived:
            out.append((ref, referrer, add_days(ref.on, 1)))
    return out


def introduction_follow_ups(
    introductions: Iterable[Introduction], contacts: Mapping[str, P], settings: Settings
) -> list[tuple[Introduction, P, P, date]]:
    """Introductions made and not yet followed up: ask the first side how it went."""
    out = []
    for intro in introductions:
        made = intro.status_on(IntroStatus.INTRODUCED)
        if intro.status is not IntroStatus.INTRODUCED or made is None or intro.followed_up_on:
            continue
        asker, other = contacts.get(intro.a_id), contacts.get(intro.b_id)
        if asker is not None and other is not None and not asker.archived:
            due = add_days(made, settings.introduction_follow_up_days)
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
) -> list[QueueItem[Contact]]:
    """Follow-ups due by `on` (+ horizon): the day's work, then the gone-cold group, each
    soonest first, then by name (referral thank-yous and introduction follow-ups never go
    cold)."""
    return queue_of(
        contacts,
        lambda contact: next_action(contact, settings, on),
        settings,
        on,
        referrals=referrals,
        introductions=introductions,
        horizon_days=horizon_days,
    )


def queue_of(
    contacts: Mapping[str, P],
    next_of: Callable[[P], NextAction | None],
    settings: Settings,
    on: date,
    *,
    referrals: Iterable[Referral] = (),
    introductions: Iterable[Introduction] = (),
    horizon_days: int = 0,
) -> list[QueueItem[P]]:
    """`queue` over anyone whose next actions `next_of` gives (a digest's rows, say)."""
    limit = add_days(on, horizon_days)
    items = []
    for contact in contacts.values():
        nxt = next_of(contact)
        if nxt is None or nxt.due > limit:
            continue
        items.append(stage_item(contact, nxt, on, settings))
    items += link_items(contacts, settings, on, referrals, introductions, horizon_days)
    items.sort(key=queue_order)
    return items


def link_items(
    contacts: Mapping[str, P],
    settings: Settings,
    on: date,
    referrals: Iterable[Referral],
    introductions: Iterable[Introduction],
    horizon_days: int,
) -> list[QueueItem[P]]:
    """The queue's referral thank-yous and introduction follow-ups, unsorted: they read only
    the names and whether archived of the people named (the TUI's first screen has no more)."""
    limit = add_days(on, horizon_days)
    items = []
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
    return items


def sort_out(contact: Contact, choice: SortChoice, on: date) -> Contact:
    """The contact taken out of the unsorted inbox as `choice` says, on day `on` (a copy).

    A rung starts its clock on `on` (a thank-you chosen today is due tomorrow, not 4,888
    days ago); `keep` keeps in touch from `on`; `dud` archives.
    """
    out = Contact.from_dict(contact.to_dict())
    out.unsorted = False
    out.sorted_on = on
    if choice is SortChoice.DUD:
        out.archived = True
    elif choice is SortChoice.KEEP:
        out.keep_since = on
        out.follow_up_on = None
    else:
        placed_on_ladder(out, Stage(choice.value), on)
        out.sorted_on = on  # a rung already reached long ago restarts today
    return out


def placed_on_ladder(contact: Contact, stage: Stage, on: date) -> None:
    """Put the contact (in place) on a rung dated `on`: sorted, and back on the ladder."""
    if contact.stage is not stage or contact.reached_on(stage) is None:
        contact.stage_history.append(StageStep(stage, on))
    contact.stage = stage
    contact.unsorted = False
    contact.keep_since = None
    contact.follow_up_on = None
    contact.sorted_on = None  # the step's own day runs the clock from now on


def keep_in_touch(contact: Contact, on: date) -> Contact:
    """The contact kept in touch off the ladder from `on` (a copy): due a cadence later."""
    out = Contact.from_dict(contact.to_dict())
    out.keep_since = on
    out.follow_up_on = None
    return out
