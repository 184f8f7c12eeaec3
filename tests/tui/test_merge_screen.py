"""The merge screen: likely duplicates side by side, enter merges, `u` on the main screen undoes."""

from __future__ import annotations

from datetime import date

from netui.core.db.store import Store
from netui.core.model import Contact, Conversation
from netui.tui.screens.merge import MergeScreen
from tests.tui.conftest import card_text, drive, press, screen_text


async def open_merge(pilot, app, main, contact: Contact) -> MergeScreen:
    """What `M` does on the main screen: the selected contact's merge screen, answer handled."""
    main.select(contact.id)
    await press(pilot, "M")  # the duplicates are looked for in a thread: press waits for it
    assert isinstance(app.screen, MergeScreen)
    return app.screen


def jon_and_john(store: Store) -> tuple[Contact, Contact, Conversation]:
    jon = store.add_contact(Contact("Jon Smith", company="Acme", emails=["jon@acme.example"]))
    john = store.add_contact(Contact("John Smith", company="Acme", tags=["golf"]))
    said = store.log(Conversation(john.id, date(2026, 1, 5), note="estate planning"))
    store.add_contact(Contact("Eve Stone", company="Nimbus"))
    return jon, john, said


def test_enter_merges_the_likely_duplicate_and_u_undoes_it(store, frozen_today):
    jon, john, said = jon_and_john(store)

    async def scenario(pilot, app, main):
        screen = await open_merge(pilot, app, main, jon)
        assert [c.contact.name for c in screen.candidates.rows] == ["John Smith"]
        text = screen_text(app)
        assert "similar names (0.95)" in text
        assert "Keep: Jon Smith" in text and "Merge in: John Smith" in text
        assert "estate planning" in text and "Tags: golf" in text  # the other record's diary

        await press(pilot, "enter")
        assert app.screen is main and main.selected_id == jon.id
        assert set(store.contacts_by_id) == {jon.id, store.find("Eve Stone").id}
        assert store.conversation(said.id).contact_id == jon.id
        assert "Tags: golf" in card_text(main) and "estate planning" in screen_text(app)

        await press(pilot, "u")
        assert store.get(john.id).tags == ["golf"]
        assert store.conversation(said.id).contact_id == john.id
        assert "golf" not in store.get(jon.id).tags

    drive(store, scenario)


def test_without_duplicates_a_typed_name_picks_any_contact(store, frozen_today):
    ann = store.add_contact(Contact("Ann [b]x", company="[/ Corp"))
    odd = store.add_contact(Contact("[/] Zoë", notes="met twice"))

    async def scenario(pilot, app, main):
        screen = await open_merge(pilot, app, main, ann)
        assert screen.candidates.rows == []
        assert "No likely duplicates: type a name to pick any other contact." in screen_text(app)
        await press(pilot, *"zoe")  # accents and case ignored
        assert [c.contact.id for c in screen.candidates.rows] == [odd.id]
        text = screen_text(app)
        assert "Merge in: [/] Zoë" in text and "Keep: Ann [b]x" in text
        await press(pilot, "enter")
        assert app.screen is main and set(store.contacts_by_id) == {ann.id}
        assert store.get(ann.id).notes == "met twice"

    drive(store, scenario)


def test_escape_cancels_and_enter_on_nothing_says_so(store, frozen_today):
    jon, john, _ = jon_and_john(store)

    async def scenario(pilot, app, main):
        screen = await open_merge(pilot, app, main, jon)
        await press(pilot, *"nobody by that name", "enter")
        assert app.screen is screen
        assert "Nothing to merge: pick a contact in the list first" in screen_text(app)
        await press(pilot, "escape")
        assert app.screen is main and main.selected_id == jon.id
        assert john.id in store.contacts_by_id

    drive(store, scenario)


def test_a_contact_gone_meanwhile_is_a_one_line_error(store, frozen_today):
    jon, john, _ = jon_and_john(store)
    eve = store.find("Eve Stone")

    async def scenario(pilot, app, main):
        screen = await open_merge(pilot, app, main, jon)
        store.merge(eve.id, john.id)  # elsewhere, John was merged into Eve
        await press(pilot, "enter")
        assert app.screen is screen
        assert f"this contact ({john.id[:8]}) is gone" in screen_text(app)
        await press(pilot, "escape")
        assert app.screen is main

    drive(store, scenario)
