"""The daily review: today's follow-ups in the order to do them, and what "do it" means.

Gone-cold follow-ups (overdue by more than `gone_cold_days`) come last, as one group that
can also be handled at once (`ReviewSession.handle_cold`), so the review stays a day's work.

Doing a step here calls the same `Store` method as the main screen's key for that step
(`set_stage` for t/c/o), so the change and its undo are the same wherever it was made.
A call, a coffee or a keep-in-touch is worth nothing without what was said: those steps
take the conversation with them (`Step.logs`), saved with the step as one change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from netui.core.db.store import Store
from netui.core.followup import inbox
from netui.core.model import SENT, Channel, Contact, Conversation, Stage
from netui.core.rules import QueueItem

KEPT_IN_TOUCH_NOTE = "Kept in touch (from the daily review)"
# The rungs whose step is a conversation, and the channel it most likely took.
STEP_CHANNELS = {Stage.CALLED: Channel.CALL, Stage.COFFEE: Channel.COFFEE}


class StepKind(StrEnum):
    STAGE = "stage"  # move one rung up the ladder
    KEEP_IN_TOUCH = "keep-in-touch"  # log a conversation: restarts the cadence
    THANK_REFERRER = "thank-referrer"  # mark the introduction thanked
    ASK_INTRODUCTION = "ask-introduction"  # ask how an introduction you made went


@dataclass(frozen=True, slots=True)
class Step:
    """What pressing `d` does for a queue item."""

    kind: StepKind
    label: str  # e.g. "Mark thanked"
    stage: Stage | None = None  # the stage it moves to, for STAGE
    drafts_note: bool = False  # a thank-you: show the drafted note afterwards
    logs: bool = False  # a call, a coffee, keeping in touch: log what was said with it
    channel: Channel = Channel.OTHER  # the channel the log form starts on


def step_for(item: QueueItem, current_stage: Stage | None = None) -> Step:
    """The step for a queue row; `current_stage` overrides a stale snapshot of the contact."""
    if item.kind == "thank-referrer":
        return Step(StepKind.THANK_REFERRER, "Mark the introduction thanked", drafts_note=True)
    if item.kind == "ask-introduction":
        return Step(StepKind.ASK_INTRODUCTION, "Log how the introduction went", logs=True)
    stage = current_stage or item.contact.stage
    target = stage.next()
    if target is None or item.contact.keep_since is not None:
        return Step(StepKind.KEEP_IN_TOUCH, "Log that you kept in touch", logs=True)
    channel = STEP_CHANNELS.get(target)
    return Step(
        StepKind.STAGE,
        f"Mark {target.label}",
        target,
        drafts_note=target is Stage.THANKED,
        logs=channel is not None,
        channel=channel or Channel.OTHER,
    )


def last_channel(store: Store, contact_id: str) -> Channel:
    """How the user last talked with them: the likely channel of keeping in touch."""
    past = [c for c in store.conversations_of(contact_id) if c.note != KEPT_IN_TOUCH_NOTE]
    return max(past, key=lambda c: (c.on, c.created)).channel if past else Channel.OTHER


def channel_for(store: Store, item: QueueItem, step: Step) -> Channel:
    """The log form's channel: call or coffee for those steps, else the last one used."""
    if step.kind in (StepKind.KEEP_IN_TOUCH, StepKind.ASK_INTRODUCTION):
        return last_channel(store, item.contact.id)
    return step.channel


def emailed_thank_you(store: Store, contact: Contact) -> Conversation | None:
    """For a contact still at `met`: the first email the user sent them on or after the
    day they met (filed by `netui mail`), which was probably the thank-you. The review
    says so; `netui mail --advance` would have marked them thanked."""
    if contact.stage is not Stage.MET:
        return None
    sent = [
        c
        for c in store.conversations_of(contact.id)
        if c.direction == SENT and (contact.met_on is None or c.on >= contact.met_on)
    ]
    return min(sent, key=lambda c: (c.on, c.created)) if sent else None


def item_key(item: QueueItem) -> tuple[str, str, str | None]:
    """Identifies a queue row across recomputations of the queue."""
    return (item.kind, item.contact.id, item.referral_id or item.introduction_id)


def plan(store: Store, today: date) -> list[QueueItem]:
    """Today's work: overdue first (oldest first), then due today."""
    return store.queue(today)


def perform(store: Store, item: QueueItem, today: date, notes: StepNotes | None = None) -> Step:
    """Do the step at once, dated today, as one undoable change; returns what was done.

    With `notes` (the log form saved), the conversation is written with the step, and the
    step takes the conversation's date (a call made yesterday, logged this morning)."""
    step = step_for(item, store.get(item.contact.id).stage)
    if step.kind is StepKind.ASK_INTRODUCTION:
        assert item.introduction_id is not None
        asked = (
            notes.conversation.replace(contact_id=item.contact.id)
            if notes is not None
            else Conversation(item.contact.id, today, note=f"{item.action} (from the review)")
        )
        store.followed_up_introduction(item.introduction_id, asked)
    elif notes is not None and step.logs:
        conversation = notes.conversation.replace(contact_id=item.contact.id)
        store.step_and_log(
            item.contact.id, step.stage, conversation, needs=notes.needs, offers=notes.offers
        )
    elif step.kind is StepKind.THANK_REFERRER:
        assert item.referral_id is not None
        store.update_referral(item.referral_id, thanked_on=today)
    elif step.kind is StepKind.KEEP_IN_TOUCH:
        store.log(
            Conversation(item.contact.id, today, channel=Channel.OTHER, note=KEPT_IN_TOUCH_NOTE)
        )
    else:
        assert step.stage is not None
        store.set_stage(item.contact.id, step.stage, today)
    return step


