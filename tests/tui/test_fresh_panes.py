"""Panes never go stale: after any change, from any screen, by any process, the contacts list,
the follow-up queue and the header on screen match the store by the next frame.

Each test reads what is painted (the compositor's lines) and compares it with what the store
holds, computed independently here with the pure rules. Before the fix, the queue kept a
thanked contact's old step after a draft was closed, and `]` left the old stage on screen.
"""

from __future__ import annotations

import asyncio
import inspect
from datetime import date
from pathlib import Path

from textual.widget import Widget

from netui.core import rules
from netui.core.config import Settings
from netui.core.db.store import Store, fold
from netui.core.model import Contact, Conversation, Stage
from netui.tui.app import NetuiApp
from netui.tui.format import due_short, safe
from netui.tui.screens.main import QUEUE_DAYS, MainScreen
from netui.tui.screens.sort import SortScreen
from netui.tui.screens.thank_you import ThankYouScreen
from netui.tui.widgets.contacts import stage_cell
from tests.tui.conftest import SIZE, FakeEditor, drive, screen_text, settled, wait_until

WAIT_FRAMES = 200  # a bound on waiting for a condition, never a fixed pause


async def until(pilot, condition, what: str) -> None:
    """Let frames pass until `condition()` holds (a screen switch, a poll); fail if never."""
    for _ in range(WAIT_FRAMES):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never happened: {what}")


def painted(app, widget: Widget) -> list[str]:
    """The text painted in a widget's content region, line by line."""
    region = widget.content_region
    strips = app.screen._compositor.render_strips()
    return [
        strips[y].crop(region.x, region.right).text
        for y in range(region.y, min(region.bottom, len(strips)))
    ]


def shown_rows(app, table) -> tuple[int, list[str]]:
    """(index of the first visible row, the visible data lines) of a row table."""
    lines = painted(app, table)[1:]  # line 0 is the column header
    return round(table.scroll_offset.y), [line for line in lines if line.strip()]


def expected_contacts(store: Store, today: date) -> list[tuple[Contact, str]]:
    """Active contacts by name, each with the due cell the list must show."""
    active = [c for c in store.contacts_by_id.values() if not c.archived]
    active.sort(key=lambda c: (fold(c.name), c.id))
    rows = []
    for contact in active:
        nxt = rules.next_action(contact, store.settings, today)
        rows.append((contact, due_short(nxt.due, today) if nxt else ""))
    return rows


def movable(store: Store, today: date, at: int) -> Contact:
    """The first contact from row `at` of the list on that can go up one stage."""
    return next(c for c, _ in expected_contacts(store, today)[at:] if c.stage.next() is not None)


def expected_queue(store: Store, today: date) -> list[rules.QueueItem]:
    items = rules.queue(
        store.contacts_by_id,
        store.settings,
        today,
        referrals=store.referrals(),
        horizon_days=QUEUE_DAYS,
    )
    items.sort(
        key=lambda i: (i.cold, i.due, fold(i.contact.name), i.contact.id, i.referral_id or "")
    )
    return items


def assert_consistent(app, main: MainScreen, store: Store, today: date) -> None:
    """The painted list, queue and header say what the store says."""
    first, lines = shown_rows(app, main.contacts.table)
    rows = expected_contacts(store, today)
    assert lines, "the contacts list shows nothing"
    for line, (contact, due) in zip(lines, rows[first:], strict=False):
        assert line.startswith(safe(contact.name)[:12]), (line, contact.name)
        cells = line.split()
        assert stage_cell(contact) in cells, (line, contact.stage)
        assert f" {due}" in line, (line, due)  # the scrollbar may end the line

    first, lines = shown_rows(app, main.queue.table)
    items = expected_queue(store, today)
    assert len(lines) == min(len(items) - first, len(painted(app, main.queue.table)) - 1)
    for line, item in zip(lines, items[first:], strict=False):
        assert line.startswith(due_short(item.due, today)), (line, item)
        assert safe(item.contact.name)[:8] in line, (line, item)
        assert safe(item.action)[:10] in line, (line, item)

    overdue = sum(i.due < today and not i.cold for i in items)
    today_count = sum(i.due == today for i in items)
    cold = sum(i.cold for i in items)
    active = sum(not c.archived for c in store.contacts_by_id.values())
    unsorted = sum(c.unsorted and not c.archived for c in store.contacts_by_id.values())
    border = main.queue.region  # its top border, redrawn alone when its title changes
    title = app.screen._compositor.render_strips()[border.y].crop(border.x, border.right).text
    gone = f", {cold:,} gone cold" if cold else ""
    assert f"Follow-up ({overdue:,} overdue, {today_count:,} today{gone})" in title, title
    header = painted(app, main.query_one("CountsHeader"))[0]
    counts = f"{overdue:,} overdue · {today_count:,} due today"
    counts += f" · {cold:,} gone cold" if cold else ""
    counts += f" · {active:,} contacts"
    counts += f" · {unsorted} unsorted" if unsorted else ""
    assert counts in header, header


def test_the_queue_drops_a_thanked_contact_after_the_draft_is_closed(demo_store, frozen_today):
    """`j j t escape` in the demo: the third contact's thank-you step leaves the queue."""

    async def scenario(pilot, app, main):
        assert_consistent(app, main, demo_store, frozen_today)
        await pilot.press("j", "j", "t")
        await until(pilot, lambda: isinstance(app.screen, ThankYouScreen), "the draft opens")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main, "the draft closes")
        await pilot.pause()
        thanked = demo_store.get(main.selected_id)
        assert thanked.stage is Stage.THANKED
        assert_consistent(app, main, demo_store, frozen_today)

    drive(demo_store, scenario)


