"""The Sort screen (U) and the review's gone-cold group, driven with real keys on the demo data.

The demo holds five people imported from LinkedIn, unsorted (Bruno Costa, Chloé Martin,
Dara Walsh, Fatima Zahra, Henrik Larsen, in name order) and two follow-ups gone cold
(Pieter de Vries, Kenji Watanabe).
"""

from __future__ import annotations

import threading
from datetime import timedelta

from netui.core.followup import inbox
from netui.core.model import Contact, Stage, StageStep
from netui.tui.screens.confirm import ConfirmScreen
from netui.tui.screens.review import ReviewScreen
from netui.tui.screens.snooze import SnoozeScreen
from netui.tui.screens.sort import SortScreen
from tests.conftest import TODAY
from tests.tui.conftest import (
    PATIENCE,
    app_for,
    by_name,
    drive,
    notices,
    press,
    screen_text,
    settle,
    settle_then,
    wait_until,
)

UNSORTED = ["Bruno Costa", "Chloé Martin", "Dara Walsh", "Fatima Zahra", "Henrik Larsen"]
COLD = ["Pieter de Vries", "Kenji Watanabe"]


def unsorted_names(store) -> list[str]:
    return [c.name for c in store.contacts() if c.unsorted]


def test_each_key_sorts_the_person_on_screen_and_moves_on(demo_store):
    async def scenario(pilot, app, main):
        assert "5 unsorted" in screen_text(app)
        await press(pilot, "U")
        assert isinstance(app.screen, SortScreen)
        assert "1 of 5: Bruno Costa" in screen_text(app)
        await press(pilot, "m", "t", "c", "o", "k")
        assert unsorted_names(demo_store) == []
        placed = {n: by_name(demo_store, n) for n in UNSORTED}
        assert placed["Bruno Costa"].stage is Stage.MET
        assert placed["Chloé Martin"].stage is Stage.THANKED
        assert placed["Dara Walsh"].stage is Stage.CALLED
        assert placed["Fatima Zahra"].stage is Stage.COFFEE
        assert placed["Henrik Larsen"].keep_since == TODAY
        due = {i.contact.name: i.due for i in demo_store.queue(TODAY + timedelta(days=1))}
        assert due["Bruno Costa"] == TODAY + timedelta(days=1)  # a thank-you from today
        assert "Nobody left to sort here" in screen_text(app)
        await press(pilot, "escape")
        assert app.screen is main
        assert "unsorted" not in screen_text(app).splitlines()[0]

    drive(demo_store, scenario)


def test_skip_dud_and_undo(demo_store):
    async def scenario(pilot, app, main):
        await press(pilot, "U", "s")
        assert "2 of 5: Chloé Martin" in screen_text(app)
        await press(pilot, "x")
        assert by_name(demo_store, "Chloé Martin").archived
        assert "3 of 5: Dara Walsh" in screen_text(app)
        await press(pilot, "u")
        chloe = by_name(demo_store, "Chloé Martin")
        assert chloe.unsorted and not chloe.archived
        assert "Chloé Martin" in screen_text(app).splitlines()[1]
        assert unsorted_names(demo_store) == UNSORTED  # the skipped one is still waiting

    drive(demo_store, scenario)


def test_a_filtered_group_is_sorted_at_once_after_a_confirmation_and_undone_at_once(demo_store):
    async def scenario(pilot, app, main):
        await press(pilot, "U", "f", *"company:atlas", "enter")
        assert "1 of 1: Fatima Zahra" in screen_text(app)
        assert "1 unsorted matching company:atlas" in screen_text(app)
        await press(pilot, "K")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert unsorted_names(demo_store) == UNSORTED
        await press(pilot, "f", "ctrl+u", *"tag:linkedin", "enter")
        assert "5 unsorted matching tag:linkedin" in screen_text(app)
        await press(pilot, "X")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Sort all 5 unsorted people matching" in screen_text(app)
        await press(pilot, "y")
        await app.workers.wait_for_complete()  # a group is written in a thread
        await pilot.pause()
        assert unsorted_names(demo_store) == []
        assert all(by_name(demo_store, n).archived for n in UNSORTED)
        await press(pilot, "u")  # the group was one change
        assert unsorted_names(demo_store) == UNSORTED
        assert "1 of 5: Bruno Costa" in screen_text(app)

    drive(demo_store, scenario)


