"""The unsorted inbox and the gone-cold group: rules, store changes (one undo each), imports."""

from __future__ import annotations

from datetime import timedelta

import pytest

from netui.core.config import Settings, load_settings
from netui.core.followup import inbox
from netui.core.followup.review import ReviewSession
from netui.core.io.archive import write_json
from netui.core.io.importer import apply, plan_import
from netui.core.model import (
    Contact,
    Introduction,
    IntroStatus,
    IntroStep,
    Referral,
    Stage,
    StageStep,
)
from netui.core.rules import SortChoice, gone_cold, next_action, queue, sort_out
from tests.conftest import TODAY

S = Settings()
LONG_AGO = TODAY - timedelta(days=3000)


def imported(name: str = "Old Friend", **extra) -> Contact:
    """Someone from an address book: met years ago, waiting unsorted."""
    return Contact(
        name,
        met_on=LONG_AGO,
        stage_history=[StageStep(Stage.MET, LONG_AGO)],
        unsorted=True,
        **extra,
    )


def late(name: str, days: int, stage: Stage = Stage.THANKED) -> Contact:
    """A follow-up overdue by `days` (a call due 7 days after thanking)."""
    on = TODAY - timedelta(days=days + S.call_days)
    return Contact(name, met_on=on, stage=stage, stage_history=[StageStep(stage, on)])


# -- rules --------------------------------------------------------------------------------------


def test_an_unsorted_contact_has_no_next_action_and_stays_out_of_the_queue():
    waiting = imported()
    assert next_action(waiting, S, TODAY) is None
    assert queue({waiting.id: waiting}, S, TODAY) == []


@pytest.mark.parametrize(
    ("choice", "action", "due_in"),
    [
        (SortChoice.MET, "Send a thank-you note", S.thank_you_days),
        (SortChoice.THANKED, "Call", S.call_days),
        (SortChoice.CALLED, "Invite to coffee or lunch", S.coffee_days),
        (SortChoice.COFFEE, "Keep in touch", S.keep_in_touch_days),
        (SortChoice.KEEP, "Keep in touch", S.keep_in_touch_days),
    ],
)
def test_sorting_starts_the_clock_today_not_when_they_were_met(choice, action, due_in):
    placed = sort_out(imported(), choice, TODAY)
    assert not placed.unsorted
    nxt = next_action(placed, S, TODAY)
    assert nxt is not None
    assert (nxt.action, nxt.due) == (action, TODAY + timedelta(days=due_in))
    assert placed.met_on == LONG_AGO  # the day met is a fact, kept


def test_a_dud_is_archived_and_keep_uses_the_contact_s_own_cadence():
    assert sort_out(imported(), SortChoice.DUD, TODAY).archived
    kept = sort_out(imported(cadence_days=90), SortChoice.KEEP, TODAY)
    nxt = next_action(kept, S, TODAY)
    assert nxt is not None and nxt.due == TODAY + timedelta(days=90)
    assert kept.stage is Stage.MET  # kept off the ladder, its history untouched


def test_keep_in_touch_restarts_with_each_conversation():
    kept = sort_out(imported(), SortChoice.KEEP, TODAY - timedelta(days=10))
    kept.last_contact_on = TODAY
    nxt = next_action(kept, S, TODAY)
    assert nxt is not None and nxt.due == TODAY + timedelta(days=S.keep_in_touch_days)


def test_overdue_by_more_than_the_setting_has_gone_cold():
    assert not gone_cold(TODAY - timedelta(days=60), TODAY, S)
    assert gone_cold(TODAY - timedelta(days=61), TODAY, S)
    assert gone_cold(TODAY - timedelta(days=11), TODAY, Settings(gone_cold_days=10))


def test_the_queue_puts_the_gone_cold_group_after_today_s_work():
    ancient, recent, today = late("Ancient", 400), late("Recent", 3), late("Today", 0)
    cold_too = late("Cold", 61)
    everyone = {c.id: c for c in (ancient, recent, today, cold_too)}
    items = queue(everyone, S, TODAY)
    assert [(i.contact.name, i.cold) for i in items] == [
        ("Recent", False),
        ("Today", False),
        ("Ancient", True),
        ("Cold", True),
    ]
    assert items[2].to_json()["cold"] is True


