"""The daily review: its order, what doing each step changes, the tally, and cadence."""

from __future__ import annotations

from datetime import timedelta

import pytest

from netui.core.followup.referrals import record_referral
from netui.core.followup.review import (
    KEPT_IN_TOUCH_NOTE,
    ReviewSession,
    StepKind,
    perform,
    plan,
    step_for,
)
from netui.core.model import Channel, Contact, Conversation, Stage, StageStep
from netui.core.rules import next_action
from tests.conftest import TODAY


def met(store, name, days_ago, **extra):
    return store.add_contact(Contact(name, met_on=TODAY - timedelta(days=days_ago), **extra))


def at_stage(store, name, stage, since_days_ago, **extra):
    on = TODAY - timedelta(days=since_days_ago)
    history = [StageStep(Stage.MET, on - timedelta(days=30)), StageStep(stage, on)]
    return store.add_contact(
        Contact(name, met_on=on - timedelta(days=30), stage=stage, stage_history=history, **extra)
    )


def test_plan_is_overdue_oldest_first_then_due_today(store):
    met(store, "Today", 1)  # thank-you due today
    met(store, "Old", 5)
    met(store, "Older", 9)
    met(store, "Tomorrow", 0)  # due tomorrow: not today's work
    names = [i.contact.name for i in plan(store, TODAY)]
    assert names == ["Older", "Old", "Today"]
    assert [i.overdue for i in plan(store, TODAY)] == [True, True, False]


@pytest.mark.parametrize(
    ("stage", "target"),
    [(Stage.MET, Stage.THANKED), (Stage.THANKED, Stage.CALLED), (Stage.CALLED, Stage.COFFEE)],
)
def test_doing_a_stage_step_is_the_main_screens_set_stage(store, stage, target):
    contact = at_stage(store, "Ann", stage, 40) if stage is not Stage.MET else met(store, "Ann", 3)
    (item,) = plan(store, TODAY)
    step = perform(store, item, TODAY)
    assert step.kind is StepKind.STAGE and step.stage is target
    after = store.get(contact.id)
    assert after.stage is target and after.reached_on(target) == TODAY
    # Same description (and so the same undo) as the `t`/`c`/`o` keys' set_stage.
    assert store.undo_description == f"Ann: {stage.label} → {target.label}"
    store.undo()
    assert store.get(contact.id).stage is stage


def test_only_the_thank_you_step_drafts_a_note(store):
    met(store, "Ann", 3)
    at_stage(store, "Bo", Stage.THANKED, 10)
    steps = {i.contact.name: step_for(i) for i in plan(store, TODAY)}
    assert steps["Ann"].drafts_note and steps["Ann"].label == "Mark thanked"
    assert not steps["Bo"].drafts_note and steps["Bo"].label == "Mark called"


def test_keep_in_touch_logs_a_conversation_and_restarts_the_cadence(store):
    contact = at_stage(store, "Cy", Stage.COFFEE, 45)
    (item,) = plan(store, TODAY)
    assert item.action == "Keep in touch"
    step = perform(store, item, TODAY)
    assert step.kind is StepKind.KEEP_IN_TOUCH
    (conv,) = store.conversations_of(contact.id)
    assert conv.on == TODAY and conv.note == KEPT_IN_TOUCH_NOTE
    assert next_action(store.get(contact.id), store.settings).due == TODAY + timedelta(days=30)
    assert plan(store, TODAY) == []


def test_cadence_restarts_whenever_a_conversation_is_logged(store):
    contact = at_stage(store, "Di", Stage.COFFEE, 20, cadence_days=14)
    assert next_action(store.get(contact.id), store.settings).due == TODAY - timedelta(days=6)
    store.log(Conversation(contact.id, TODAY - timedelta(days=2), channel=Channel.CALL, note="hi"))
    assert next_action(store.get(contact.id), store.settings).due == TODAY + timedelta(days=12)
    store.update_contact(contact.id, cadence_days=90)
    assert next_action(store.get(contact.id), store.settings).due == TODAY + timedelta(days=88)
    store.update_contact(contact.id, cadence_days=None)  # back to the default 30
    assert next_action(store.get(contact.id), store.settings).due == TODAY + timedelta(days=28)


def test_thanking_a_referrer_marks_the_referral_and_leaves_the_queue(store):
    ann = met(store, "Ann", 0)
    ref, _ = record_referral(store, ann.id, "Bo", on=TODAY - timedelta(days=1))
    (item,) = [i for i in plan(store, TODAY) if i.contact.id == ann.id]
    assert item.kind == "thank-referrer" and item.action == "Thank Ann for the introduction to Bo"
    assert step_for(item).kind is StepKind.THANK_REFERRER
    perform(store, item, TODAY)
    assert store.referral(ref.id).thanked_on == TODAY
    assert [i for i in plan(store, TODAY) if i.kind == "thank-referrer"] == []


def test_session_walks_every_key_and_tallies_them(store):
    for name, days in (("A", 9), ("B", 8), ("C", 7), ("D", 6), ("E", 5), ("F", 4)):
        met(store, name, days)
    session = ReviewSession(store, TODAY)
    assert session.total == 6 and session.current.contact.name == "A"
    session.do()
    assert store.find("A").stage is Stage.THANKED
    session.snooze(TODAY + timedelta(days=3))
    assert store.find("B").follow_up_on == TODAY + timedelta(days=3)
    session.skip()
    session.archive()
    assert store.find("D").archived
    store.log(Conversation(store.find("E").id, TODAY, note="talked"))  # what the log form does
    session.logged()
    assert session.current.contact.name == "F"
    summary = session.summary()
    assert not summary.finished
    assert (summary.tally.done, summary.tally.snoozed, summary.tally.skipped) == (1, 1, 1)
    assert (summary.tally.archived, summary.tally.logged) == (1, 1)
    assert summary.left == 3  # C (skipped), E (logging does not thank), F (not reached)
    assert summary.text() == (
        "Review: 1 done, 1 logged, 1 snoozed, 1 skipped, 1 archived; 3 still to do."
    )


def test_session_passes_over_items_done_elsewhere_meanwhile(store):
    a, b = met(store, "A", 5), met(store, "B", 4)
    met(store, "C", 3)
    session = ReviewSession(store, TODAY)
    store.set_stage(b.id, Stage.THANKED)  # from the main screen or another process
    store.archive(a.id)
    session.skip()  # A was current when the session began
    assert session.current.contact.name == "C"
    session.do()
    assert session.finished and session.current is None
    assert session.summary().finished
    with pytest.raises(LookupError):
        session.do()


def test_an_empty_day_is_finished_at_once(store):
    met(store, "Tomorrow", 0)
    session = ReviewSession(store, TODAY)
    assert session.finished
    assert session.summary().text() == (
        "Review: 0 done, 0 snoozed, 0 skipped, 0 archived; nothing left for today."
    )
