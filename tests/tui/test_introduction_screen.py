"""`i`: pick the other person by typing, read the ask, mark both agreed, send the introduction."""

from __future__ import annotations

from netui.core.model import Contact, IntroStatus
from netui.tui.screens.introduction import IntroductionScreen
from tests.tui.conftest import drive, notices, pick, press, screen_text


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
        assert any("asked — u undoes it" in n for n in notices(app))
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