@dataclass(frozen=True, slots=True)
class StepNotes:
    """What the log form gathered for a step: the conversation, and the contact's
    needs and offers as edited there (None: left as they were)."""

    conversation: Conversation
    needs: list[str] | None = None
    offers: list[str] | None = None


@dataclass(slots=True)
class Tally:
    """What the review did, for the summary."""

    done: int = 0
    with_notes: int = 0  # calls, coffees, keep-in-touch done with what was said
    without_notes: int = 0  # ...and those done bare (escape on the log form)
    logged: int = 0
    snoozed: int = 0
    skipped: int = 0
    archived: int = 0
    kept: int = 0  # gone cold, moved to keep in touch

    def notes_text(self) -> str:
        """' (2 with notes, 1 without)' once a call, coffee or keep-in-touch was done."""
        if not self.with_notes + self.without_notes:
            return ""
        return f" ({self.with_notes} with notes, {self.without_notes} without)"

    @property
    def touched(self) -> int:
        return self.done + self.logged + self.snoozed + self.skipped + self.archived + self.kept


@dataclass(frozen=True, slots=True)
class Summary:
    tally: Tally
    left: int  # follow-ups due today or overdue still open when the review ended (not cold)
    finished: bool  # walked to the end rather than left early
    cold: int = 0  # gone-cold follow-ups left

    def text(self) -> str:
        t = self.tally
        parts = [f"{t.done} done" + t.notes_text()]
        parts += [f"{n} {what}" for n, what in ((t.logged, "logged"),) if n]
        parts += [f"{t.snoozed} snoozed", f"{t.skipped} skipped", f"{t.archived} archived"]
        parts += [f"{t.kept} kept in touch"] if t.kept else []
        left = "nothing left for today" if self.left == 0 else f"{self.left:,} still to do"
        cold = f"; {self.cold:,} gone cold" if self.cold else ""
        return f"Review: {', '.join(parts)}; {left}{cold}."


class ReviewSession:
    """Walks today's plan one item at a time, keeping the tally.

    The plan is fixed when the review starts; an item that stopped being due meanwhile
    (done from another screen or process, or archived) is passed over.
    """

    def __init__(self, store: Store, today: date) -> None:
        self.store = store
        self.today = today
        self.items = plan(store, today)
        self.position = 0
        self.tally = Tally()
        self._skip_stale()

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def current(self) -> QueueItem | None:
        return self.items[self.position] if self.position < len(self.items) else None

    @property
    def finished(self) -> bool:
        return self.current is None

    def _require(self) -> QueueItem:
        item = self.current
        if item is None:
            raise LookupError("the review is over: nothing left to act on")
        return item

    def _still_due(self) -> set[tuple[str, str, str | None]]:
        return {item_key(i) for i in self.store.queue(self.today)}

    def _skip_stale(self) -> None:
        due = self._still_due()
        while self.current is not None and item_key(self.current) not in due:
            self.position += 1

    def _advance(self) -> None:
        self.position += 1
        self._skip_stale()

    def step(self) -> Step:
        """The step `do` would take for the current item."""
        item = self._require()
        return step_for(item, self.store.get(item.contact.id).stage)

    def do(self, notes: StepNotes | None = None) -> tuple[QueueItem, Step]:
        item = self._require()
        step = perform(self.store, item, self.today, notes)
        self.tally.done += 1
        if step.logs and notes is not None:
            self.tally.with_notes += 1
        elif step.logs:
            self.tally.without_notes += 1
        self._advance()
        return item, step

    def logged(self) -> None:
        """The user logged a conversation with the current contact (the log form saved it)."""
        self._require()
        self.tally.logged += 1
        self._advance()

    def snooze(self, until: date | None) -> None:
        item = self._require()
        self.store.snooze(item.contact.id, until)
        self.tally.snoozed += 1
        self._advance()

    def skip(self) -> None:
        self._require()
        self.tally.skipped += 1
        self._advance()

    def archive(self) -> None:
        item = self._require()
        self.store.archive(item.contact.id, True)
        self.tally.archived += 1
        self._advance()

    def cold_left(self) -> list[QueueItem]:
        """The gone-cold items from here on that are still due: what a bulk action takes."""
        due = self._still_due()
        return [i for i in self.items[self.position :] if i.cold and item_key(i) in due]

    def handle_cold(self, action: str, until: date | None = None) -> int:
        """Snooze, archive or keep in touch every gone-cold item left, as one undoable change."""
        count = inbox.handle_cold(self.store, self.cold_left(), action, self.today, until)
        if action == "snooze":
            self.tally.snoozed += count
        elif action == "archive":
            self.tally.archived += count
        else:
            self.tally.kept += count
        self._skip_stale()
        return count

    def summary(self) -> Summary:
        queue = self.store.queue(self.today)
        cold = sum(1 for i in queue if i.cold)
        return Summary(replace(self.tally), len(queue) - cold, self.finished, cold)
