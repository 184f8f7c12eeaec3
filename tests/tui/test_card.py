"""One card: the detail pane shows every field the core's contact_card lists."""

from __future__ import annotations

from netui.core.followup.card import contact_card
from tests.conftest import TODAY
from tests.tui.conftest import by_name, card_text, drive


def test_the_detail_pane_shows_every_field_of_the_card(demo_store, frozen_today):
    contact = max(demo_store.contacts_by_id.values(), key=lambda c: len(c.to_dict()))

    async def scenario(pilot, app, main):
        main.select(contact.id)
        await pilot.pause()
        shown = " ".join(card_text(main).split())  # the pane wraps long fields
        for field in contact_card(demo_store, by_name(demo_store, contact.name), TODAY).fields:
            if field.key != "ladder":  # drawn rung by rung, with short dates
                assert " ".join(field.text.split()) in shown, field.key

    drive(demo_store, scenario, size=(160, 50))