def test_escape_in_the_filter_returns_to_the_walk(demo_store):
    async def scenario(pilot, app, main):
        await press(pilot, "U", "f", *"mt", "escape")
        assert isinstance(app.screen, SortScreen)
        assert unsorted_names(demo_store) == UNSORTED  # m and t went into the filter
        await press(pilot, "m")
        assert not by_name(demo_store, "Bruno Costa").unsorted

    drive(demo_store, scenario)


def test_the_palette_and_the_header_line_open_it(demo_store):
    async def scenario(pilot, app, main):
        await press(pilot, "ctrl+p", *"Sort the unsorted")
        await press(pilot, "enter")
        assert isinstance(app.screen, SortScreen)
        await press(pilot, "escape")
        assert app.screen is main
        header = screen_text(app).splitlines()[0]
        await pilot.click("CountsHeader", offset=(header.index("5 unsorted") + 2, 0))
        await pilot.pause(0.1)
        assert isinstance(app.screen, SortScreen)

    drive(demo_store, scenario)


def test_names_are_shown_literally(store, frozen_today):
    store.add_contact(Contact("[bold]Ann[/] [/]", unsorted=True))

    async def scenario(pilot, app, main):
        await press(pilot, "U")
        assert "1 of 1: [bold]Ann[/] [/]" in screen_text(app)

    drive(store, scenario)


def test_the_review_gathers_the_gone_cold_after_today_s_work(demo_store):
    async def scenario(pilot, app, main):
        today_s_work = [i for i in demo_store.queue(TODAY) if not i.cold]
        await press(pilot, "r")
        assert isinstance(app.screen, ReviewScreen)
        await press(pilot, *"s" * len(today_s_work))
        text = screen_text(app)
        assert "Gone cold" in text and "Gone cold: 2 overdue by more than 60 days" in text
        await press(pilot, "Z")
        assert isinstance(app.screen, SnoozeScreen)
        await press(pilot, "w")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        await app.workers.wait_for_complete()  # a group is written in a thread
        await pilot.pause()
        week = TODAY + timedelta(days=7)
        assert [by_name(demo_store, n).follow_up_on for n in COLD] == [week, week]
        assert "Review finished" in screen_text(app)
        await press(pilot, "escape", "u")  # the main screen's undo takes back all of them
        assert [by_name(demo_store, n).follow_up_on for n in COLD] == [None, None]

    drive(demo_store, scenario)