def test_a_referral_thank_you_never_goes_cold():
    referrer, referred = late("Ref", 0, Stage.COFFEE), late("New", 0)
    old = Referral(referrer.id, referred.id, TODAY - timedelta(days=200))
    items = queue({c.id: c for c in (referrer, referred)}, S, TODAY, referrals=[old])
    thanks = [i for i in items if i.kind == "thank-referrer"]
    assert thanks and not thanks[0].cold


def test_an_introduction_follow_up_never_goes_cold_like_a_referral_thank_you(store, frozen_today):
    """Both link items stay in the day's work however late: the bulk actions act on a
    contact's ladder step (snooze, keep in touch), which would never clear them."""
    asker, other = store.add_contact(late("Asker", 0)), store.add_contact(late("Other", 0))
    made = TODAY - timedelta(days=200)
    intro = Introduction(
        asker.id,
        other.id,
        made,
        status=IntroStatus.INTRODUCED,
        history=[IntroStep(IntroStatus.INTRODUCED, made)],
    )
    items = queue(store.contacts_by_id, S, TODAY, introductions=[intro])
    asks = [i for i in items if i.kind == "ask-introduction"]
    assert asks and asks[0].due == made + timedelta(days=S.introduction_follow_up_days)
    assert gone_cold(asks[0].due, TODAY, S) and not asks[0].cold


