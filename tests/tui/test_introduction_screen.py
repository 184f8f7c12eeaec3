"""`i`: pick the other person by typing, read the ask, mark both agreed, send the introduction."""

from __future__ import annotations

from netui.core.model import Contact, IntroStatus
from netui.tui.editor import EditorError
from netui.tui.screens.introduction import IntroductionScreen
from tests.tui.conftest import FakeEditor, drive, notice_shown, pick, press, screen_text


def test_i_picks_by_name_then_ask_agree_and_introduce(store, frozen_today):
    dana = store.add_contact(Contact("Dana [b]Kim", company="Pine & Oak", needs=["a broker"]))
    gus = store.add_contact(Contact("Gus Hale", company="Acme", offers=["customs brokerage"]))
    store.add_contact(Contact("Gustav Berg"))

    async def scenario(pilot, app, main):
        await pick(pilot, "Dana")
        await press(pilot, "i")
        assert isinstance(app.screen, IntroductionScreen)
        await press(pilot, *"hale")
        offered = app.screen.query_one("#intro-matches")
        shown = [str(offered.get_option_at_index(i).prompt) for i in range(offered.option_count)]
        assert len(shown) == 1 and shown[0].startswith("Gus Hale")  # not Gustav Berg
        await press(pilot, "enter")
        text = screen_text(app)
        assert "Introduce Dana [b]Kim to Gus Hale" in text
        assert "Would you like me to introduce you to Gus Hale (Acme)?" in text
        await press(pilot, "c")
        assert app.clipboard.startswith("Hi Dana,")
        await press(pilot, "m")  # the ask was sent
        assert app.screen is main
        (intro,) = store.introductions()
        assert (intro.a_id, intro.b_id, intro.status) == (dana.id, gus.id, IntroStatus.ASKED)
        assert store.conversations_of(dana.id)[0].correspondence[0].startswith("Hi Dana,")
        await notice_shown(pilot, "asked — u undoes it")
        await press(pilot, "i", *"gus h", "enter", "a")  # both agreed: the introduction
        assert "Dana, meet Gus Hale (Acme)." in screen_text(app)
        await press(pilot, "m")
        assert store.introductions()[0].status is IntroStatus.INTRODUCED
        assert "you introduced them to Gus Hale" in screen_text(app)  # the card
        await press(pilot, "u")
        assert store.introductions()[0].status is IntroStatus.AGREED

    drive(store, scenario)


def test_escape_while_picking_records_nothing(store, frozen_today):
    store.add_contact(Contact("Dana Kim"))
    store.add_contact(Contact("Gus Hale"))

    async def scenario(pilot, app, main):
        await pick(pilot, "Dana")
        await press(pilot, "i", *"gus", "escape")
        assert app.screen is main and store.introductions() == []

    drive(store, scenario)


def test_e_edits_the_draft_and_m_records_the_edited_text(store, frozen_today):
    dana = store.add_contact(Contact("Dana Kim"))
    store.add_contact(Contact("Gus Hale"))
    editor = FakeEditor("Hi Dana,\nmay I [b]introduce Gus?\n")

    async def scenario(pilot, app, main):
        await pick(pilot, "Dana")
        await press(pilot, "i", *"gus", "enter")
        draft = app.screen.text
        await press(pilot, "e")
        assert editor.given == [draft]
        assert "may I [b]introduce Gus?" in screen_text(app)
        await press(pilot, "c")
        assert app.clipboard == "Hi Dana,\nmay I [b]introduce Gus?\n"
        await press(pilot, "m")
        (entry,) = store.conversations_of(dana.id)
        assert entry.correspondence[0].startswith("Hi Dana,\nmay I [b]introduce Gus?")

    drive(store, scenario, editor=editor)


class BrokenEditor:
    def __call__(self, app, text: str) -> str:
        raise EditorError("cannot run $EDITOR 'nope': no such program")


def test_an_editor_that_fails_is_one_line_under_the_draft_which_stays(store, frozen_today):
    store.add_contact(Contact("Dana Kim"))
    store.add_contact(Contact("Gus Hale"))

    async def scenario(pilot, app, main):
        await pick(pilot, "Dana")
        await press(pilot, "i", *"gus", "enter")
        draft = app.screen.text
        await press(pilot, "e")
        assert isinstance(app.screen, IntroductionScreen) and app.screen.text == draft
        assert "cannot run $EDITOR 'nope': no such program" in screen_text(app)
        assert "Would you like me to introduce you to Gus Hale?" in screen_text(app)

    drive(store, scenario, editor=BrokenEditor())
