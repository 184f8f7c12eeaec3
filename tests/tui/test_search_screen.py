"""The search screen (`/`), pressed for real: typing, results, enter, escape, bad queries."""

from __future__ import annotations

import threading
from datetime import timedelta

from netui.core.db.store import Store
from netui.core.model import Contact, Conversation
from netui.tui.app import make_app
from netui.tui.screens import search
from netui.tui.screens.search import SearchScreen
from tests.conftest import TODAY
from tests.tui.conftest import (
    TRICKY,
    by_name,
    drive,
    pane_text,
    press,
    screen_text,
    settle,
    settled,
    wait_until,
)


def diary_with_an_old_secret(store: Store) -> tuple[Contact, Conversation]:
    """Dana has 61 conversations; the one about estate planning is the oldest, far below.

    The detail pane draws the newest 50, so showing it mounts more entries first."""
    dana = store.add_contact(Contact("Dana Kim", company="Acme Law"))
    store.add_contact(Contact("Eve Stone", company="Nimbus"))
    for days in range(1, 61):
        store.log(Conversation(dana.id, TODAY - timedelta(days=days), note=f"weekly call {days}"))
    old = store.log(
        Conversation(dana.id, TODAY - timedelta(days=400), note="She said estate planning first.")
    )
    return dana, old


async def open_search(pilot, app) -> SearchScreen:
    await press(pilot, "slash")  # the index is built in a thread: press waits for it
    await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
    screen = app.screen
    await wait_until(pilot, lambda: screen.index is not None, "the index")
    return screen


def test_typing_shows_hits_and_enter_shows_that_conversation(store, frozen_today):
    dana, old = diary_with_an_old_secret(store)

    async def scenario(pilot, app, main):
        screen = await open_search(pilot, app)
        await press(pilot, *"estate plan")
        await wait_until(pilot, lambda: screen.shown_query == "estate plan", "the hits")
        assert [h.conversation_id for h in screen.results.rows] == [old.id]
        wanted = ("Dana Kim", "1 year ago", "She said estate planning first.")
        await wait_until(pilot, lambda: all(w in screen_text(app) for w in wanted), "the hit drawn")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: app.screen is main, "the main screen")
        await wait_until(pilot, lambda: main.selected_id == dana.id, "Dana selected")
        await wait_until(pilot, lambda: main.contacts.table.current_key == dana.id, "Dana's row")
        # drawn although past the 50 newest
        await wait_until(pilot, lambda: old.id in main.detail.shown_ids, "the old entry mounted")
        secret = "She said estate planning"  # (the rest wraps)
        await wait_until(pilot, lambda: secret in pane_text(app, main.detail), "the old entry")
        await wait_until(pilot, lambda: main.detail.scroll_y > 0, "the pane scrolled to it")

    drive(store, scenario, size=(100, 32))


def test_a_contact_hit_selects_the_contact(store, frozen_today):
    diary_with_an_old_secret(store)
    eve = by_name(store, "Eve Stone")

    async def scenario(pilot, app, main):
        screen = await open_search(pilot, app)
        await press(pilot, *"nimbus")
        await wait_until(pilot, lambda: screen.shown_query == "nimbus", "the hits")
        hit = screen.results.rows[0]
        assert (hit.kind, hit.contact_id) == ("contact", eve.id)
        await wait_until(pilot, lambda: "company: Nimbus" in screen_text(app), "the hit drawn")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: app.screen is main, "the main screen")
        assert main.selected_id == eve.id

    drive(store, scenario)


def test_arrows_move_while_typing_and_j_k_in_the_results(store, frozen_today):
    diary_with_an_old_secret(store)

    async def scenario(pilot, app, main):
        screen = await open_search(pilot, app)
        await press(pilot, *"weekly")
        assert len(screen.results.rows) == 60
        await press(pilot, "down", "down", "up", "pagedown")
        assert screen.results.cursor > 1
        assert screen.bar.value == "weekly" and screen.bar.has_focus
        await press(pilot, "home")  # the bar's key: the cursor in the text, not the list
        assert screen.results.cursor > 1
        await press(pilot, "tab", "home", "j", "j", "k")
        assert screen.results.has_focus and screen.results.cursor == 1
        wanted = screen.results.rows[1]
        await press(pilot, "enter")
        await wait_until(pilot, lambda: main.detail.contact_id == wanted.contact_id, "its card")
        await wait_until(pilot, lambda: wanted.conversation_id in main.detail.shown_ids, "mounted")
        await wait_until(pilot, lambda: wanted.snippet in pane_text(app, main.detail), "the entry")

    drive(store, scenario)


