"""The funnel: how many contacts reach each rung, how fast, and where the good ones come from.

A contact counts as having reached a stage when its current stage is that one or later,
so the funnel never widens (a stage skipped on the way still counts as passed). Archived
contacts (duds) stay in the funnel: they show where people drop out.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from netui.core.config import Settings
from netui.core.db.store import Store, fold
from netui.core.followup.introductions import Balance, balances, per_month
from netui.core.model import Contact, Conversation, Introduction, Referral, Stage
from netui.core.rules import queue

TOP = 5  # events and referrers listed
WEEKS = 12  # weeks of "people met" history for the chart


@dataclass(frozen=True, slots=True)
class FunnelStep:
    stage: Stage
    reached: int
    rate: float | None  # share of the previous stage's contacts that got here; None for met
    median_days: float | None  # median days from the previous stage to this one


@dataclass(frozen=True, slots=True)
class Tally:
    """A name and two counts: an event (contacts, coffees) or a referrer (referrals, thanked)."""

    name: str
    total: int
    good: int


@dataclass(frozen=True, slots=True)
class Stats:
    contacts: int
    active: int
    duds: int
    funnel: tuple[FunnelStep, ...]
    overdue: int  # every follow-up past its day, the gone-cold group too (as in --json)
    due_today: int
    referrals_received: int
    referrals_thanked: int
    referred_contacts: int  # contacts who came to you by referral
    referrers: tuple[Tally, ...]  # who gave referrals: (name, given, thanked)
    events: tuple[Tally, ...]  # most productive events: (event, contacts, reached coffee)
    met_per_week: tuple[int, ...]  # people met in each of the last WEEKS weeks, oldest first
    # calls and coffees: (stage label, steps made, steps with what was said logged that day)
    steps_with_notes: tuple[Tally, ...] = ()
    # introductions you made: per month (YYYY-MM -> status -> count), and per contact the
    # balance of help given and received, most lopsided first
    introductions_per_month: dict[str, dict[str, int]] = field(default_factory=dict)
    balances: tuple[Balance, ...] = ()
    gone_cold: int = 0  # of `overdue`, those past gone_cold_days: after the day's work

    @property
    def overdue_today(self) -> int:
        """Overdue and not gone cold: the day's late work, the number the main screen shows."""
        return self.overdue - self.gone_cold

    @property
    def overall_rate(self) -> float | None:
        met = self.funnel[0].reached
        return self.funnel[-1].reached / met if met else None

    def to_json(self) -> dict[str, object]:
        return {
            "contacts": self.contacts,
            "active": self.active,
            "duds": self.duds,
            "funnel": [
                {
                    "stage": s.stage.value,
                    "reached": s.reached,
                    "rate": s.rate,
                    "median_days": s.median_days,
                }
                for s in self.funnel
            ],
            "met_to_coffee_rate": self.overall_rate,
            "overdue": self.overdue,
            "gone_cold": self.gone_cold,
            "due_today": self.due_today,
            "referrals": {
                "received": self.referrals_received,
                "thanked": self.referrals_thanked,
                "referred_contacts": self.referred_contacts,
                "referrers": [
                    {"name": t.name, "given": t.total, "thanked": t.good} for t in self.referrers
                ],
            },
            "met_per_week": list(self.met_per_week),
            "events": [
                {"event": t.name, "contacts": t.total, "coffee": t.good} for t in self.events
            ],
            "introductions": {
                "per_month": self.introductions_per_month,
                "balance": [
                    {"name": b.name, "introduced": b.introduced, "referred": b.referred}
                    for b in self.balances
                ],
            },
            "steps_with_notes": [
                {"stage": t.name, "steps": t.total, "with_notes": t.good}
                for t in self.steps_with_notes
            ],
        }


