"""The first frame of a lazy store shows only the lists' first page (`FollowUps.first_page`);
the whole lists are built just after it, or before any key, mouse event or sync.

Here that build is held back (`after_first_frame` does nothing), so the page stays until
something asks for the lists: the tests press keys on it and compare with an app that drew
the whole lists at once. The terminal is short (a page of 14 rows) and the database holds
more contacts and follow-ups than that.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from netui.core.config import Settings
from netui.core.db.store import Store, fold
from netui.core.model import Contact
from netui.tui.app import make_app
from netui.tui.screens.main import MainScreen
from tests.conftest import TODAY
from tests.tui.conftest import FakeEditor, card_text, pane_text, settled, wait_until

SIZE = (100, 14)  # no list shows more than 14 rows: the first page
FIRST = ["Alba", "Bruno", "Chloé", "Dmitri", "Émile", "Farah", "Goran", "Hana", "Ines", "Jun"]


@pytest.fixture
def crowded(demo_store: Store) -> Store:
    """The demo and 40 more people met over the last fortnight: both lists outgrow a page."""
    for i in range(40):
        met = TODAY - timedelta(days=i % 14)
        demo_store.add_contact(Contact(f"{FIRST[i % 10]} Page{i:02d}", met_on=met))
    return demo_store


@pytest.fixture
def held_first_page(monkeypatch):
    """The whole lists are built only when something asks for them (a key, a sync)."""
    monkeypatch.setattr(MainScreen, "after_first_frame", lambda self: None)


def launched(store: Store, *, page: bool = True, poll_seconds: float = 0):
    """A lazy store and the app over it, as `netui` starts it (given the digest rows it
    checked, so the first frame is a page); `page=False`: the whole lists at once."""
    lazy = Store.open(store.path, settings=Settings(log_on_step=False), lazy=True)
    rows = lazy.digest_rows() if page else None
    app = make_app(lazy, editor=FakeEditor(""), poll_seconds=poll_seconds, digest_rows=rows)
    return lazy, app


def active_by_name(store: Store) -> list[Contact]:
    """The contacts list's order (by folded name, then id), archived left out."""
    shown = [c for c in store.contacts() if not c.archived]
    return sorted(shown, key=lambda c: (fold(c.name), c.id))


def painted_panes(app) -> list[list]:
    """Every painted line above the footer, with its styles (the scrollbars included)."""
    strips = app.screen._compositor.render_strips()
    return [list(strip) for strip in strips[:-1]]


def test_the_first_page_is_painted_as_the_whole_lists(crowded, held_first_page, held_loading):
    lazy, app = launched(crowded)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            main = app.main_screen
            await wait_until(pilot, lambda: main.detail.contact_id is not None, "the first card")
            await pilot.pause()
            active = len(active_by_name(crowded))
            assert len(main.contacts.table.rows) < active  # a page, not the list
            page = painted_panes(app), pane_text(app, main.contacts), card_text(main)
            main.complete_first_page()
            await pilot.pause()
            assert len(main.contacts.table.rows) == active
            assert (painted_panes(app), pane_text(app, main.contacts), card_text(main)) == page
            assert f"Contacts ({active})" in page[1]
            held_loading.set()

    asyncio.run(main())
    lazy.close()


KEYS = {
    "end of the list": ["end"],
    "down past the page": ["j"] * 20,
    "page down twice": ["pagedown", "pagedown"],
    "the queue's last row, enter": ["tab", "end", "enter"],
    "down the queue past the page": ["tab", *["j"] * 18],
    "sorted by due, then down": ["s", "j", "j"],
    "filter for a name past the page": ["f", *"jun page", "enter", "j"],
}


@pytest.mark.parametrize("keys", KEYS.values(), ids=KEYS.keys())
def test_keys_on_the_first_page_act_as_on_the_whole_lists(
    crowded, held_first_page, held_loading, keys
):
    """The same keys, pressed at once on the first page and on an app that drew the whole
    lists: the same contact under the cursor and on the card."""

    async def selected(page: bool) -> tuple[str | None, str]:
        lazy, app = launched(crowded, page=page)
        async with app.run_test(size=SIZE) as pilot:
            main = app.main_screen
            await wait_until(pilot, lambda: main.detail.contact_id is not None, "the first card")
            await pilot.press(*keys)
            await pilot.pause()
            chosen = main.detail.contact_id, card_text(main)
            held_loading.set()  # the records and the diary may load now: the app can end
        lazy.close()
        return chosen

    on_page = asyncio.run(selected(page=True))
    whole = asyncio.run(selected(page=False))
    assert on_page == whole
    assert on_page[0] is not None


def test_a_stage_key_past_the_first_page_changes_that_contact(
    crowded, held_first_page, held_loading
):
    lazy, app = launched(crowded)
    last = active_by_name(crowded)[-1]
    assert last.stage.next() is not None

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            main = app.main_screen
            await wait_until(pilot, lambda: main.detail.contact_id is not None, "the first card")
            await pilot.press("end", "right_square_bracket")
            await wait_until(pilot, lambda: lazy.get(last.id).stage is last.stage.next())
            crowded.refresh()
            assert crowded.get(last.id).stage is last.stage.next()  # durable: on disk
            line = pane_text(app, main.contacts).splitlines()[-2]  # the last row, above the border
            assert last.name[:5] in line and last.stage.next().value in line
            held_loading.set()

    asyncio.run(main())
    lazy.close()


def test_another_process_s_write_during_the_first_page_is_shown(crowded, held_first_page):
    """A write elsewhere while the first page is up (the build held back): the next poll
    draws the whole lists with it."""
    lazy, app = launched(crowded, poll_seconds=0.1)
    first = active_by_name(crowded)[0]
    assert first.stage.next() is not None

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            main = app.main_screen
            await wait_until(pilot, lambda: main.detail.contact_id == first.id, "the first card")
            crowded.step_stage(first.id, 1)  # another process (its own store on the folder)
            moved = first.stage.next().value

            def shown() -> bool:
                rows = pane_text(app, main.contacts).splitlines()
                return any(first.name in r and moved in r for r in rows)

            await wait_until(pilot, shown, "the other process's change")
            await settled(pilot)
            assert len(main.contacts.table.rows) == len(active_by_name(crowded))
            assert moved in card_text(main).casefold()

    asyncio.run(main())
    lazy.close()
