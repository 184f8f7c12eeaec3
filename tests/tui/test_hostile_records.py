"""Issue 17: huge records draw as previews with `v` for the whole text (17.7); a form saving a
contact that another process merged away says so (17.9b); a typed date out of range is an
error in the form (17.3). Timings live in bench/bench_huge_record.py, not here."""

from __future__ import annotations

from datetime import date

import pytest

from netui.core.config import Settings
from netui.core.db.store import Store
from netui.core.model import Contact, Conversation
from netui.tui.screens.edit import EditScreen
from netui.tui.screens.log import LogScreen
from netui.tui.screens.text_view import TextViewScreen
from netui.tui.widgets.detail import PREVIEW_CHARS
from netui.tui.widgets.long_text import LongText, wrap_lines
from tests.tui.conftest import FakeEditor, card_text, drive, screen_text

DAY = date(2026, 11, 2)
NOTE = "start of the note " + "x" * 5_000_000 + " END-OF-NOTE"
TAGS = [f"tag-{i}" for i in range(100_000)]


async def until(pilot, condition, tries: int = 200) -> None:
    """Let the app run until `condition()` holds (screen switches are delayed in Textual 8)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the screen never got there")


async def pick(pilot, app, name: str) -> None:
    await pilot.press("f", *name, "enter")
    await until(pilot, lambda: name in card_text(app.main_screen))


def huge(store: Store) -> Contact:
    contact = store.add_contact(Contact(name="Ada Huge", met_on=DAY, notes=NOTE, tags=TAGS))
    letters = [f"letter {i} " + "y" * 2000 for i in range(50)]
    store.log(Conversation(contact.id, DAY, note=NOTE[:1_000_000], correspondence=letters))
    return contact


def test_a_huge_record_draws_a_bounded_preview_saying_what_is_hidden(store, frozen_today):
    huge(store)

    async def scenario(pilot, app, main):
        await pick(pilot, app, "Ada Huge")
        card = card_text(main)
        assert "start of the note" in card and "END-OF-NOTE" not in card
        assert "more characters (v shows all)" in card
        assert "tag-99999" not in card and "tag-0" in card
        assert len(card) < 4 * PREVIEW_CHARS + 2000
        timeline = str(main.detail.query_one("#timeline").content)
        assert "… 47 more letters" in timeline and len(timeline) < 8 * PREVIEW_CHARS

    drive(store, scenario)


def test_v_shows_the_whole_text_and_ctrl_e_hands_it_to_the_editor(store, frozen_today):
    huge(store)
    editor = FakeEditor("ignored")

    async def scenario(pilot, app, main):
        await pick(pilot, app, "Ada Huge")
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, TextViewScreen))
        view = app.screen.query_one(LongText)
        assert "END-OF-NOTE" in view.text and "tag-99999" in view.text
        assert "letter 49" in view.text
        await until(pilot, lambda: view.line_count > 40_000)
        await pilot.press("end")
        await until(
            pilot, lambda: "tag-99999" in screen_text(app) or "letter 49" in screen_text(app)
        )
        await pilot.press("ctrl+e")
        assert editor.given == [view.text]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main)
        assert store.get(main.selected_id).notes == NOTE  # viewing changed nothing

    drive(store, scenario, editor=editor)


def test_long_lines_are_cut_to_the_width_and_nothing_is_lost():
    text = "ab\n" + "c" * 25 + "\n\nd"
    lines = wrap_lines(text, 10)
    assert lines == ["ab", "c" * 10, "c" * 10, "c" * 5, "", "d"]
    assert "".join(lines) == text.replace("\n", "")


def test_user_text_in_the_view_is_literal(store, frozen_today):
    store.add_contact(Contact(name="[b]Bold[/b] \x1b[31m", met_on=DAY, notes="[/] \x07 [red"))

    async def scenario(pilot, app, main):
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, TextViewScreen))
        shown = screen_text(app)
        assert "[b]Bold[/b]" in shown and "[/] \\x07 [red" in shown and "\x1b" not in shown

    drive(store, scenario)


def gone_and_kept(store: Store) -> tuple[Contact, Contact]:
    gone = store.add_contact(Contact(name="Ann Gone", met_on=DAY))
    return gone, store.add_contact(Contact(name="Ann Kept", met_on=DAY))


def merged_elsewhere(db_path, keep: Contact, drop: Contact) -> None:
    with Store.open(db_path, settings=Settings()) as other:
        other.merge(keep.id, drop.id)


@pytest.mark.parametrize(("key", "form"), [("e", EditScreen), ("l", LogScreen)])
def test_saving_a_form_for_a_contact_merged_away_elsewhere_says_so(
    db_path, store, frozen_today, key, form
):
    gone, kept = gone_and_kept(store)

    async def scenario(pilot, app, main):
        await pick(pilot, app, "Ann Gone")
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, form))
        await pilot.press(*"typed meanwhile")
        merged_elsewhere(db_path, kept, gone)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "is gone" in screen_text(app))
        assert isinstance(app.screen, form)  # what was typed is still there to copy
        assert any("merged it into someone else" in n.message for n in app._notifications)

    drive(store, scenario, toasts=True)
    with Store.open(db_path, settings=Settings()) as fresh:
        fresh.load_conversations()
        assert [c.name for c in fresh.contacts()] == ["Ann Kept"]
        assert fresh.all_conversations() == []


def test_snoozing_a_contact_merged_away_is_a_notice(db_path, store, frozen_today):
    gone, kept = gone_and_kept(store)

    async def scenario(pilot, app, main):
        await pick(pilot, app, "Ann Gone")
        merged_elsewhere(db_path, kept, gone)
        await pilot.press("z", "3")
        await until(pilot, lambda: any("is gone" in n.message for n in app._notifications))

    drive(store, scenario, toasts=True)


def test_an_edit_form_date_out_of_range_is_an_error_in_the_form(store, frozen_today):
    ann = store.add_contact(Contact(name="Ann Date", met_on=DAY))

    async def scenario(pilot, app, main):
        await pick(pilot, app, "Ann Date")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditScreen))
        app.screen.query_one("#met_on").value = "9999-12-31"
        await pilot.press("ctrl+s")
        error = app.screen.query_one("#form-error")
        await until(pilot, lambda: "9999-12-31 is out of range" in str(error.content))
        assert isinstance(app.screen, EditScreen)

    drive(store, scenario)
    assert store.get(ann.id).met_on == DAY
