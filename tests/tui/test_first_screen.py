"""The first screen of a lazy store (as `netui` opens it) is drawn from the contacts digest,
before any full record is read; the records load afterwards in a thread.

The loading thread is held at its start here, so what is checked is the screen drawn from the
digest alone, and keys pressed before the records are in: they must act on the records (read
on demand), never on a digest summary, and the panes must show the result.
"""

from __future__ import annotations

import asyncio

import pytest

from netui.core.config import Settings
from netui.core.db.store import Store
from netui.core.errors import StorageError
from netui.core.model import Stage
from netui.tui.followups import FollowUps
from netui.tui.widgets.header import CountsHeader
from tests.conftest import TODAY
from tests.tui.conftest import (
    app_for,
    card_text,
    notices,
    pane_text,
    record_notices,
    settle,
    settled,
    wait_until,
)


def lazy_app(demo_store: Store):
    """The app over a second, lazy store on the same folder (the way `netui` opens it)."""
    with Store.open(demo_store.path, settings=Settings(), lazy=True) as earlier:
        earlier.digest_rows()  # the digest exists, as after any earlier command
    lazy = Store.open(demo_store.path, settings=Settings(), lazy=True)
    return lazy, app_for(lazy)


def row_of(app, main, name: str) -> str:
    """The painted line of the contacts list that shows this name."""
    return next(line for line in pane_text(app, main.contacts).splitlines() if name in line)


def panes(app, main) -> tuple[str, ...]:
    """The contacts list, the queue, the header and the card, as painted."""
    header = pane_text(app, app.screen.query_one(CountsHeader))
    return pane_text(app, main.contacts), pane_text(app, main.queue), header, card_text(main)


def test_first_screen_from_the_digest_is_the_screen_of_the_records(demo_store, held_loading):
    lazy, app = lazy_app(demo_store)

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            main = app.main_screen
            await wait_until(pilot, lambda: main.detail.contact_id is not None, "the first card")
            await pilot.pause()
            assert not lazy.contacts_loaded  # drawn from the digest alone
            early = panes(app, main)
            assert "Contacts (" in early[0] and "Follow-up (" in early[1]
            held_loading.set()
            await settled(pilot)
            assert lazy.contacts_loaded
            assert panes(app, main) == early  # the diary came in below the card meanwhile

    asyncio.run(main())
    lazy.close()


def test_a_stage_key_before_the_records_are_in_acts_on_the_record(demo_store, held_loading):
    lazy, app = lazy_app(demo_store)

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            main = app.main_screen
            table = main.contacts.table
            await wait_until(pilot, lambda: table.current_key is not None, "the list")
            await pilot.press("j", "j")
            chosen = table.current_key
            before = demo_store.get(chosen)
            assert before.stage.next() is not None and not lazy.contacts_loaded
            await pilot.press("right_square_bracket")
            await settle(pilot)
            after = lazy.get(chosen)
            assert after.stage is before.stage.next()
            demo_store.refresh()
            assert demo_store.get(chosen).stage is after.stage  # durable: on disk
            cell = "keep" if after.keep_since else after.stage.value
            assert cell in row_of(app, main, after.name)
            held_loading.set()
            await settled(pilot)
            assert table.current_key == chosen
            assert cell in row_of(app, main, after.name)
            assert lazy.get(chosen).stage is after.stage

    asyncio.run(main())
    lazy.close()


def test_undo_before_the_records_are_in(demo_store, held_loading):
    """`u` pressed at once undoes the last change made before the app started."""
    contact = next(
        c
        for c in demo_store.contacts()
        if c.stage is Stage.MET and not c.unsorted and c.keep_since is None
    )
    demo_store.set_stage(contact.id, Stage.THANKED)
    lazy, app = lazy_app(demo_store)

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            main = app.main_screen
            await wait_until(pilot, lambda: main.contacts.table.current_key, "the list")
            await pilot.press("u")
            await settle(pilot)
            assert lazy.get(contact.id).stage is Stage.MET
            held_loading.set()
            await settled(pilot)
            main.select(contact.id)
            await pilot.pause()
            assert "thanked" not in row_of(app, main, contact.name)
            assert "met" in row_of(app, main, contact.name)

    asyncio.run(main())
    lazy.close()


@pytest.mark.parametrize("failing", ["contacts", "diary"])
def test_a_failed_load_names_what_failed(demo_store, monkeypatch, failing):
    """The contacts are read first (a lazy store), then the diary: the notice says which."""
    damaged = StorageError(f"{failing}/03.json: not valid JSON (line 1, column 2)")

    def fails(*args) -> None:
        raise damaged

    if failing == "contacts":
        monkeypatch.setattr(FollowUps, "prepare", fails)
    else:
        monkeypatch.setattr(Store, "load_conversations_in_slices", fails)
    lazy, app = lazy_app(demo_store)
    record_notices(app)

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_until(pilot, lambda: not app.main_screen.diary_loading, "the load to end")
            assert notices(app) == [f"Could not load the {failing}: {damaged}"]

    asyncio.run(main())
    lazy.close()


def test_the_launchers_digest_rows_are_drawn_once_and_only_if_nothing_was_written(
    demo_store, frozen_today
):
    """`netui` reads the digest before the app starts (to refuse a bad record in one line):
    the first screen is drawn from those rows, not from a second read; after a write, or on
    the next update, the digest is read anew."""
    lazy, _ = lazy_app(demo_store)
    rows = lazy.digest_rows()
    everyone = {r[0] for r in rows}
    given = FollowUps(lazy, 7, rows[:1])  # one row: tells whose rows were drawn
    given.update(TODAY)
    assert set(given.rows) == {rows[0][0]}
    given.update(TODAY)
    assert set(given.rows) == everyone  # once only

    written = FollowUps(lazy, 7, rows[:1])
    someone = next(c for c in demo_store.contacts() if c.stage.next() is not None)
    lazy.step_stage(someone.id, 1)
    written.update(TODAY)
    assert set(written.rows) == everyone
    assert written.rows[someone.id].contact.stage is someone.stage.next()
    lazy.close()
