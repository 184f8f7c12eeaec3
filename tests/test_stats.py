"""The funnel: counts, conversion, median days between steps, duds, referrals, events."""

from __future__ import annotations

from datetime import timedelta

from netui.core.config import Settings
from netui.core.followup.stats import bar, compute, met_per_week, productive_events, stats_of
from netui.core.model import Contact, Referral, Stage, StageStep
from tests.conftest import TODAY


def ladder(name, *gaps, met_at="", archived=False):
    """A contact met 60 days ago who climbed one stage after each gap (in days)."""
    on = TODAY - timedelta(days=60)
    history = [StageStep(Stage.MET, on)]
    for stage, gap in zip(list(Stage)[1:], gaps, strict=False):
        on += timedelta(days=gap)
        history.append(StageStep(stage, on))
    return Contact(
        name,
        met_at=met_at,
        met_on=history[0].on,
        stage=history[-1].stage,
        stage_history=history,
        archived=archived,
    )


def by_id(*contacts):
    return {c.id: c for c in contacts}


def test_funnel_counts_conversion_and_median_days():
    people = by_id(
        ladder("A"),
        ladder("B", 1),
        ladder("C", 2, 10),
        ladder("D", 4, 6, 3),
        ladder("E", 1, 8, 5),
    )
    stats = compute(people, [], Settings(), TODAY)
    assert [(s.stage, s.reached) for s in stats.funnel] == [
        (Stage.MET, 5),
        (Stage.THANKED, 4),
        (Stage.CALLED, 3),
        (Stage.COFFEE, 2),
    ]
    assert [s.rate for s in stats.funnel] == [None, 4 / 5, 3 / 4, 2 / 3]
    assert [s.median_days for s in stats.funnel] == [None, 1.5, 8.0, 4.0]
    assert stats.overall_rate == 2 / 5


def test_a_skipped_stage_counts_as_passed_but_gives_no_timing():
    skipper = ladder("S")
    skipper.stage = Stage.COFFEE
    skipper.stage_history.append(StageStep(Stage.COFFEE, TODAY))
    stats = compute(by_id(skipper), [], Settings(), TODAY)
    assert [s.reached for s in stats.funnel] == [1, 1, 1, 1]
    assert [s.median_days for s in stats.funnel] == [None, None, None, None]


def test_empty_database_has_no_rates_and_does_not_divide_by_zero():
    stats = compute({}, [], Settings(), TODAY)
    assert stats.contacts == 0 and stats.overall_rate is None
    assert all(s.rate is None for s in stats.funnel)
    assert stats.to_json()["funnel"][0] == {
        "stage": "met",
        "reached": 0,
        "rate": None,
        "median_days": None,
    }


def test_duds_stay_in_the_funnel_but_not_in_the_queue():
    people = by_id(ladder("Dud", archived=True), ladder("Live"))
    stats = compute(people, [], Settings(), TODAY)
    assert (stats.contacts, stats.active, stats.duds) == (2, 1, 1)
    assert stats.funnel[0].reached == 2
    assert stats.overdue == 1  # only Live's long-overdue thank-you


def test_referrals_received_thanked_and_top_referrers():
    ann, bo, cy, dee = ladder("Ann"), ladder("Bo"), ladder("Cy"), ladder("Dee")
    cy.referred_by = dee.referred_by = ann.id
    refs = [
        Referral(ann.id, cy.id, TODAY, thanked_on=TODAY),
        Referral(ann.id, dee.id, TODAY),
        Referral(bo.id, dee.id, TODAY),
    ]
    stats = compute(by_id(ann, bo, cy, dee), refs, Settings(), TODAY)
    assert (stats.referrals_received, stats.referrals_thanked) == (3, 1)
    assert stats.referred_contacts == 2
    assert [(t.name, t.total, t.good) for t in stats.referrers] == [("Ann", 2, 1), ("Bo", 1, 0)]
    assert stats.due_today == 0 and stats.overdue == 4  # the thank-yous; referrals are due later


def test_most_productive_events_rank_by_coffee_then_by_people_met():
    people = [
        ladder("A", 1, 1, 1, met_at="PyCon"),
        ladder("B", 1, met_at="pycon "),
        ladder("C", 1, 1, 1, met_at="Chamber mixer"),
        ladder("D", 1, 1, 1, met_at="Chamber  mixer"),
        ladder("E", met_at="Meetup"),
        ladder("F", met_at="Meetup"),
        ladder("G", met_at="Meetup"),
        ladder("H"),  # no event: not ranked
    ]
    ranked = [(t.name, t.total, t.good) for t in productive_events(people)]
    assert ranked == [("Chamber mixer", 2, 2), ("PyCon", 2, 1), ("Meetup", 3, 0)]


def test_stats_of_a_store_match_its_records(store):
    store.add_contact(ladder("Ann"))
    stats = stats_of(store, TODAY)
    assert stats.contacts == 1 and stats.overdue == 1
    assert stats.to_json()["met_to_coffee_rate"] == 0.0


def test_bars_are_proportional_in_eighths():
    assert bar(10, 10, 4) == "████"
    assert bar(5, 10, 4) == "██"
    assert bar(1, 10, 4) == "▍"  # 3.2 eighths round to 3
    assert bar(1, 1000, 4) == "▏"  # never invisible
    assert bar(0, 10, 4) == "" and bar(3, 0, 4) == ""


def test_people_met_per_week_oldest_first():
    def on(days_ago):
        return Contact(f"P{days_ago}", met_on=TODAY - timedelta(days=days_ago))

    people = [
        on(0),
        on(6),
        on(7),
        on(20),
        on(83),
        on(84),
        Contact("Future", met_on=TODAY + timedelta(days=1)),
    ]
    assert met_per_week(people, TODAY, weeks=12) == (1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2)


def test_the_gone_cold_group_is_counted_apart_from_the_days_late_work():
    settings = Settings()
    cold = ladder("Cold")  # met 60 days ago, never thanked
    cold.met_on = cold.stage_history[0].on.replace(year=TODAY.year - 3)
    cold.stage_history = [StageStep(Stage.MET, cold.met_on)]
    stats = compute(by_id(cold, ladder("Late")), [], settings, TODAY)
    assert (stats.overdue, stats.gone_cold, stats.overdue_today) == (2, 1, 1)
    assert stats.to_json()["overdue"] == 2  # --json keeps its meaning: every overdue one
    assert stats.to_json()["gone_cold"] == 1