def test_gone_cold_days_is_read_from_the_follow_up_section(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[follow_up]\ngone_cold_days = 14\n", encoding="utf-8")
    assert load_settings(path).gone_cold_days == 14
    assert Settings().gone_cold_days == 60


# -- the record ---------------------------------------------------------------------------------


def test_unsorted_and_keep_since_round_trip_and_default_for_old_files():
    kept = sort_out(imported(), SortChoice.KEEP, TODAY)
    assert Contact.from_dict(kept.to_dict()) == kept
    data = imported().to_dict()
    assert data["unsorted"] is True
    for key in ("unsorted", "sorted_on", "keep_since"):
        data.pop(key)
    old = Contact.from_dict(data)
    assert (old.unsorted, old.sorted_on, old.keep_since) == (False, None, None)


# -- the store: one change per step or group, each undone by one undo ---------------------------


def test_a_group_sort_is_one_undoable_change(store):
    ids = [store.add_contact(imported(f"P{n}")).id for n in range(3)]
    assert store.sort_out(ids, SortChoice.THANKED, TODAY) == 3
    assert all(store.get(i).stage is Stage.THANKED and not store.get(i).unsorted for i in ids)
    assert store.undo_description == "Sort as thanked: 3 contacts"
    store.undo()
    assert all(store.get(i).unsorted and store.get(i).stage is Stage.MET for i in ids)


@pytest.mark.parametrize("action", ["snooze", "archive", "keep"])
def test_each_bulk_action_on_the_gone_cold_group_is_one_undo(store, frozen_today, action):
    for name, days in (("A", 100), ("B", 70), ("Fresh", 2)):
        store.add_contact(late(name, days))
    cold = inbox.cold_items(store, TODAY)
    assert [i.contact.name for i in cold] == ["A", "B"]
    before = {c.id: c.to_dict() for c in store.contacts()}
    until = TODAY + timedelta(days=30)
    assert inbox.handle_cold(store, cold, action, TODAY, until) == 2
    assert inbox.cold_items(store, TODAY) == []
    assert [i.contact.name for i in store.queue(TODAY)] == ["Fresh"]
    if action == "keep":
        nxt = store.next_action(store.find("A"), TODAY)
        assert nxt is not None and nxt.action == "Keep in touch"
    store.undo()
    assert {c.id: c.to_dict() for c in store.contacts()} == before


def test_staging_an_unsorted_contact_sorts_it_and_its_rung_starts_that_day(store):
    waiting = store.add_contact(imported())
    placed = store.set_stage(waiting.id, Stage.MET, TODAY)
    assert not placed.unsorted
    nxt = store.next_action(placed, TODAY)
    assert nxt is not None and nxt.due == TODAY + timedelta(days=1)
    moved = store.set_stage(waiting.id, Stage.CALLED, TODAY)
    assert moved.keep_since is None and moved.sorted_on is None


def test_add_still_starts_at_met_not_unsorted(store, frozen_today):
    added = store.add_contact(Contact("Met Today"))
    assert not added.unsorted
    assert [i.contact.name for i in store.queue(TODAY + timedelta(days=1))] == ["Met Today"]


# -- imports ------------------------------------------------------------------------------------

CSV = "Name,Email,Company\nAnn Lee,ann@example.com,Acme\nBo Chen,bo@example.com,Globex\n"


def test_imported_people_wait_unsorted(store, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    apply(plan_import(path, store), store)
    assert [c.unsorted for c in store.contacts()] == [True, True]
    assert store.queue(TODAY + timedelta(days=365)) == []
    assert [c.name for c in inbox.unsorted_contacts(store)] == ["Ann Lee", "Bo Chen"]


def test_import_with_a_stage_puts_them_on_the_ladder_from_today(store, tmp_path, frozen_today):
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    apply(plan_import(path, store, stage=Stage.THANKED), store)
    assert all(not c.unsorted and c.stage is Stage.THANKED for c in store.contacts())
    due = {i.contact.name: i.due for i in store.queue(TODAY + timedelta(days=7))}
    assert due == {"Ann Lee": TODAY + timedelta(days=7), "Bo Chen": TODAY + timedelta(days=7)}


def test_importing_again_never_moves_a_sorted_contact_back(store, tmp_path, frozen_today):
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    apply(plan_import(path, store), store)
    ann = store.find("Ann Lee")
    store.sort_out([ann.id], SortChoice.CALLED, TODAY)
    path.write_text(CSV.replace("Acme", "Acme\nAnn Lee,ann@example.com,Acme"), encoding="utf-8")
    plan = plan_import(path, store)
    apply(plan, store)
    assert not store.find("Ann Lee").unsorted
    assert store.find("Bo Chen").unsorted


def test_netui_json_keeps_what_it_says(store, tmp_path):
    sorted_one = Contact("Sorted One")
    waiting = imported("Waiting One")
    path = tmp_path / "archive.json"
    path.write_text(write_json([sorted_one, waiting], [], []), encoding="utf-8")
    apply(plan_import(path, store), store)
    assert {c.name: c.unsorted for c in store.contacts()} == {
        "Sorted One": False,
        "Waiting One": True,
    }


# -- the Sort walk and the review's cold group --------------------------------------------------


def test_the_sort_walk_sorts_skips_groups_and_undoes(store):
    for name, company in (("Ann", "Acme"), ("Bo", "Globex"), ("Cy", "Acme"), ("Di", "Initech")):
        store.add_contact(imported(name, company=company))
    walk = inbox.SortWalk(store, TODAY)
    assert walk.current is not None and walk.current.name == "Ann"
    walk.sort(SortChoice.KEEP)
    walk.skip()
    assert walk.current is not None and walk.current.name == "Cy"
    walk.restart("company:acme")
    assert [c.name for c in walk.group()] == ["Cy"]
    assert walk.sort_group(SortChoice.DUD) == 1
    assert walk.current is None
    assert walk.undo() == "Sort as dud (archived): Cy"
    assert walk.current is not None and walk.current.name == "Cy"
    assert [c.name for c in inbox.unsorted_contacts(store)] == ["Bo", "Cy", "Di"]


def test_the_review_puts_the_cold_group_last_and_handles_it_at_once(store, frozen_today):
    for name, days in (("Cold A", 90), ("Cold B", 80), ("Warm", 1)):
        store.add_contact(late(name, days))
    session = ReviewSession(store, TODAY)
    assert [(i.contact.name, i.cold) for i in session.items] == [
        ("Warm", False),
        ("Cold A", True),
        ("Cold B", True),
    ]
    session.skip()
    assert len(session.cold_left()) == 2
    assert session.handle_cold("archive") == 2
    assert session.finished
    summary = session.summary()
    assert (summary.tally.archived, summary.left, summary.cold) == (2, 1, 0)
