"""The follow-up ladder: one next action per stage, with its due date."""

from __future__ import annotations

from datetime import date, timedelta

from netui.core.config import Settings
from netui.core.model import Contact, Referral, Stage, StageStep
from netui.core.rules import next_action, queue

MET = date(2026, 11, 10)
S = Settings()


def contact(stage: Stage = Stage.MET, **kw) -> Contact:
    history = [StageStep(Stage.MET, MET)]
    if stage is not Stage.MET:
        history.append(StageStep(stage, MET + timedelta(days=2)))
    return Contact(name="Dana", met_on=MET, stage=stage, stage_history=history, **kw)


def test_met_is_due_for_a_thank_you_the_day_after():
    assert next_action(contact(), S) is not None
    nxt = next_action(contact(), S)
    assert (nxt.action, nxt.due) == ("Send a thank-you note", MET + timedelta(days=1))


def test_thanked_is_due_for_a_call_a_week_after_thanking():
    nxt = next_action(contact(Stage.THANKED), S)
    assert (nxt.action, nxt.due) == ("Call", MET + timedelta(days=9))


def test_called_is_due_for_coffee_a_week_after_the_call():
    nxt = next_action(contact(Stage.CALLED), S)
    assert (nxt.action, nxt.due) == ("Invite to coffee or lunch", MET + timedelta(days=9))


def test_coffee_keeps_in_touch_30_days_after_the_last_conversation():
    c = contact(Stage.COFFEE, last_contact_on=date(2026, 11, 20))
    nxt = next_action(c, S)
    assert (nxt.action, nxt.due) == ("Keep in touch", date(2026, 12, 20))


def test_coffee_without_conversations_counts_from_the_coffee_date():
    nxt = next_action(contact(Stage.COFFEE), S)
    assert nxt.due == MET + timedelta(days=2 + 30)


def test_per_contact_cadence_overrides_the_default():
    c = contact(Stage.COFFEE, last_contact_on=date(2026, 11, 20), cadence_days=14)
    assert next_action(c, S).due == date(2026, 12, 4)


def test_settings_change_the_intervals():
    custom = Settings(thank_you_days=0, call_days=3)
    assert next_action(contact(), custom).due == MET
    assert next_action(contact(Stage.THANKED), custom).due == MET + timedelta(days=5)


def test_explicit_follow_up_date_overrides_the_rule():
    c = contact(follow_up_on=date(2026, 12, 25))
    nxt = next_action(c, S)
    assert nxt.due == date(2026, 12, 25) and nxt.snoozed


def test_archived_contacts_have_no_next_action():
    assert next_action(contact(archived=True), S) is None


def test_queue_lists_due_items_overdue_first_and_skips_future_and_archived():
    due_late = contact()  # due 11-11
    due_now = Contact(
        name="Ann",
        met_on=date(2026, 11, 23),
        stage_history=[StageStep(Stage.MET, date(2026, 11, 23))],
    )
    future = contact(Stage.COFFEE, last_contact_on=date(2026, 11, 20))
    dud = contact(archived=True)
    everyone = {c.id: c for c in (due_now, future, dud, due_late)}
    items = queue(everyone, S, date(2026, 11, 24))
    assert [i.contact.id for i in items] == [due_late.id, due_now.id]
    assert [i.overdue for i in items] == [True, False]
    assert items[0].to_json() == {
        "contact_id": due_late.id,
        "name": "Dana",
        "action": "Send a thank-you note",
        "due": "2026-11-11",
        "overdue": True,
        "cold": False,
    }


def test_queue_horizon_includes_the_next_days():
    c = contact(Stage.THANKED)  # due 11-19
    assert queue({c.id: c}, S, date(2026, 11, 15)) == []
    assert len(queue({c.id: c}, S, date(2026, 11, 15), horizon_days=5)) == 1


def test_unthanked_referral_puts_thanking_the_referrer_in_the_queue_next_day():
    referrer, referred = contact(Stage.COFFEE, last_contact_on=date(2026, 11, 20)), contact()
    ref = Referral(referrer.id, referred.id, on=date(2026, 11, 23))
    everyone = {referrer.id: referrer}
    items = queue(everyone, S, date(2026, 11, 24), referrals=[ref])
    assert [(i.kind, i.due) for i in items] == [("thank-referrer", date(2026, 11, 24))]
    assert items[0].action == "Thank Dana for the introduction"
    ref.thanked_on = date(2026, 11, 24)
    assert queue(everyone, S, date(2026, 11, 24), referrals=[ref]) == []


def test_a_referred_contact_not_met_yet_is_due_for_getting_in_touch_not_a_thank_you():
    c = contact(referred_by="someone")
    assert next_action(c, S).action == "Get in touch (referred to you)"
    c.last_contact_on = MET  # once you have talked, the ladder's thank-you applies
    assert next_action(c, S).action == "Send a thank-you note"
