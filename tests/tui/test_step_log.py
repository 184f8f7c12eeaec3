"""A step done is a conversation captured: c / o and the review's d open the log form.

Each path is driven with real keys: saved (step and conversation land as one undo), escaped
(the step alone, said in a notice), a referral made from the form, and the setting off.
"""

from __future__ import annotations

from datetime import timedelta

from netui.core.config import Settings
from netui.core.db.store import Store
from netui.core.model import Channel, Conversation, Stage
from netui.tui.screens.referral import ReferralScreen
from netui.tui.screens.review import ReviewScreen
from netui.tui.screens.step_log import StepLogScreen
from tests.conftest import TODAY
from tests.tui.conftest import (
    PLAN,
    by_name,
    current,
    drive,
    fill,
    notice_shown,
    pick,
    press,
    review,
    screen_text,
)


def test_d_on_a_call_saves_the_step_and_what_was_said_as_one_undo(store, frozen_today):
    day = fill(store)

    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "s", "d")  # skip Ann; Bo: the call
        assert isinstance(app.screen, StepLogScreen)
        assert "Mark called · what did you and Bo Chen talk about?" in screen_text(app)
        assert by_name(day, "Bo Chen").stage is Stage.THANKED  # nothing written yet
        await press(pilot, *"Runs a logistics firm; hiring")
        await press(pilot, "tab", *"Read 'The Goal'", "tab", *"sharp", "tab", *"ordered it")
        await press(pilot, "tab", *"customs broker, a warehouse", "tab", *"freight advice")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ReviewScreen) and current(app) == PLAN[2]
        bo = by_name(day, "Bo Chen")
        assert bo.stage is Stage.CALLED and bo.reached_on(Stage.CALLED) == TODAY
        assert (bo.needs, bo.offers) == (["customs broker", "a warehouse"], ["freight advice"])
        (call,) = day.conversations_of(bo.id)
        assert (call.channel, call.on, call.note) == (
            Channel.CALL,
            TODAY,
            "Runs a logistics firm; hiring",
        )
        assert (call.recommended, call.observations, call.did) == (
            "Read 'The Goal'",
            "sharp",
            "ordered it",
        )
        await notice_shown(pilot, "Bo Chen: mark called with notes")  # the review's line
        await press(pilot, "escape")  # leave the review
        assert app.screen is main
        await notice_shown(pilot, "1 with notes, 0 without")
        await press(pilot, "u")  # one undo takes both back
        bo = by_name(day, "Bo Chen")
        assert bo.stage is Stage.THANKED and day.conversations_of(bo.id) == []
        assert bo.needs == [] and bo.offers == []

    drive(day, scenario)


def test_escape_on_the_form_keeps_the_step_alone_and_says_so(store, frozen_today):
    day = fill(store)

    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "s", "d", "escape")
        assert isinstance(app.screen, ReviewScreen) and current(app) == PLAN[2]
        bo = by_name(day, "Bo Chen")
        assert bo.stage is Stage.CALLED and day.conversations_of(bo.id) == []
        await notice_shown(pilot, "mark called (nothing logged)")
        await press(pilot, "escape")
        await notice_shown(pilot, "0 with notes, 1 without")

    drive(day, scenario)


def test_keep_in_touch_starts_on_the_last_channel_used(store, frozen_today):
    day = fill(store)
    cy = by_name(day, "Cy Diaz")
    day.log(Conversation(cy.id, TODAY - timedelta(days=31), channel=Channel.MESSAGE, note="hi"))

    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "s", "s", "d")  # Cy: keep in touch
        assert isinstance(app.screen, StepLogScreen)
        await press(pilot, *"Caught up on the book", "ctrl+s")
        newest = day.conversations_of(cy.id)[0]
        assert (newest.channel, newest.note, newest.on) == (
            Channel.MESSAGE,
            "Caught up on the book",
            TODAY,
        )
        cy_now = by_name(day, "Cy Diaz")
        assert cy_now.stage is Stage.COFFEE and cy_now.last_contact_on == TODAY
        assert current(app) == PLAN[3]

    drive(day, scenario)


def test_ctrl_r_turns_the_recommended_person_into_a_referral(store, frozen_today):
    day = fill(store)

    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "s", "d", *"Talked shipping", "tab", *"Gus Hale", "ctrl+r")
        assert isinstance(app.screen, ReferralScreen)
        assert "Gus Hale" in screen_text(app)  # the name comes from "recommended"
        await press(pilot, "tab", *"Acme", "enter")
        assert isinstance(app.screen, StepLogScreen)  # back in the log form
        await press(pilot, "ctrl+s")
        bo = by_name(day, "Bo Chen")
        (referral,) = day.referrals_of(bo.id)
        gus = by_name(day, "Gus Hale")
        assert (referral.referred_id, gus.company, gus.referred_by) == (gus.id, "Acme", bo.id)
        assert bo.stage is Stage.CALLED
        assert day.conversations_of(bo.id)[0].recommended == "Gus Hale"

    drive(day, scenario)


def test_c_and_o_on_the_main_screen_open_the_form_preset_to_call_and_coffee(
    demo_store, frozen_today
):
    async def scenario(pilot, app, main):
        await pick(pilot, "José")
        await press(pilot, "c")
        assert isinstance(app.screen, StepLogScreen)
        await press(pilot, *"He imports olive oil", "ctrl+s")
        assert app.screen is main
        jose = by_name(demo_store, "José Álvarez")
        assert jose.stage is Stage.CALLED
        assert demo_store.conversations_of(jose.id)[0].channel is Channel.CALL
        assert "He imports olive oil" in screen_text(app)  # the detail shows the new entry
        await press(pilot, "o", *"Lunch at the harbour", "ctrl+s")
        jose = by_name(demo_store, "José Álvarez")
        assert jose.stage is Stage.COFFEE
        said = {(c.channel, c.note) for c in demo_store.conversations_of(jose.id)}
        assert (Channel.COFFEE, "Lunch at the harbour") in said
        assert demo_store.undo_description == "José Álvarez: met for coffee, with notes"

    drive(demo_store, scenario)


def test_with_log_on_step_off_c_is_a_bare_step(db_path, frozen_today):
    with Store.open(db_path, settings=Settings(log_on_step=False)) as plain:
        fill(plain)

        async def scenario(pilot, app, main):
            await pick(pilot, "Bo Chen")
            await press(pilot, "c")
            assert app.screen is main
            bo = by_name(plain, "Bo Chen")
            assert bo.stage is Stage.CALLED and plain.conversations_of(bo.id) == []

        drive(plain, scenario)