def bar(value: int, largest: int, cells: int) -> str:
    """A text bar in eighths of a cell, for the CLI and the TUI chart alike."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / largest * cells * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[rest]


def first_reached(contact: Contact, stage: Stage) -> date | None:
    """The first day the contact reached a stage (met falls back to the day met)."""
    days = [s.on for s in contact.stage_history if s.stage is stage]
    if stage is Stage.MET and contact.met_on:
        days.append(contact.met_on)
    return min(days, default=None)


def _median_days(contacts: Iterable[Contact], start: Stage, end: Stage) -> float | None:
    gaps = []
    for contact in contacts:
        began, arrived = first_reached(contact, start), first_reached(contact, end)
        if began is not None and arrived is not None and arrived >= began:
            gaps.append((arrived - began).days)
    return float(statistics.median(gaps)) if gaps else None


def funnel(contacts: list[Contact]) -> tuple[FunnelStep, ...]:
    steps = []
    previous: FunnelStep | None = None
    for stage in Stage:
        reached = sum(1 for c in contacts if c.stage.rank >= stage.rank)
        rate = median = None
        if previous is not None:
            rate = reached / previous.reached if previous.reached else None
            median = _median_days(contacts, previous.stage, stage)
        previous = FunnelStep(stage, reached, rate, median)
        steps.append(previous)
    return tuple(steps)


def productive_events(contacts: list[Contact], top: int = TOP) -> tuple[Tally, ...]:
    """Events by how many of the people met there reached coffee, then by how many met."""
    spellings: Counter[tuple[str, str]] = Counter()
    met: Counter[str] = Counter()
    coffee: Counter[str] = Counter()
    for contact in contacts:
        event = " ".join(contact.met_at.split())
        if not event:
            continue
        key = fold(event)
        spellings[(key, event)] += 1
        met[key] += 1
        coffee[key] += contact.stage is Stage.COFFEE
    # "PyCon" and "pycon" are one event, shown as most people typed it.
    shown: dict[str, str] = {}
    for (key, event), _ in sorted(spellings.items(), key=lambda kv: (-kv[1], kv[0][1])):
        shown.setdefault(key, event)
    ranked = sorted(met, key=lambda k: (-coffee[k], -met[k], k))
    return tuple(Tally(shown[k], met[k], coffee[k]) for k in ranked[:top])


def top_referrers(
    referrals: list[Referral], contacts: Mapping[str, Contact], top: int = TOP
) -> tuple[Tally, ...]:
    given: Counter[str] = Counter(r.referrer_id for r in referrals)
    thanked: Counter[str] = Counter(r.referrer_id for r in referrals if r.thanked_on)
    known = [rid for rid in given if rid in contacts]
    ranked = sorted(known, key=lambda rid: (-given[rid], fold(contacts[rid].name), rid))
    return tuple(Tally(contacts[rid].name, given[rid], thanked[rid]) for rid in ranked[:top])


def met_per_week(contacts: list[Contact], today: date, weeks: int = WEEKS) -> tuple[int, ...]:
    """People met in each 7-day window ending today, oldest window first."""
    counts = [0] * weeks
    for contact in contacts:
        met = first_reached(contact, Stage.MET)
        if met is None or met > today:
            continue
        back = (today - met).days // 7
        if back < weeks:
            counts[weeks - 1 - back] += 1
    return tuple(counts)


NOTED_STEPS = (Stage.CALLED, Stage.COFFEE)  # the steps that are conversations


def steps_with_notes(
    contacts: Iterable[Contact], conversations: Iterable[Conversation]
) -> tuple[Tally, ...]:
    """Calls and coffees made, and how many have what was said in the diary that day."""
    said = {
        (c.contact_id, c.on)
        for c in conversations
        if any(f.strip() for f in (c.note, c.recommended, c.observations, c.did))
    }
    tallies = []
    for stage in NOTED_STEPS:
        days = [(c.id, s.on) for c in contacts for s in c.stage_history if s.stage is stage]
        tallies.append(Tally(stage.value, len(days), sum(day in said for day in days)))
    return tuple(tallies)


def compute(
    contacts: Mapping[str, Contact],
    referrals: Iterable[Referral],
    settings: Settings,
    today: date,
    conversations: Iterable[Conversation] = (),
    introductions: Iterable[Introduction] = (),
) -> Stats:
    everyone = list(contacts.values())
    refs = list(referrals)
    made = list(introductions)
    due = queue(contacts, settings, today, referrals=refs)
    return Stats(
        contacts=len(everyone),
        active=sum(1 for c in everyone if not c.archived),
        duds=sum(1 for c in everyone if c.archived),
        funnel=funnel(everyone),
        overdue=sum(1 for i in due if i.overdue),
        gone_cold=sum(1 for i in due if i.cold),
        due_today=sum(1 for i in due if i.due == today),
        referrals_received=len(refs),
        referrals_thanked=sum(1 for r in refs if r.thanked_on),
        referred_contacts=sum(1 for c in everyone if c.referred_by),
        referrers=top_referrers(refs, contacts),
        events=productive_events(everyone),
        met_per_week=met_per_week(everyone, today),
        steps_with_notes=steps_with_notes(everyone, conversations),
        introductions_per_month={m: dict(c) for m, c in per_month(made).items()},
        balances=tuple(balances(dict(contacts), made, refs)[:TOP]),
    )


def stats_of(store: Store, today: date) -> Stats:
    conversations = store.all_conversations()
    return compute(
        store.contacts_by_id,
        store.referrals(),
        store.settings,
        today,
        conversations,
        store.introductions(),
    )
