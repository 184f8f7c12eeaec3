"""The stats screen: the funnel chart and the numbers behind it, on the demo data and empty."""

from __future__ import annotations

from netui.core.model import Contact
from netui.tui.app import make_app
from netui.tui.screens.stats import StatsScreen
from tests.tui.conftest import drive, press, screen_text, settle


def test_stats_show_the_funnel_with_bars_and_rates(demo_store):
    async def scenario(pilot, app, main):
        header = screen_text(app).splitlines()[0]
        await press(pilot, "S")
        assert isinstance(app.screen, StatsScreen)
        text = screen_text(app)
        stats = app.screen.stats
        met, thanked = stats.funnel[0].reached, stats.funnel[1].reached
        assert f"{'met':<15}{met:>6,} █" in text
        assert f"{thanked / met:.0%} of met" in text
        # the same split as the main screen's header: the day's late work, then the cold group
        assert stats.gone_cold and stats.overdue == stats.overdue_today + stats.gone_cold
        assert f"{stats.overdue_today:>4,} overdue" in text
        assert f"{stats.gone_cold:>4,} gone cold" in text
        assert f"{stats.overdue_today} overdue · " in header
        assert f" · {stats.gone_cold} gone cold · " in header
        assert "People met per week" in text

    drive(demo_store, scenario)


def test_stats_of_an_empty_database_say_so_without_dividing_by_zero(store, frozen_today):
    async def scenario(pilot, app, main):
        await press(pilot, "S")
        text = screen_text(app)
        assert "met → coffee   -" in text and "Record where you meet people" in text
        await press(pilot, "q")
        assert app.screen is main  # q closes the stats, it does not quit

    drive(store, scenario)


def _stats_snapshot(snap_compare, store, size) -> bool:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await press(pilot, "S")

    return snap_compare(make_app(store, poll_seconds=0), terminal_size=size, run_before=run_before)


def test_snapshot_stats_80x24(snap_compare, demo_store):
    assert _stats_snapshot(snap_compare, demo_store, (80, 24))


def test_snapshot_stats_120x36(snap_compare, demo_store):
    assert _stats_snapshot(snap_compare, demo_store, (120, 36))


def test_stats_suggest_introductions_where_one_needs_what_another_offers(store, frozen_today):
    store.add_contact(Contact("Ann Lee", needs=["introductions to investors"]))
    store.add_contact(Contact("Bo [b]Chen", offers=["intros"]))
    store.add_contact(Contact("Cy", needs=["a plumber"]))

    async def scenario(pilot, app, main):
        await press(pilot, "S")
        text = screen_text(app)
        assert "Introductions to make: one needs what another offers (1)" in text
        assert "Ann Lee needs introductions to investors · Bo [b]Chen offers intros" in text
        await press(pilot, "enter")  # the suggestion becomes an introduction
        assert "Introduce Ann Lee to Bo [b]Chen" in screen_text(app)
        assert "because Ann Lee needs introductions to investors" in screen_text(app)
        await press(pilot, "m")
        (intro,) = store.introductions()
        assert intro.note == "Ann Lee needs introductions to investors; Bo [b]Chen offers intros"

    drive(store, scenario, size=(100, 40))


def test_the_demo_suggests_introductions(demo_store):
    async def scenario(pilot, app, main):
        await press(pilot, "S")
        text = screen_text(app)
        assert "Introductions to make: one needs what another offers (9)" in text
        assert "Grace Okafor needs talks for the summer meetup · Björn Ekström offers" in text

    drive(demo_store, scenario, size=(120, 50))
