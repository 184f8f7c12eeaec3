"""D on the main screen: asks, counting what goes; y deletes everywhere on screen; u brings back."""

from __future__ import annotations

from netui.core.model import Contact, Conversation
from netui.tui.screens.confirm import ConfirmScreen
from netui.tui.widgets.detail import DetailPane
from tests.conftest import TODAY
from tests.tui.conftest import drive, notices, pick, press, screen_text


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
        assert "Dana [b]Kim" not in screen_text(app)  # gone from the list and the card
        assert any("Deleted Dana [b]Kim — u to undo" in n for n in notices(app))
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
