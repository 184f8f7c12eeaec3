"""D on the main screen: asks, counting what goes; y deletes everywhere on screen; u brings back.

D in a detail pane deletes the diary entry at its top, on every screen that shows one
(main, review, sort, merge)."""

from __future__ import annotations

from netui.core.model import Contact, Conversation
from netui.tui.screens.confirm import ConfirmScreen
from netui.tui.screens.merge import MergeScreen
from netui.tui.screens.review import ReviewScreen
from netui.tui.screens.sort import SortScreen
from netui.tui.widgets.detail import DetailPane
from tests.conftest import TODAY
from tests.tui.conftest import (
    PLAN,
    by_name,
    current,
    drive,
    fill,
    notice_shown,
    pane_text,
    pick,
    press,
    review,
    screen_text,
    status_text,
    wait_until,
)


def test_D_asks_with_counts_deletes_and_u_brings_back(store, frozen_today):
    dana = store.add_contact(Contact("Dana [b]Kim", company="Acme"))
    store.log(Conversation(dana.id, TODAY, note="sailing"))
    store.add_contact(Contact("Eve Stone"))

    async def scenario(pilot, app, main):
        await pick(pilot, "Dana")
        await press(pilot, "D")
        assert isinstance(app.screen, ConfirmScreen)
        shown = " ".join(screen_text(app).replace("│", " ").split())  # the dialog wraps
        assert "Delete Dana [b]Kim and 1 conversation? (u undoes it)" in shown
        await press(pilot, "n")  # no: nothing changes
        assert app.screen is main and dana.id in store.contacts_by_id
        await press(pilot, "D", "y")
        assert dana.id not in store.contacts_by_id and store.conversations_of(dana.id) == []
        for pane in (main.contacts, main.detail):  # gone from the list and the card
            assert "Dana [b]Kim" not in pane_text(app, pane)
        await notice_shown(pilot, "Deleted Dana [b]Kim — u to undo")
        await press(pilot, "u")
        assert store.get(dana.id).name == "Dana [b]Kim"
        assert "Dana [b]Kim" in screen_text(app)

    drive(store, scenario)


def test_D_in_the_detail_pane_deletes_the_entry_at_its_top_and_u_brings_it_back(
    store, frozen_today
):
    dana = store.add_contact(Contact("Dana Kim"))
    wrong = store.log(Conversation(dana.id, TODAY, note="logged on the wrong person"))

    async def scenario(pilot, app, main):
        await pick(pilot, "Dana")
        for _ in range(3):  # tab to the detail pane, as a user would
            if isinstance(app.focused, DetailPane):
                break
            await press(pilot, "tab")
        assert isinstance(app.focused, DetailPane)
        await press(pilot, "D")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete the diary entry of" in screen_text(app)
        await press(pilot, "y")
        assert store.conversations_of(dana.id) == [] and dana.id in store.contacts_by_id
        assert "logged on the wrong person" not in screen_text(app)
        await press(pilot, "u")
        assert [c.id for c in store.conversations_of(dana.id)] == [wrong.id]

    drive(store, scenario)


async def focus_pane(pilot, app, pane_id: str) -> None:
    """Tab to a detail pane, as a user would."""
    for _ in range(6):
        if isinstance(app.focused, DetailPane) and app.focused.id == pane_id:
            return
        await press(pilot, "tab")
    raise AssertionError(f"tab never reached #{pane_id}")


def test_D_in_the_review_deletes_the_entry_of_the_card_shown_and_u_brings_it_back(
    store, frozen_today
):
    fill(store)
    ann = by_name(store, "Ann Lee")
    wrong = store.log(Conversation(ann.id, TODAY, note="logged on the wrong person"))

    async def scenario(pilot, app, main):
        await review(pilot, app)
        assert current(app) == PLAN[0]
        await focus_pane(pilot, app, "review-detail")
        assert "logged on the wrong person" in screen_text(app)
        await press(pilot, "D")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete the diary entry of" in screen_text(app)
        assert "u on the main screen undoes it" in screen_text(app)  # the review has no u
        await press(pilot, "y")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        assert store.conversations_of(ann.id) == [] and current(app) == PLAN[0]
        assert "logged on the wrong person" not in screen_text(app)
        await notice_shown(pilot, "Deleted the entry of")  # on the review's status line
        assert "u on the main screen undoes it" in status_text(app)
        await press(pilot, "escape")
        await wait_until(pilot, lambda: app.screen is main, "the main screen")
        await press(pilot, "u")
        assert [c.id for c in store.conversations_of(ann.id)] == [wrong.id]

    drive(store, scenario)


def test_D_in_the_sort_screen_deletes_the_entry_and_its_u_brings_it_back(store, frozen_today):
    dana = store.add_contact(Contact("Dana Kim", unsorted=True))
    wrong = store.log(Conversation(dana.id, TODAY, note="logged on the wrong person"))

    async def scenario(pilot, app, main):
        await press(pilot, "U")
        await wait_until(pilot, lambda: isinstance(app.screen, SortScreen), "the sort screen")
        await focus_pane(pilot, app, "sort-detail")
        await press(pilot, "D", "y")
        await wait_until(pilot, lambda: isinstance(app.screen, SortScreen), "the sort screen")
        assert store.conversations_of(dana.id) == []
        assert "logged on the wrong person" not in screen_text(app)
        await press(pilot, "u")
        assert [c.id for c in store.conversations_of(dana.id)] == [wrong.id]
        assert "logged on the wrong person" in screen_text(app)

    drive(store, scenario)


def test_D_in_the_merge_screen_deletes_from_the_record_it_is_pressed_in(store, frozen_today):
    jon = store.add_contact(Contact("Jon Smith", emails=["jon@example.com"]))
    twin = store.add_contact(Contact("Jonathan Smith", emails=["jon@example.com"]))
    store.log(Conversation(jon.id, TODAY, note="kept on Jon"))
    store.log(Conversation(twin.id, TODAY, note="logged on the twin by mistake"))

    async def scenario(pilot, app, main):
        main.select(jon.id)
        await press(pilot, "M")
        await wait_until(pilot, lambda: isinstance(app.screen, MergeScreen), "the merge screen")
        screen = app.screen
        await wait_until(pilot, lambda: screen.candidates.rows, "the likely duplicate")
        assert "logged on the twin by mistake" in screen_text(app)
        await focus_pane(pilot, app, "merge-other")
        await press(pilot, "D", "y")
        await wait_until(pilot, lambda: app.screen is screen, "the merge screen")
        assert store.conversations_of(twin.id) == []
        assert [c.note for c in store.conversations_of(jon.id)] == ["kept on Jon"]
        text = screen_text(app)
        assert "logged on the twin by mistake" not in text and "kept on Jon" in text

    drive(store, scenario)


def test_the_palette_offers_deleting_the_entry_at_the_top_of_the_detail_pane(store, frozen_today):
    dana = store.add_contact(Contact("Dana Kim"))
    store.log(Conversation(dana.id, TODAY, note="logged on the wrong person"))

    async def scenario(pilot, app, main):
        await pick(pilot, "Dana")
        await press(pilot, "ctrl+p", *"delete the diary entry")
        listed = "Delete the diary entry at the top of the pane"
        await wait_until(pilot, lambda: listed in screen_text(app), "the palette's hit")
        assert "D in the detail pane" in screen_text(app)
        await press(pilot, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await press(pilot, "y")
        assert store.conversations_of(dana.id) == [] and dana.id in store.contacts_by_id

    drive(store, scenario)