def test_escape_goes_back_to_where_you_were(store, frozen_today):
    dana, _ = diary_with_an_old_secret(store)

    async def scenario(pilot, app, main):
        main.select(dana.id)
        await open_search(pilot, app)
        await press(pilot, *"nimbus", "down", "escape")
        await wait_until(pilot, lambda: app.screen is main, "the main screen")
        assert main.selected_id == dana.id
        assert main.detail.contact_id == dana.id

    drive(store, scenario)


def test_a_query_that_cannot_be_read_says_why_in_the_bar(store, frozen_today):
    diary_with_an_old_secret(store)

    async def scenario(pilot, app, main):
        screen = await open_search(pilot, app)
        await press(pilot, *"weekly")
        await press(pilot, *' "call')
        assert 'unclosed quote: add the closing "' in screen_text(app)
        assert len(screen.results.rows) == 60  # the last good results stay
        await press(pilot, "ctrl+u", *"weekly since:someday")
        assert "since: invalid date 'someday'" in screen_text(app) and app.screen is screen
        await press(pilot, "ctrl+u", *"weekly stage:")
        assert "stage: needs a value right after it" in screen_text(app)
        await press(pilot, *"called")
        assert "stage: needs" not in screen_text(app)

    drive(store, scenario)


def test_markup_like_names_and_notes_show_literally(store, frozen_today):
    for name in TRICKY:
        contact = store.add_contact(Contact(name))
        store.log(Conversation(contact.id, TODAY, note=f"said [b]{name}[/b] about zebras"))
    store.add_contact(Contact("Esc\x1b[31mape", notes="zebras\x1b[2J everywhere"))

    async def scenario(pilot, app, main):
        screen = await open_search(pilot, app)
        await press(pilot, *"zebras")
        assert len(screen.results.rows) == len(TRICKY) + 1
        text = screen_text(app)
        for name in ("[bold]", "[/]", "[/", "Ann [b]x", "Zoë 🎉 Party", "[link=x]y"):
            assert f"said [b]{name}[/b] about zebras" in text, name
        assert "Esc\\x1b[31mape" in text and "zebras\\x1b[2J everywhere" in text

    drive(store, scenario, size=(120, 40))


def test_keys_typed_while_indexing_are_searched_when_the_index_is_ready(
    store, frozen_today, monkeypatch
):
    diary_with_an_old_secret(store)
    ready = threading.Event()
    build = search.indexed

    def slow_indexed(*args):
        ready.wait(5)
        return build(*args)

    monkeypatch.setattr(search, "indexed", slow_indexed)

    async def scenario(pilot, app, main):
        await pilot.press("slash", *"nimbus")  # not press(): that would wait for the index
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
        screen = app.screen
        await wait_until(pilot, lambda: screen.bar.value == "nimbus", "the typed query")
        assert "indexing…" in screen_text(app) and screen.results.rows == []
        ready.set()
        await settle(pilot)
        assert [h.name for h in screen.results.rows] == ["Eve Stone"]

    drive(store, scenario)


def test_the_index_is_kept_and_brought_up_to_date_between_visits(store, frozen_today, monkeypatch):
    dana, _ = diary_with_an_old_secret(store)
    given = []  # the index each visit started from (None: built from scratch)
    build = search.indexed

    def watched_indexed(store, known):
        given.append(known)
        return build(store, known)

    monkeypatch.setattr(search, "indexed", watched_indexed)

    async def scenario(pilot, app, main):
        await open_search(pilot, app)
        await press(pilot, "escape")
        store.log(Conversation(dana.id, TODAY, note="a fresh quillwort remark"))
        screen = await open_search(pilot, app)
        await press(pilot, *"quillwort")
        assert [h.snippet for h in screen.results.rows] == ["a fresh quillwort remark"]
        assert given[0] is None and given[-1] is not None  # the second visit refreshed the first

    drive(store, scenario)


def test_snapshot_search_results(snap_compare, demo_store):
    async def run_before(pilot) -> None:
        await settled(pilot)
        await press(pilot, "slash", *"mixer")
        pilot.app.screen.bar.cursor_blink = False
        await pilot.pause()

    app = make_app(demo_store, poll_seconds=0)
    assert snap_compare(app, terminal_size=(100, 32), run_before=run_before)
