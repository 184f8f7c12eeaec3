"""User text is shown literally: markup-like names, emoji, right-to-left and control characters."""

from __future__ import annotations

from datetime import timedelta

import pytest

from netui.core.db.store import Store
from netui.core.model import Contact, Conversation, Stage
from tests.conftest import TODAY
from tests.tui.conftest import (
    TRICKY,
    card_text,
    drive,
    notice_shown,
    press,
    screen_text,
    wait_until,
)


def test_markup_emoji_and_rtl_names_show_literally(store: Store, frozen_today):
    for name in TRICKY:
        contact = store.add_contact(
            Contact(name=name, company=f"{name} Inc", met_at=f"at {name}", mention=name)
        )
        store.log(Conversation(contact.id, TODAY, note=f"said {name}", did=name))
    store.add_contact(Contact(name="Esc\x1b[31mape"))

    async def scenario(pilot, app, main):
        text = screen_text(app)
        for name in ("[bold]", "[/]", "[/", "Ann [b]x", "Zoë 🎉 Party"):
            assert name in text, name
        assert "Esc\\x1b[31mape" in text  # the escape is shown, not obeyed
        for name in TRICKY:  # each card and diary entry, one after the other
            main.select(next(c.id for c in store.contacts_by_id.values() if c.name == name))
            await pilot.pause()
            assert card_text(main).startswith(name)
            assert f"said {name}" in screen_text(app)
        await press(pilot, "t", "question_mark", "escape", "ctrl+p", *"[/", "enter")
        assert any(c.stage is Stage.THANKED for c in store.contacts_by_id.values())

    drive(store, scenario, size=(120, 40))


def test_the_filter_takes_markup_characters_as_text(store: Store, frozen_today):
    for name in TRICKY:
        store.add_contact(Contact(name=name))

    async def scenario(pilot, app, main):
        await pilot.press("f", *"[/")
        await pilot.pause()
        shown = sorted(r.contact.name for r in main.contacts.table.rows)
        assert shown == ["[/", "[/]"]

    drive(store, scenario)


MARKUP_NAMES = ["[bold]", "[/]", "[/", "Ann [b]x", "[link=x]"]


@pytest.mark.parametrize("name", MARKUP_NAMES)
def test_every_form_and_screen_shows_a_markup_like_name_literally(store, frozen_today, name):
    """Titles (str border titles are markup), notices and cards, for each per-contact screen."""
    contact = store.add_contact(
        Contact(name=name, met_on=TODAY - timedelta(days=3), mention=f"mention {name}")
    )

    async def scenario(pilot, app, main):
        main.select(contact.id)
        await pilot.pause()
        expected = {
            "l": f"Log a conversation with {name}",
            "e": f"Edit {name}",
            "z": f"Follow up with {name} in:",
            "w": f"Thank-you note to {name}",
            "R": f"Who did {name} recommend?",
        }
        for key, title in expected.items():
            await press(pilot, key)
            assert app.screen is not main, key
            assert title in screen_text(app), key
            await press(pilot, "escape")
            assert app.screen is main, key
        await press(pilot, "r")
        assert f"1 of 1: {name}" in screen_text(app)
        await press(pilot, "escape", "c")  # a call's log form
        assert f"Mark called · what did you and {name} talk about?" in screen_text(app)
        await press(pilot, "escape")  # the step alone: the notice names them
        assert app.screen is main
        await notice_shown(pilot, f"{name}: called today (nothing logged) — u to undo")
        assert f"{name}: called today (nothing logged) — u to undo" in screen_text(app)

    drive(store, scenario, size=(120, 40), toasts=True)


def test_web_pages_show_on_the_card_literally(store: Store, frozen_today):
    ann = store.add_contact(Contact(name="Ann", urls=["https://ann.example/[/]", "[b]x"]))

    async def scenario(pilot, app, main):
        main.select(ann.id)
        await pilot.pause()
        assert "Web: https://ann.example/[/] · [b]x" in card_text(main)

    drive(store, scenario)


def test_the_palette_shows_an_action_markup_name_literally_and_jumps_to_it(store, frozen_today):
    """A name that would be a live `@click` action (or a file link) if parsed as markup."""
    name = "[@click=app.quit]Quinn[/] [link=file:///etc/passwd]x[/]"
    contact = store.add_contact(Contact(name=name, company="[b]Co"))
    store.add_contact(Contact(name="Ann Lee"))

    async def scenario(pilot, app, main):
        await press(pilot, "ctrl+p", *"[@click")
        await wait_until(pilot, lambda: f"Go to {name}" in screen_text(app), "the literal hit")
        assert "[b]Co" in screen_text(app)
        await press(pilot, "enter")
        assert app.screen is main and app.is_running
        assert main.selected_id == contact.id

    drive(store, scenario)
