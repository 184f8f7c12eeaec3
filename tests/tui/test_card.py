"""One card: the detail pane shows every field the core's contact_card lists."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from netui.core.followup.card import contact_card
from netui.core.model import Conversation, Stage
from tests.conftest import TODAY
from tests.tui.conftest import by_name, card_text, drive, pane_text, pick, press


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


def test_a_card_that_grows_after_a_stage_key_pushes_the_diary_down(demo_store, frozen_today):
    """`]` dates a new rung of the ladder and changes the next step, so the card grows a line:
    the pane then shows the whole new card, one blank line, the diary after it, and scrolls
    to the diary's new end (the pane takes its new height without a second layout)."""
    name = "Nguyễn Thị Lan"

    async def scenario(pilot, app, main):
        await pick(pilot, name)
        card = main.detail.query_one("#card")
        height = card.region.height

        def shown() -> list[str]:
            """The pane's rows inside its border, in the card's columns (no scrollbar)."""
            left = card.region.x - main.detail.region.x
            rows = pane_text(app, main.detail).splitlines()[1:-1]
            return [row[left : left + card.region.width] for row in rows]

        await press(pilot, "right_square_bracket")
        assert by_name(demo_store, name).stage is Stage.CALLED
        assert card.region.height > height  # the case this test is about
        rows = shown()
        top = next(i for i, row in enumerate(rows) if name in row)
        title = next(i for i, row in enumerate(rows) if "Conversations (2)" in row)
        assert not rows[title - 1].strip()  # the margin under the card
        painted = " ".join(" ".join(rows[top : title - 1]).split())
        assert painted == " ".join(card_text(main).split())  # every line of the new card

        await press(pilot, "tab", "tab")  # the detail pane
        assert main.detail.has_focus
        await press(pilot, "end")
        last_word = str(main.detail.query_one("#timeline").content).split()[-1]
        assert last_word in [row for row in shown() if row.strip()][-1]

    drive(demo_store, scenario, size=(100, 24))


def pane_cells(app, widget) -> list[list[tuple[str, object]]]:
    """What the screen shows inside this widget's region, cell runs and their styles."""
    region = widget.region
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    return [
        [(segment.text, segment.style) for segment in strip.crop(region.x, region.right)]
        for strip in strips
    ]


@pytest.mark.parametrize("entries", [0, 40], ids=["short diary", "long diary"])
def test_after_a_stage_key_the_detail_pane_is_what_a_redraw_from_scratch_shows(
    demo_store, frozen_today, entries
):
    """The card, the diary below it and the scrollbar after `]` (the card grows a line; the
    thumb moves with a short diary, stays with a long one) are what the pane shows once every
    part of it is drawn again from scratch: nothing of the old card or old thumb stays."""
    name = "Nguyễn Thị Lan"
    contact = by_name(demo_store, name)
    for day in range(entries):
        demo_store.log(Conversation(contact.id, TODAY - timedelta(days=30 + day), note="lunch"))

    async def scenario(pilot, app, main):
        await pick(pilot, name)
        await press(pilot, "right_square_bracket")
        assert by_name(demo_store, name).stage is Stage.CALLED
        painted = pane_cells(app, main.detail)
        for widget in [*main.detail.walk_children(with_self=True), main.detail.vertical_scrollbar]:
            widget.refresh()
        redrawn = asyncio.Event()
        app.call_after_refresh(redrawn.set)
        await redrawn.wait()
        assert pane_cells(app, main.detail) == painted

    drive(demo_store, scenario, size=(100, 24))
