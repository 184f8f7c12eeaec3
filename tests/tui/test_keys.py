"""Every row of the key table, pressed for real: the database and the screen both change."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import timedelta

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from netui.core.errors import StorageError
from netui.core.model import Channel, Contact, Stage
from netui.tui.screens.capture import CaptureScreen
from netui.tui.screens.confirm import ConfirmScreen
from netui.tui.screens.help import HelpScreen
from netui.tui.screens.log import LogScreen
from netui.tui.screens.main import MainScreen
from netui.tui.screens.snooze import SnoozeScreen
from netui.tui.screens.thank_you import ThankYouScreen
from tests.conftest import TODAY
from tests.tui.conftest import (
    FakeEditor,
    by_name,
    card_text,
    drive,
    notice_shown,
    notices,
    pane_text,
    pick,
    press,
    screen_text,
    settle,
    status_text,
    wait_until,
)


def test_n_name_enter_is_the_whole_capture(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await press(pilot, "n")
        assert isinstance(app.screen, CaptureScreen)
        await press(pilot, *"Dana Kim", "enter")
        assert app.screen is main
        dana = by_name(demo_store, "Dana Kim")
        assert (dana.stage, dana.met_on) == (Stage.MET, TODAY)
        assert main.selected_id == dana.id
        assert "Dana Kim" in screen_text(app)

    drive(demo_store, scenario)


def test_capture_fields_and_a_first_note(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await press(pilot, "n", *"Dana Kim", "tab", *"Acme", "tab", *"Expo", "tab")
        await press(pilot, *"pricing", "tab", *"her dog Rex", "enter")
        dana = by_name(demo_store, "Dana Kim")
        assert (dana.company, dana.met_at, dana.mention) == ("Acme", "Expo", "her dog Rex")
        (note,) = demo_store.conversations_of(dana.id)
        assert (note.note, note.on) == ("pricing", TODAY)

    drive(demo_store, scenario)


def test_ctrl_n_saves_and_opens_a_fresh_form_with_the_same_event(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await press(pilot, "n", *"Ann One", "tab", "tab", *"Gala", "ctrl+n")
        assert isinstance(app.screen, CaptureScreen)
        assert app.screen.values()["met_at"] == "Gala"
        assert app.screen.values()["name"] == ""
        await press(pilot, *"Ben Two", "enter")
        assert app.screen is main
        assert by_name(demo_store, "Ann One").met_at == "Gala"
        assert by_name(demo_store, "Ben Two").met_at == "Gala"

    drive(demo_store, scenario)


def test_capture_without_a_name_says_so_and_stays_open(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        before = len(demo_store.contacts_by_id)
        await press(pilot, "n", "tab", *"Acme", "enter")
        assert isinstance(app.screen, CaptureScreen)
        assert "needs a name" in screen_text(app)
        assert len(demo_store.contacts_by_id) == before

    drive(demo_store, scenario)


def test_escape_asks_before_discarding_typed_text(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        before = len(demo_store.contacts_by_id)
        await press(pilot, "n", "escape")
        assert app.screen is main  # nothing typed: no question
        await press(pilot, "n", *"Half typed", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert isinstance(app.screen, CaptureScreen)  # "no": back to the form
        await press(pilot, "escape", "y")
        assert app.screen is main
        assert len(demo_store.contacts_by_id) == before

    drive(demo_store, scenario)


def test_l_logs_every_diary_field(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await pick(pilot, "Priya")
        await press(pilot, "l")
        assert isinstance(app.screen, LogScreen)
        await press(pilot, *"Budget for Q3", "enter", *"second line")
        await press(pilot, "tab", *"Read Dune", "tab", *"tired", "tab", *"sent intro")
        await press(pilot, "ctrl+s")
        assert app.screen is main
        priya = by_name(demo_store, "Priya Raman")
        newest = demo_store.conversations_of(priya.id)[0]
        assert newest.note == "Budget for Q3\nsecond line"
        assert (newest.recommended, newest.observations, newest.did) == (
            "Read Dune",
            "tired",
            "sent intro",
        )
        assert (newest.on, newest.channel) == (TODAY, Channel.IN_PERSON)
        assert priya.last_contact_on == TODAY
        assert "Budget for Q3" in screen_text(app)

    drive(demo_store, scenario)


def test_log_form_rejects_a_bad_date_in_place(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await pick(pilot, "Priya")
        await press(pilot, "l", *"hello", "tab", "tab", "tab", "shift+tab", "shift+tab")
        date_field = app.screen.query_one("#on")
        date_field.value = "someday"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LogScreen)
        assert "invalid date" in screen_text(app)

    drive(demo_store, scenario)


def test_ctrl_e_hands_the_note_to_the_editor(demo_store, frozen_today):
    editor = FakeEditor("Written in vim\nwith two lines")

    async def scenario(pilot, app, main):
        await pick(pilot, "Priya")
        await press(pilot, "l", *"draft", "ctrl+e")
        assert editor.given == ["draft"]
        await press(pilot, "ctrl+s")
        newest = demo_store.conversations_of(by_name(demo_store, "Priya Raman").id)[0]
        assert newest.note == "Written in vim\nwith two lines"

    drive(demo_store, scenario, editor=editor)


@pytest.mark.parametrize(
    ("keys", "stage"),
    [(["t"], Stage.THANKED), (["c", "escape"], Stage.CALLED), (["o", "escape"], Stage.COFFEE)],
)
def test_stage_keys_move_at_once_dated_today(demo_store, frozen_today, keys, stage):
    """t, and c/o with their log form closed (the step alone)."""

    async def scenario(pilot, app, main):
        await pick(pilot, "José")
        await press(pilot, *keys)
        jose = by_name(demo_store, "José Álvarez")
        assert jose.stage is stage
        assert jose.reached_on(stage) == TODAY
        await notice_shown(pilot, f"José Álvarez: {stage.label} today")
        assert "u to undo" in status_text(app)
        row = main.contacts.table.rows[main.contacts.table.cursor]
        assert row.contact.stage is stage  # the list shows it
        assert f"{stage.label} {TODAY.day} Nov ✓" in card_text(main)  # and the card
        assert isinstance(app.screen, ThankYouScreen) is (stage is Stage.THANKED)

    drive(demo_store, scenario)


def test_brackets_step_through_the_ladder(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await pick(pilot, "José")
        await press(pilot, "right_square_bracket", "right_square_bracket")
        assert by_name(demo_store, "José Álvarez").stage is Stage.CALLED
        await press(pilot, "left_square_bracket")
        assert by_name(demo_store, "José Álvarez").stage is Stage.THANKED
        await press(pilot, "left_square_bracket", "left_square_bracket")
        assert by_name(demo_store, "José Álvarez").stage is Stage.MET
        assert any("first stage" in n for n in notices(app))

    drive(demo_store, scenario)


def test_z_snoozes_three_days_or_to_a_typed_date(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await pick(pilot, "José")
        await press(pilot, "z")
        assert isinstance(app.screen, SnoozeScreen)
        await press(pilot, "3")
        assert by_name(demo_store, "José Álvarez").follow_up_on == TODAY + timedelta(days=3)
        await press(pilot, "z", "d", *"2026-12-25", "enter")
        assert by_name(demo_store, "José Álvarez").follow_up_on.isoformat() == "2026-12-25"
        assert "(snoozed)" in card_text(main)

    drive(demo_store, scenario)


def test_e_edits_fields_and_stage_dates(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await pick(pilot, "Priya")
        await press(pilot, "e")
        app.screen.query_one("#company").value = "Northwind Clinics"
        app.screen.query_one("#stage-called").value = "2026-11-20"
        await press(pilot, "ctrl+s")
        assert app.screen is main
        priya = by_name(demo_store, "Priya Raman")
        assert priya.company == "Northwind Clinics"
        assert priya.reached_on(Stage.CALLED).isoformat() == "2026-11-20"
        assert "Northwind Clinics" in screen_text(app)

    drive(demo_store, scenario)


def test_e_edits_the_web_pages_the_card_shows(demo_store, frozen_today):
    priya = by_name(demo_store, "Priya Raman")
    demo_store.update_contact(priya.id, urls=["https://priya.example/about"])

    async def scenario(pilot, app, main):
        await pick(pilot, "Priya")
        await press(pilot, "e")
        pages = app.screen.query_one("#urls")
        assert pages.value == "https://priya.example/about"
        pages.value += ", https://maps.example/@52.37,4.89 https://clinic.example/team,"
        await press(pilot, "ctrl+s")
        assert app.screen is main
        assert by_name(demo_store, "Priya Raman").urls == [
            "https://priya.example/about",
            "https://maps.example/@52.37,4.89",
            "https://clinic.example/team",
        ]
        assert "https://maps.example/@52.37,4.89" in card_text(main)
        await press(pilot, "e")
        app.screen.query_one("#urls").value = ""
        await press(pilot, "ctrl+s")
        assert by_name(demo_store, "Priya Raman").urls == []

    drive(demo_store, scenario, size=(120, 40))


def test_x_archives_and_brings_back(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await pick(pilot, "Mateo")
        await press(pilot, "x")
        mateo = by_name(demo_store, "Mateo Rossi")
        assert mateo.archived
        assert mateo.id not in {r.contact.id for r in main.contacts.table.rows}
        assert mateo.id not in {i.contact.id for i in main.queue.table.rows}
        await press(pilot, "escape", "a")  # show archived ones, then bring him back
        await press(pilot, "f", *"Mateo", "enter", "x")
        assert not by_name(demo_store, "Mateo Rossi").archived

    drive(demo_store, scenario)


def test_u_undoes_several_levels(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await pick(pilot, "José")
        await press(pilot, "t", "escape", "c", "escape")  # close the draft, then the log form
        assert by_name(demo_store, "José Álvarez").stage is Stage.CALLED
        await press(pilot, "u")
        assert by_name(demo_store, "José Álvarez").stage is Stage.THANKED
        await press(pilot, "u")
        assert by_name(demo_store, "José Álvarez").stage is Stage.MET
        assert main.contacts.table.rows[main.contacts.table.cursor].contact.stage is Stage.MET
        await press(pilot, "u")  # the sample data itself is not undoable
        assert by_name(demo_store, "José Álvarez").stage is Stage.MET
        assert "cannot be undone" in notices(app)[-1]

    drive(demo_store, scenario)


@pytest.mark.parametrize("key", ["slash", "r", "M"])
def test_search_and_review_keys_open_their_screen_or_say_why_not(demo_store, frozen_today, key):
    async def scenario(pilot, app, main):
        await press(pilot, key)
        opened = app.screen is not main
        assert opened or any("not available" in n for n in notices(app))

    drive(demo_store, scenario)


def test_tab_moves_between_panes_and_j_k_move_the_cursor(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        contacts, queue = main.contacts.table, main.queue.table
        assert app.focused is contacts
        await press(pilot, "j", "j", "down")
        assert contacts.cursor == 3
        await press(pilot, "k")
        assert contacts.cursor == 2
        assert main.selected_id == contacts.current_key
        await press(pilot, "tab")
        assert app.focused is queue
        assert main.selected_id == queue.rows[queue.cursor].contact.id  # detail follows
        await press(pilot, "tab")
        assert app.focused is main.detail
        await press(pilot, "shift+tab", "shift+tab")
        assert app.focused is contacts

    drive(demo_store, scenario)


def test_enter_in_the_queue_selects_the_contact_everywhere(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await press(pilot, "tab", "j", "enter")
        chosen = main.queue.table.rows[1].contact
        assert main.selected_id == chosen.id
        assert main.contacts.current_id == chosen.id
        assert chosen.name in screen_text(app)

    drive(demo_store, scenario)


def test_question_mark_lists_every_key(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for phrase in (
            "Quick capture",
            "Mark thanked",
            "Snooze",
            "Undo",
            "Merge the selected contact with a duplicate",
        ):
            assert phrase in text
        await press(pilot, "end")  # the help scrolls: the last keys are below
        text = screen_text(app)
        assert "In a form" in text and "Open the diary entry" in text
        await press(pilot, "escape")
        assert app.screen is main

    drive(demo_store, scenario)


def in_palette(app, text: str) -> bool:
    """The command palette is open and lists `text`."""
    return isinstance(app.screen, CommandPalette) and text in screen_text(app)


def test_ctrl_p_jumps_to_a_contact_by_name(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await press(pilot, "ctrl+p", *"kwame")
        await wait_until(pilot, lambda: in_palette(app, "Kwame Mensah"), "the palette's hit")
        await press(pilot, "enter")
        assert app.screen is main
        assert main.selected_id == by_name(demo_store, "Kwame Mensah").id
        assert main.contacts.current_id == main.selected_id

    drive(demo_store, scenario)


def test_ctrl_p_lists_merge(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await press(pilot, "ctrl+p", *"merge")
        merge = "Merge the selected contact with a duplicate"
        await wait_until(pilot, lambda: in_palette(app, merge), "the palette's hit")

    drive(demo_store, scenario)


def test_ctrl_p_runs_an_action_by_name(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await press(pilot, "ctrl+p", *"quick capture")
        await wait_until(pilot, lambda: in_palette(app, "Quick capture"), "the palette's hit")
        await press(pilot, "enter")
        assert isinstance(app.screen, CaptureScreen)

    drive(demo_store, scenario)


def test_q_quits(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await press(pilot, "q")
        assert not app.is_running

    drive(demo_store, scenario)


def test_typing_filters_accent_blind_and_s_sorts(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await press(pilot, "f", *"zoe")
        names = [r.contact.name for r in main.contacts.table.rows]
        assert names == ["Zoë Müller"]
        await press(pilot, "escape")
        assert len(main.contacts.table.rows) == 27
        await press(pilot, "s")
        rows = main.contacts.table.rows
        dues = [r.next.due for r in rows if r.next]  # the unsorted have none: last
        assert dues == sorted(dues)
        assert "sorted by due" in screen_text(app)

    drive(demo_store, scenario)


def test_the_detail_follows_the_filter_as_you_type(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        first = main.contacts.table.rows[0].contact.name
        assert first in card_text(main)
        await press(pilot, "f", *"zoe")  # focus stays in the filter box
        await wait_until(pilot, lambda: "Zoë Müller" in card_text(main), "the match's card")
        assert first not in card_text(main)
        await press(pilot, "escape")  # the filter cleared: the cursor stays on the match
        assert main.contacts.current_id == by_name(demo_store, "Zoë Müller").id
        assert "Zoë Müller" in card_text(main)

    drive(demo_store, scenario)


def test_a_filter_matching_nobody_shows_no_card_and_keys_act_on_nobody(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        first = main.contacts.table.rows[0].contact
        before = {c.id: c.stage for c in demo_store.contacts_by_id.values()}
        await press(pilot, "f", *"zzzq", "enter")  # nobody; enter goes to the (empty) list
        assert main.contacts.table.rows == []
        assert "No contact matches the filter" in pane_text(app, main.contacts)
        await wait_until(pilot, lambda: first.name not in card_text(main), "the card gone")
        await press(pilot, "right_square_bracket", "t")
        assert {c.id: c.stage for c in demo_store.contacts_by_id.values()} == before
        assert any("No contact matches the filter" in n for n in notices(app))

    drive(demo_store, scenario)


def test_a_list_of_only_archived_contacts_says_how_to_show_them(store, frozen_today):
    store.add_contact(Contact("Dud Dudley", archived=True))

    async def scenario(pilot, app, main):
        assert "Every contact is archived: a shows them." in pane_text(app, main.contacts)
        await press(pilot, "a")
        assert [r.contact.name for r in main.contacts.table.rows] == ["Dud Dudley"]

    drive(store, scenario)


def test_an_empty_database_opens_on_the_welcome(store, frozen_today):
    async def scenario(pilot, app, main):
        text = screen_text(app)
        assert "Welcome to netui" in text
        assert "press n" in text.lower()
        await press(pilot, "t")  # nothing selected: a hint, no crash
        assert any("press n" in n for n in notices(app))

    drive(store, scenario)


def test_a_failed_write_is_a_notice_and_the_app_goes_on(demo_store, frozen_today, monkeypatch):
    def disk_full(*args, **kwargs):
        raise StorageError("cannot write: No space left on device")

    async def scenario(pilot, app, main):
        monkeypatch.setattr(demo_store, "set_stage", disk_full)
        await pick(pilot, "José")
        await press(pilot, "t")
        assert any("No space left" in n for n in notices(app))
        assert isinstance(app.screen, MainScreen)
        assert by_name(demo_store, "José Álvarez").stage is Stage.MET
        await press(pilot, "z", "1")  # still usable
        assert by_name(demo_store, "José Álvarez").follow_up_on == TODAY + timedelta(days=1)

    drive(demo_store, scenario)


def test_keys_typed_faster_than_the_screen_act_on_the_row_under_the_cursor(
    demo_store, frozen_today
):
    async def scenario(pilot, app, main):
        await pilot.press("j", "j", "t")  # no pause: the highlight messages are still queued
        await settle(pilot)
        third = sorted(
            (c for c in demo_store.contacts_by_id.values() if not c.archived),
            key=lambda c: main.followups.rows[c.id].name_key,
        )[2]
        assert demo_store.get(third.id).stage is Stage.THANKED
        assert main.contacts.current_id == third.id

    drive(demo_store, scenario)


def test_capture_says_whom_the_name_looks_like_and_ctrl_o_opens_them(demo_store, frozen_today):
    known = demo_store.add_contact(Contact(name="Daniel Hervás", company="Reckon Digital"))

    async def scenario(pilot, app, main):
        before = len(demo_store.contacts_by_id)
        await press(pilot, "n", *"daniel herva")
        assert "Looks like" not in screen_text(app)
        await press(pilot, "s")
        assert "Looks like Daniel Hervás (Reckon Digital)" in screen_text(app)
        await press(pilot, "ctrl+o")
        assert app.screen is main
        assert main.selected_id == known.id
        assert len(demo_store.contacts_by_id) == before

    drive(demo_store, scenario)


def test_capture_adds_a_lookalike_anyway_on_enter(demo_store, frozen_today):
    demo_store.add_contact(Contact(name="Daniel Hervás", company="Reckon Digital"))

    async def scenario(pilot, app, main):
        await press(pilot, "n", *"Daniel Hervas", "enter")
        assert app.screen is main
        names = [c.name for c in demo_store.contacts_by_id.values()]
        assert {"Daniel Hervás", "Daniel Hervas"} <= set(names)

    drive(demo_store, scenario)


def test_every_screen_binding_has_a_tooltip_and_an_id():
    """The standard: footer, help and palette read them; a keymap remaps by id."""
    import netui.tui.screens as screens

    bare = []
    for info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"{screens.__name__}.{info.name}")
        for name, cls in vars(module).items():
            if not (isinstance(cls, type) and issubclass(cls, Screen)):
                continue
            if cls.__module__ != module.__name__:
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                if not (isinstance(binding, Binding) and binding.tooltip and binding.id):
                    bare.append(f"{name}: {binding}")
    assert bare == []