def test_stage_keys_on_rows_other_than_the_first_show_at_once(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        for keys in (("j", "j", "j", "right_square_bracket"), ("j", "c"), ("k", "o")):
            await pilot.press(*keys[:-1])
            current = demo_store.get(main.contacts.table.current_key)
            await pilot.press(keys[-1])
            target = {"c": Stage.CALLED, "o": Stage.COFFEE}.get(keys[-1])
            if target not in (None, current.stage) and demo_store.settings.log_on_step:
                # The step's log form opens; escape makes the step alone.
                await until(pilot, lambda: app.screen is not main, "the step's form opens")
                await pilot.press("escape")
                await until(pilot, lambda: app.screen is main, "the form closes")
            await pilot.pause()
            assert_consistent(app, main, demo_store, frozen_today)
        await pilot.press("left_square_bracket", "u", "u")
        await pilot.pause()
        assert_consistent(app, main, demo_store, frozen_today)

    drive(demo_store, scenario)


def test_a_change_in_a_scrolled_queue_shows_at_once(demo_store, frozen_today):
    """The cursor deep in the queue (scrolled when the queue is longer than its pane)."""

    async def scenario(pilot, app, main):
        await pilot.press("tab", "end")
        await pilot.pause()
        for _ in range(3):
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert_consistent(app, main, demo_store, frozen_today)
        await pilot.press("k", "k", "z")
        await until(pilot, lambda: app.screen is not main, "the snooze choices open")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is main, "the snooze choices close")
        await pilot.pause()
        assert_consistent(app, main, demo_store, frozen_today)

    drive(demo_store, scenario, size=(100, 24))


def test_a_change_made_while_a_screen_is_open_shows_when_it_closes(demo_store, frozen_today):
    """A write lands while the help screen covers the panes (e.g. another process)."""

    async def scenario(pilot, app, main):
        await pilot.press("j", "j", "j", "j", "question_mark")
        await until(pilot, lambda: app.screen is not main, "help opens")
        contact = movable(demo_store, frozen_today, 4)
        demo_store.step_stage(contact.id, 1, on=frozen_today)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main, "help closes")
        await pilot.pause()
        assert_consistent(app, main, demo_store, frozen_today)

    drive(demo_store, scenario)


def test_another_process_s_stage_change_shows_on_the_next_poll(db_path, demo_store, frozen_today):
    async def scenario(pilot, app, main):
        target = movable(demo_store, frozen_today, 2)
        with Store.open(db_path, settings=Settings()) as other:
            changed = other.step_stage(target.id, 1, on=frozen_today)
        main.poll()
        await until(
            pilot,
            lambda: demo_store.contacts_by_id[target.id].stage is changed.stage,
            "the poll reads the other process's write",
        )
        await pilot.pause()
        assert_consistent(app, main, demo_store, frozen_today)

    drive(demo_store, scenario)


def test_the_app_s_own_poll_picks_up_another_process_s_write(db_path, demo_store, frozen_today):
    """The same with the app's timer doing the polling, as in real use."""
    from netui.tui.app import make_app

    async def main_() -> None:
        app = make_app(demo_store, poll_seconds=0.05)
        async with app.run_test(size=(100, 32)) as pilot:
            await settled(pilot)
            main = app.main_screen
            target = movable(demo_store, frozen_today, 1)
            with Store.open(db_path, settings=Settings()) as other:
                changed = other.step_stage(target.id, 1, on=frozen_today)

            def shown() -> bool:
                _, lines = shown_rows(app, main.contacts.table)
                return any(
                    line.startswith(safe(target.name)[:12]) and changed.stage.value in line.split()
                    for line in lines
                )

            await until(pilot, shown, "the other process's stage painted")
            assert_consistent(app, main, demo_store, frozen_today)

    import asyncio

    asyncio.run(main_())


def test_steps_done_in_the_daily_review_show_when_it_ends(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await pilot.press("tab", "j")  # the queue's second row is selected behind the review
        await pilot.press("r")
        await until(pilot, lambda: app.screen is not main, "the review opens")
        review = app.screen
        await pilot.press("d")  # the first step is a thank-you: its draft opens
        await until(pilot, lambda: isinstance(app.screen, ThankYouScreen), "the draft opens")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is review, "the review is back on top")
        await pilot.press("x", "escape")
        await until(pilot, lambda: app.screen is main, "the review ends")
        await pilot.pause()
        assert_consistent(app, main, demo_store, frozen_today)

    drive(demo_store, scenario)


def test_a_screen_opened_before_the_diary_loaded_draws_it_once_loaded(db_path, frozen_today):
    """`U` (or `r`, or the merge) can come before the main screen's diary load: the screen
    loads it itself and redraws its detail pane, which said "Loading the diary…" meanwhile."""
    with Store.open(db_path, settings=Settings()) as writer:
        dana = writer.add_contact(Contact("Dana Kim", unsorted=True))
        writer.log(Conversation(dana.id, frozen_today, note="met at the harbour fair"))
    store = Store.open(db_path, settings=Settings())
    assert not store.conversations_loaded

    class SortFirst(NetuiApp):  # no main screen: nothing else loads the diary
        CSS_PATH = Path(inspect.getfile(NetuiApp)).with_name("app.tcss")

        def get_default_screen(self) -> SortScreen:
            return SortScreen(self.store)

    async def main() -> None:
        app = SortFirst(store, editor=FakeEditor(""), poll_seconds=0, title="netui")
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: "met at the harbour fair" in screen_text(app))
            assert store.conversations_loaded and "Loading the diary" not in screen_text(app)

    try:
        asyncio.run(main())
    finally:
        store.close()