def test_in_the_review_x_archives_every_gone_cold_contact_at_once(demo_store):
    async def scenario(pilot, app, main):
        today_s_work = [i for i in demo_store.queue(TODAY) if not i.cold]
        await press(pilot, "r", *"s" * len(today_s_work), "X", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert all(by_name(demo_store, n).archived for n in COLD)
        assert "Archived        2" in screen_text(app)

    drive(demo_store, scenario)


def test_the_review_writes_the_cold_group_off_the_ui_thread(demo_store, monkeypatch):
    """Thousands gone cold take seconds to write: the screen keeps drawing meanwhile."""
    threads = []
    real = inbox.handle_cold

    def handle_cold(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(inbox, "handle_cold", handle_cold)

    async def scenario(pilot, app, main):
        today_s_work = [i for i in demo_store.queue(TODAY) if not i.cold]
        await press(pilot, "r", *"s" * len(today_s_work), "X", "y")
        assert all(by_name(demo_store, n).archived for n in COLD)
        assert threads and threading.main_thread() not in threads

    drive(demo_store, scenario)


def held(call):
    """`call` made to wait, in its thread, until the test lets it go: (held call, started, go)."""
    started, go = threading.Event(), threading.Event()

    def waiting(*args, **kwargs):
        started.set()
        assert go.wait(PATIENCE), "the test never let the write go"
        return call(*args, **kwargs)

    return waiting, started, go


def refusals(app) -> int:
    return sum(n.startswith("Still writing:") for n in notices(app))


async def confirm_then_refuse(pilot, app, started, writing: str, keys: tuple[str, ...]) -> None:
    """Press the bulk key's `y`, wait for its write to be held, press `keys`: each refused."""
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
    await pilot.press("y")
    await wait_until(pilot, started.is_set, "the group's write to start")
    await wait_until(pilot, lambda: writing in screen_text(app), "the writing notice")
    assert "Keys wait until it is done." in screen_text(app)
    await pilot.press(*keys)
    await wait_until(pilot, lambda: refusals(app) == len(keys), "a notice for each key")


def test_keys_during_a_group_sort_are_refused_visibly_then_act_on_what_was_written(
    demo_store, monkeypatch
):
    sort_out, started, go = held(demo_store.sort_out)
    monkeypatch.setattr(demo_store, "sort_out", sort_out)

    async def scenario(pilot, app, main):
        await press(pilot, "U", "f", *"tag:linkedin", "enter")
        await pilot.press("X")
        writing = "Still writing: sorting 5 people matching tag:linkedin"
        await confirm_then_refuse(pilot, app, started, writing, ("m", "s", "u", "escape"))
        assert "Bruno Costa" not in screen_text(app)  # not the card the write moves past
        assert isinstance(app.screen, SortScreen)
        assert unsorted_names(demo_store) == UNSORTED  # no key wrote anything meanwhile
        go.set()
        await settle(pilot)
        assert unsorted_names(demo_store) == [] and all(
            by_name(demo_store, n).archived for n in UNSORTED
        )
        assert "Nobody left to sort here" in screen_text(app)
        await press(pilot, "u")  # keys act again, on what the store holds: the group is back
        assert unsorted_names(demo_store) == UNSORTED
        assert "1 of 5: Bruno Costa" in screen_text(app) and refusals(app) == 4

    drive(demo_store, scenario)


def test_keys_during_the_review_s_cold_group_write_are_refused_visibly(demo_store, monkeypatch):
    handle_cold, started, go = held(inbox.handle_cold)
    monkeypatch.setattr(inbox, "handle_cold", handle_cold)

    async def scenario(pilot, app, main):
        today_s_work = [i for i in demo_store.queue(TODAY) if not i.cold]
        await press(pilot, "r", *"s" * len(today_s_work))
        await pilot.press("X")
        writing = "Still writing: archiving 2 gone-cold"
        await confirm_then_refuse(pilot, app, started, writing, ("d", "s", "x", "escape"))
        assert not any(name in screen_text(app) for name in COLD)
        assert isinstance(app.screen, ReviewScreen)
        assert not any(by_name(demo_store, n).archived for n in COLD)
        assert demo_store.undo_description is None or "Archive" not in demo_store.undo_description
        go.set()
        await settle(pilot)
        assert all(by_name(demo_store, n).archived for n in COLD)
        assert "Archived        2" in screen_text(app)
        await press(pilot, "escape")
        assert app.screen is main

    drive(demo_store, scenario)


def test_bulk_keys_do_nothing_before_the_cold_group(store, frozen_today):
    on = TODAY - timedelta(days=3)
    store.add_contact(Contact("Warm", met_on=on, stage_history=[StageStep(Stage.MET, on)]))

    async def scenario(pilot, app, main):
        await press(pilot, "r", "X")
        assert isinstance(app.screen, ReviewScreen)
        assert not by_name(store, "Warm").archived

    drive(store, scenario)


def test_snapshot_sort_screen(snap_compare, demo_store):
    assert snap_compare(app_for(demo_store), terminal_size=(100, 32), run_before=settle_then("U"))
