"""Import mail (`m` / the palette) and email entries in the detail pane (`enter` opens one)."""

from __future__ import annotations

from email.message import EmailMessage

from netui.core.config import load_my_emails
from netui.core.db import store as store_module
from netui.core.model import Channel, Contact
from netui.tui.screens.import_ import PreviewTable
from netui.tui.screens.mail import MailScreen
from netui.tui.screens.text_view import TextViewScreen
from netui.tui.widgets.detail import DetailPane
from tests.tui.conftest import drive, notices, press, screen_text

ME = "me@home.example"
LETTER = "\n".join(f"Line {n} of a long letter [/]" for n in range(1, 31))


def write_eml(folder, name: str, sender: str, to: str, subject: str, message_id: str) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Date"] = "Mon, 16 Nov 2026 10:00:00 +0000"
    msg["Message-ID"] = message_id
    msg.set_content(LETTER + "\n\nOn Sunday, Grace wrote:\n> the quoted part\n")
    (folder / name).write_bytes(bytes(msg))


def test_import_mail_previews_files_shows_and_opens_the_email(store, frozen_today, tmp_path):
    grace = store.add_contact(Contact("Grace Hopper", emails=["grace@navy.example"]))
    mail = tmp_path / "saved mail"
    mail.mkdir()
    write_eml(mail, "1.eml", "Grace <grace@navy.example>", ME, "[bold]Re: COBOL[/]", "<1@x>")
    write_eml(mail, "2.txt", "Stranger <who@else.example>", ME, "Hello", "<2@x>")

    async def scenario(pilot, app, main):
        await press(pilot, "ctrl+p", *"import mail", "enter")
        screen = app.screen
        assert isinstance(screen, MailScreen)
        await press(pilot, *str(mail), "tab", *ME, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = screen.query_one(PreviewTable).rows
        assert [(r.where, r.name) for r in rows] == [("saved mail/1.eml", "Grace Hopper")]
        assert "2 messages: 1 filed (1 conversations)" in screen_text(app)
        assert store.all_conversations() == []  # a preview writes nothing

        await press(pilot, "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        [conv] = store.conversations_of(grace.id)
        assert (conv.channel, conv.direction) == (Channel.EMAIL, "received")
        assert load_my_emails() == [ME]  # asked once, kept in the config

        await press(pilot, "escape")
        assert app.screen is main
        main.select(grace.id)
        await pilot.pause()
        text = screen_text(app)
        assert "email received" in text
        assert "Subject: [bold]Re: COBOL[/]" in text
        assert "enter opens the email" in text
        assert "quoted part" not in str(main.detail.query_one("#timeline").content)

        main.detail.focus()
        await press(pilot, "enter")
        view = app.screen
        assert isinstance(view, TextViewScreen)
        shown = screen_text(app)
        assert "Line 1 of a long letter [/]" in shown and "Line 12 of a long letter" in shown
        await press(pilot, "escape")
        assert app.screen is main

        await press(pilot, "u")
        assert store.conversations_of(grace.id) == []

    drive(store, scenario, size=(100, 40))


def test_enter_with_no_diary_entry_opens_nothing(store, frozen_today):
    store.add_contact(Contact("Ada Lovelace"))

    async def scenario(pilot, app, main):
        main.query_one(DetailPane).focus()
        await press(pilot, "enter")
        assert app.screen is main

    drive(store, scenario)


def test_without_my_addresses_the_preview_says_what_to_type(store, frozen_today, tmp_path):
    write_eml(tmp_path, "1.eml", ME, "x@y.example", "Hi", "<1@x>")

    async def scenario(pilot, app, main):
        await press(pilot, "m", *str(tmp_path / "1.eml"), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "type your own addresses" in screen_text(app)
        assert store.all_conversations() == []

    drive(store, scenario)


def test_filing_too_much_to_undo_says_the_store_s_reason(
    store, frozen_today, tmp_path, monkeypatch
):
    monkeypatch.setattr(store_module, "UNDO_MAX_CHANGES", 1)
    grace = store.add_contact(Contact("Grace Hopper", emails=["grace@navy.example"]))
    ada = store.add_contact(Contact("Ada Lovelace", emails=["ada@engine.example"]))
    mail = tmp_path / "saved mail"
    mail.mkdir()
    write_eml(mail, "1.eml", "Grace <grace@navy.example>", ME, "Re: COBOL", "<1@x>")
    write_eml(mail, "2.eml", "Ada <ada@engine.example>", ME, "Notes", "<2@x>")

    async def scenario(pilot, app, main):
        await press(pilot, "ctrl+p", *"import mail", "enter")
        await press(pilot, *str(mail), "tab", *ME, "enter")
        await press(pilot, "ctrl+s")
        assert store.conversations_of(grace.id) and store.conversations_of(ada.id)
        said = [n for n in notices(app) if n.startswith("Filed:")]
        assert said and "not undoable: it changed" in said[-1]
        assert "more than the undo log keeps" in said[-1]
        assert "u on the main screen undoes it" not in said[-1]

    drive(store, scenario, size=(100, 40))
