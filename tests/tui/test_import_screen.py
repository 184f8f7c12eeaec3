"""The import screen (`I`): a path, a preview of what would change, ctrl+s, and bad files."""

from __future__ import annotations

from pathlib import Path

from netui.core.db import store as store_module
from netui.core.db.store import Store
from netui.core.model import Contact
from netui.tui.screens.import_ import ImportScreen, PreviewTable
from tests.tui.conftest import by_name, drive, press, screen_text

FIXTURES = Path(__file__).parent.parent / "fixtures"


def names(store: Store) -> set[str]:
    return {c.name for c in store.contacts_by_id.values()}


async def open_import(pilot, app) -> ImportScreen:
    await press(pilot, "I")
    assert isinstance(app.screen, ImportScreen)
    return app.screen


async def preview(pilot, app, path: Path | str, *more_keys: str) -> None:
    """Type the path (and whatever else), enter, and wait for the reading thread."""
    await press(pilot, *str(path), *more_keys, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def confirm(pilot, app) -> None:
    await press(pilot, "ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()


def status(screen: ImportScreen) -> str:
    """The status line's text, whole (on screen a long path wraps it)."""
    return str(screen.query_one("#import-status").content)


def row_shown(screen: ImportScreen) -> str:
    return str(screen.query_one("#import-row").content)


def grace_at_the_navy(store: Store) -> Contact:
    return store.add_contact(Contact("Grace Hopper", emails=["grace@navy.example"]))


def test_preview_then_ctrl_s_imports_and_u_undoes_it(store, frozen_today):
    grace = grace_at_the_navy(store)

    async def scenario(pilot, app, main):
        await press(pilot, "ctrl+p", *"import contacts")  # the palette's way in
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        await preview(pilot, app, FIXTURES / "google_contacts.csv")
        text = screen_text(app)
        assert "Preview (csv): 1 added, 1 merged, 0 skipped, 0 errors" in text
        rows = screen.query_one(PreviewTable).rows
        assert [(r.action, r.where, r.name) for r in rows] == [
            ("merge", "line 2", "Grace Hopper"),
            ("add", "line 3", "Alan Turing"),
        ]
        assert "adds email grace@home.example" in row_shown(screen)  # the reason, in full
        assert names(store) == {"Grace Hopper"}  # a preview writes nothing

        await confirm(pilot, app)
        assert names(store) == {"Grace Hopper", "Alan Turing"}
        assert store.get(grace.id).emails == ["grace@navy.example", "grace@home.example"]
        assert "Imported google_contacts.csv: 1 added, 1 merged" in screen_text(app)

        await press(pilot, "escape")
        assert app.screen is main and "Alan Turing" in screen_text(app)
        await press(pilot, "u")
        assert names(store) == {"Grace Hopper"}
        assert store.get(grace.id).emails == ["grace@navy.example"]
        assert "Alan Turing" not in screen_text(app)

    drive(store, scenario)


def test_format_and_tag_fields(store, frozen_today):
    async def scenario(pilot, app, main):
        screen = await open_import(pilot, app)
        await press(pilot, *str(FIXTURES / "linkedin_connections.csv"), "tab")
        await press(pilot, "enter", "down", "down", "down", "enter")  # the LinkedIn choice
        assert screen.fields()[1] == "linkedin"
        await preview(pilot, app, "", "tab", *"conference")
        assert "Preview (linkedin): 3 added" in screen_text(app)
        await confirm(pilot, app)
        priya = by_name(store, "Priya Raman")
        assert "conference" in priya.tags and priya.company == "Acme, Inc."

    drive(store, scenario)


def test_importing_the_same_file_again_changes_nothing(store, frozen_today):
    async def scenario(pilot, app, main):
        await open_import(pilot, app)
        await preview(pilot, app, FIXTURES / "vcf_folder")
        await confirm(pilot, app)
        assert names(store) == {"Ann Lee", "Bob Stone", "Cara Diaz"}
        version = store.version
        await press(pilot, "enter")  # preview the same folder again
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "Nothing new to import (0 added, 0 merged, 3 skipped, 0 errors)" in text
        await confirm(pilot, app)
        assert store.version == version

    drive(store, scenario)


def test_a_file_with_nothing_usable_is_shown_with_its_card_numbers_and_not_imported(
    store, frozen_today
):
    async def scenario(pilot, app, main):
        screen = await open_import(pilot, app)
        await preview(pilot, app, FIXTURES / "quirks" / "nothing_usable.vcf")
        text = screen_text(app)
        assert "Nothing can be imported: 0 added, 0 merged, 0 skipped, 3 errors" in text
        assert "card 1 (line 1): skipped: no name, company, email or phone" in text
        assert {r.action for r in screen.query_one(PreviewTable).rows} == {"error"}
        await confirm(pilot, app)
        assert names(store) == set() and app.screen is screen

    drive(store, scenario)


def test_a_mended_card_is_shown_and_the_rest_imported(store, frozen_today):
    async def scenario(pilot, app, main):
        screen = await open_import(pilot, app)
        await preview(pilot, app, FIXTURES / "broken.vcf")
        assert "2 added, 0 merged, 0 skipped, 0 errors, 1 mended" in screen_text(app)
        rows = screen.query_one(PreviewTable).rows
        assert [r.action for r in rows] == ["add", "add", "mended"]
        await confirm(pilot, app)
        assert names(store) == {"Good Card", "Bad Card"}

    drive(store, scenario)


def test_a_missing_file_an_unknown_format_or_no_path_is_one_line(store, frozen_today, tmp_path):
    mystery = tmp_path / "mystery.txt"
    mystery.write_text("just some words\n")

    async def scenario(pilot, app, main):
        screen = await open_import(pilot, app)
        await preview(pilot, app, "")
        assert "Type the path of a file or a folder of vCards first" in screen_text(app)
        await preview(pilot, app, tmp_path / "nowhere.vcf")
        assert status(screen).startswith("Could not read it: cannot read")
        assert status(screen).endswith("nowhere.vcf: No such file or directory")
        assert "Could not read it" in screen_text(app)
        await press(pilot, "ctrl+u")
        await preview(pilot, app, mystery)
        assert status(screen).startswith(
            "Could not read it: cannot tell what format mystery.txt is in"
        )
        await confirm(pilot, app)
        assert app.screen is screen and names(store) == set()

    drive(store, scenario)


def test_ctrl_s_needs_a_preview_of_what_the_fields_say_now(store, frozen_today):
    async def scenario(pilot, app, main):
        await open_import(pilot, app)
        await press(pilot, "ctrl+s")
        assert names(store) == set()
        await preview(pilot, app, FIXTURES / "google_contacts.csv")
        await press(pilot, "backspace")
        assert "Changed since the preview: enter to preview again" in screen_text(app)
        await confirm(pilot, app)
        assert names(store) == set()

    drive(store, scenario)


def test_a_change_made_meanwhile_makes_the_preview_stale(store, frozen_today):
    grace = grace_at_the_navy(store)

    async def scenario(pilot, app, main):
        await open_import(pilot, app)
        await preview(pilot, app, FIXTURES / "google_contacts.csv")
        store.update_contact(grace.id, title="Commodore")
        await confirm(pilot, app)
        assert "Nothing imported: the database changed since the import was planned" in (
            screen_text(app)
        )
        assert names(store) == {"Grace Hopper"}

    drive(store, scenario)


def test_a_big_vcard_file_shows_its_reading_progress(store, frozen_today, tmp_path):
    cards = tmp_path / "many.vcf"
    cards.write_text(
        "".join(
            f"BEGIN:VCARD\nVERSION:3.0\nFN:Person {n}\nEMAIL:p{n}@example.com\nEND:VCARD\n"
            for n in range(300)
        )
    )

    async def scenario(pilot, app, main):
        screen = await open_import(pilot, app)
        bar = screen.query_one("#import-progress")
        assert not bar.display
        await preview(pilot, app, cards)
        assert (bar.total, bar.progress) == (300, 300)
        assert "300 added" in screen_text(app)

    drive(store, scenario)


def test_a_detected_encoding_is_said_in_the_preview(store, frozen_today):
    async def scenario(pilot, app, main):
        await open_import(pilot, app)
        await preview(pilot, app, FIXTURES / "quirks" / "shift_jis.csv")
        assert "Preview (csv, cp932 (detected)): 2 added" in screen_text(app)
        await confirm(pilot, app)
        assert names(store) == {"太郎 山田", "花子 佐藤"}

    drive(store, scenario)


def test_an_import_too_large_for_the_undo_log_says_so_instead_of_u(
    store, frozen_today, monkeypatch
):
    monkeypatch.setattr(store_module, "UNDO_ENTRY_BYTES", 200)

    async def scenario(pilot, app, main):
        screen = await open_import(pilot, app)
        await preview(pilot, app, FIXTURES / "google_contacts.csv")
        await confirm(pilot, app)
        assert "not undoable: it changed 2 records" in status(screen)
        assert "u on the main screen undoes it" not in status(screen)
        assert names(store) == {"Grace Hopper", "Alan Turing"}

    drive(store, scenario)
