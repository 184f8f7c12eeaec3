"""The daily review, thank-you and referral screens, driven with real keys from the main screen.

Every review key (d l z s x escape) is pressed and checked in the database and on screen;
a step done in review is undone with the main screen's `u`, exactly like the same key there.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from netui.core.config import Settings
from netui.core.db.store import Store
from netui.core.followup.referrals import record_referral
from netui.core.model import Channel, Contact, Introduce, Stage
from netui.tui.app import make_app
from netui.tui.screens.log import LogScreen
from netui.tui.screens.referral import ReferralScreen
from netui.tui.screens.review import ReviewScreen
from netui.tui.screens.snooze import SnoozeScreen
from netui.tui.screens.stats import StatsScreen
from netui.tui.screens.thank_you import ThankYouScreen
from tests.conftest import TODAY
from tests.tui.conftest import (
    PLAN,
    FakeEditor,
    by_name,
    card_text,
    current,
    drive,
    fill,
    notice_shown,
    pick,
    press,
    review,
    screen_text,
    settle,
)


@pytest.fixture
def day(store, frozen_today) -> Store:
    return fill(store)


def test_r_walks_overdue_first_then_today_one_contact_at_a_time(day):
    async def scenario(pilot, app, main):
        screen = await review(pilot, app)
        items = [(i.contact.name, i.action) for i in screen.session.items]
        assert items == PLAN
        text = screen_text(app)
        assert "1 of 6: Ann Lee" in text
        assert "Send a thank-you note · 4 days overdue" in text
        assert "d Mark thanked and draft the note" in text
        assert "Mention: her trip to Lisbon" in text  # the card
        for key in ("Do it", "Log", "Snooze", "Skip", "Dud", "Leave"):
            assert key in text  # the footer lists every review key

    drive(day, scenario)


def test_d_on_a_thank_you_marks_thanked_and_drafts_the_note_to_copy_and_send(day):
    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "d")
        ann = by_name(day, "Ann Lee")
        assert ann.stage is Stage.THANKED and ann.reached_on(Stage.THANKED) == TODAY
        assert isinstance(app.screen, ThankYouScreen)
        note = app.screen.text
        assert note.startswith("Dear Ann,") and "PyCon" in note and "her trip to Lisbon" in note
        assert "Dear Ann," in screen_text(app)
        await press(pilot, "c")
        assert app.clipboard == note
        await press(pilot, "m")
        (sent,) = day.conversations_of(ann.id)
        assert (sent.channel, sent.correspondence, sent.on) == (
            Channel.EMAIL,
            [note.strip()],
            TODAY,
        )
        assert current(app) == PLAN[1]
        assert by_name(day, "Ann Lee").stage is Stage.THANKED  # not moved twice

    drive(day, scenario)


def test_a_step_done_in_review_is_undone_by_the_main_screens_u(day):
    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "d")
        assert day.undo_description == "Ann Lee: met → thanked"  # what `t` records too
        await press(pilot, "escape", "escape")  # close the note, leave the review
        assert app.screen is main
        await press(pilot, "u")
        assert by_name(day, "Ann Lee").stage is Stage.MET
        await notice_shown(pilot, "Undone: Ann Lee: met → thanked")

    drive(day, scenario)


def test_the_note_can_be_edited_in_the_editor_and_sent_handwritten(day):
    editor = FakeEditor("Dear Ann,\nLisbon! Thanks.\n")

    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "d")
        draft = app.screen.text
        await press(pilot, "e")
        assert editor.given == [draft]
        assert "Lisbon! Thanks." in screen_text(app)
        await press(pilot, "h")
        (sent,) = day.conversations_of(by_name(day, "Ann Lee").id)
        assert sent.channel is Channel.NOTE
        assert sent.correspondence == ["Dear Ann,\nLisbon! Thanks."]

    drive(day, scenario, editor=editor)


def test_closing_the_note_keeps_the_step_and_logs_nothing(day):
    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "d", "escape")
        assert isinstance(app.screen, ReviewScreen) and current(app) == PLAN[1]
        ann = by_name(day, "Ann Lee")
        assert ann.stage is Stage.THANKED and day.conversations_of(ann.id) == []

    drive(day, scenario)


def test_a_broken_template_is_explained_in_the_note_window(db_path, frozen_today):
    with Store.open(db_path, settings=Settings(thank_you_template="Hi {nickname}")) as store:
        fill(store)

        async def scenario(pilot, app, main):
            await review(pilot, app)
            await press(pilot, "d")
            assert isinstance(app.screen, ThankYouScreen)
            text = screen_text(app)
            assert "cannot be used" in text and "unknown field {nickname}" in text
            await press(pilot, "c", "m")  # nothing to copy or send
            assert app.clipboard == "" and isinstance(app.screen, ThankYouScreen)
            await press(pilot, "escape")
            assert current(app) == PLAN[1]
            assert by_name(store, "Ann Lee").stage is Stage.THANKED

        drive(store, scenario)


def test_d_on_call_and_keep_in_touch_steps_with_log_on_step_off(db_path, frozen_today):
    """`log_on_step = false`: d is a bare step, as the stage keys are."""
    with Store.open(db_path, settings=Settings(log_on_step=False)) as day:
        fill(day)

        async def scenario(pilot, app, main):
            await review(pilot, app)
            await press(pilot, "s", "d")  # skip Ann; Bo: mark called
            assert by_name(day, "Bo Chen").stage is Stage.CALLED
            assert current(app) == PLAN[2]
            await press(pilot, "d")  # Cy: kept in touch
            cy = by_name(day, "Cy Diaz")
            assert cy.last_contact_on == TODAY and cy.stage is Stage.COFFEE
            assert day.next_action(cy, TODAY).due == TODAY + timedelta(days=30)
            assert current(app) == PLAN[3]

        drive(day, scenario)


def test_d_on_an_introduction_thanks_the_referrer(day):
    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "s", "s", "s")
        assert current(app) == PLAN[3]
        assert "referred Eve Fox on" in screen_text(app)
        await press(pilot, "d")
        assert isinstance(app.screen, ThankYouScreen)
        assert "introducing me to Eve Fox" in app.screen.text
        await press(pilot, "m")
        ann = by_name(day, "Ann Lee")
        (referral,) = day.referrals_of(ann.id)
        assert referral.thanked_on == TODAY
        assert day.conversations_of(ann.id)[0].correspondence[0].startswith("Dear Ann,")
        assert ann.stage is Stage.MET  # thanking for the introduction is not the meeting's note

    drive(day, scenario)


def test_l_logs_through_the_log_form_and_moves_on(day):
    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "l")
        assert isinstance(app.screen, LogScreen)
        await press(pilot, "escape")  # cancelled: still on Ann
        assert current(app) == PLAN[0]
        await press(pilot, "l", *"Lisbon stories", "ctrl+s")
        assert isinstance(app.screen, ReviewScreen) and current(app) == PLAN[1]
        (conv,) = day.conversations_of(by_name(day, "Ann Lee").id)
        assert conv.note == "Lisbon stories"
        assert app.screen.session.tally.logged == 1

    drive(day, scenario)


def test_z_snoozes_and_escape_in_the_snooze_menu_changes_nothing(day):
    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "z")
        assert isinstance(app.screen, SnoozeScreen)
        await press(pilot, "escape")
        assert current(app) == PLAN[0] and by_name(day, "Ann Lee").follow_up_on is None
        await press(pilot, "z", "3")
        assert by_name(day, "Ann Lee").follow_up_on == TODAY + timedelta(days=3)
        assert current(app) == PLAN[1]

    drive(day, scenario)


def test_s_skips_without_changing_anything(day):
    async def scenario(pilot, app, main):
        await review(pilot, app)
        before = day.version
        await press(pilot, "s")
        assert current(app) == PLAN[1] and day.version == before

    drive(day, scenario)


def test_x_archives_as_a_dud_and_its_introduction_thanks_go_too(day):
    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "x")
        assert by_name(day, "Ann Lee").archived
        assert current(app) == PLAN[1]
        items = [(i.contact.name, i.action) for i in app.screen.session.items]
        await press(pilot, "s", "s")
        assert current(app) == PLAN[4]  # Ann's introduction thanks left with her
        assert items == PLAN

    drive(day, scenario)


def test_escape_leaves_with_a_summary_and_selects_where_you_were(day):
    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "d", "escape", "s", "escape")
        assert app.screen is main
        assert main.selected_id == by_name(day, "Cy Diaz").id
        summary = "Review: 1 done, 0 snoozed, 1 skipped, 0 archived; 5 still to do."
        await notice_shown(pilot, summary)  # on the main screen's status line

    drive(day, scenario)


def test_the_end_shows_the_summary_and_only_escape_is_left(day):
    async def scenario(pilot, app, main):
        await review(pilot, app)
        await press(pilot, "z", "w", "x", "s", "s", "s", "s")
        assert app.screen.session.finished
        text = screen_text(app)
        assert "Review finished." in text
        for label, count in (("Snoozed", 1), ("Archived", 1), ("Skipped", 4), ("Done", 0)):
            assert f"{label:<16}{count}" in text
        assert "Still due today 4" in text  # Cy, Ann's introduction, Di and Eve
        before = day.version
        await press(pilot, "d", "x", "s")
        assert day.version == before
        await press(pilot, "escape")
        assert app.screen is main

    drive(day, scenario)


def test_an_empty_day_says_so(store, frozen_today):
    store.add_contact(Contact("Zed Later", met_on=TODAY))

    async def scenario(pilot, app, main):
        await review(pilot, app)
        assert "Nothing due today: all caught up." in screen_text(app)

    drive(store, scenario)


def test_w_on_the_main_screen_drafts_and_sending_marks_thanked(day):
    async def scenario(pilot, app, main):
        await pick(pilot, "Di Evans")
        await press(pilot, "w")
        assert isinstance(app.screen, ThankYouScreen)
        assert app.screen.text.startswith("Dear Di,")
        await press(pilot, "m")
        di = by_name(day, "Di Evans")
        assert di.stage is Stage.THANKED
        assert day.conversations_of(di.id)[0].channel is Channel.EMAIL
        assert app.screen is main

    drive(day, scenario)


def test_R_records_a_referral_with_its_ladder(day):
    async def scenario(pilot, app, main):
        await pick(pilot, "Bo Chen")
        await press(pilot, "R")
        assert isinstance(app.screen, ReferralScreen)
        await press(pilot, *"Gus Hale", "tab", *"Acme", "tab")
        await press(pilot, "enter", "down", "down", "enter")  # will introduce: agreed
        await press(pilot, "tab", "enter", "down", "enter")  # will call ahead: yes
        await press(pilot, "tab", "tab", "space")  # gave contact details
        await press(pilot, "tab", *"mornings", "enter")
        assert app.screen is main
        gus = by_name(day, "Gus Hale")
        (referral,) = day.referrals_of(gus.id)
        bo = by_name(day, "Bo Chen")
        assert (gus.company, gus.referred_by, referral.referrer_id) == ("Acme", bo.id, bo.id)
        assert referral.introduce.value == "agreed" and referral.call_ahead is True
        assert referral.shared_details and referral.may_use_name is None
        assert referral.reach == "mornings"
        assert main.selected_id == gus.id
        assert "Thank Bo Chen for the introduction to Gus Hale" in [
            i.action for i in day.queue(TODAY + timedelta(days=1))
        ]

    drive(day, scenario)


def test_referral_form_links_an_exact_name_and_refuses_a_blank_one(day):
    async def scenario(pilot, app, main):
        await pick(pilot, "Bo Chen")
        await press(pilot, "R", "enter")
        assert isinstance(app.screen, ReferralScreen)
        assert "blank" in screen_text(app)
        await press(pilot, *"di evans", "enter")
        assert app.screen is main
        di = by_name(day, "Di Evans")
        assert di.referred_by == by_name(day, "Bo Chen").id
        assert len(day.contacts()) == 6  # nobody new

    drive(day, scenario)


def test_S_opens_the_stats_and_escape_returns(day):
    async def scenario(pilot, app, main):
        await press(pilot, "S")
        assert isinstance(app.screen, StatsScreen)
        text = screen_text(app)
        assert "Funnel" in text and "met → coffee   17%" in text
        assert "3 overdue" in text
        await press(pilot, "escape")
        assert app.screen is main

    drive(day, scenario)


def test_markup_in_names_and_notes_shows_literally_in_review(store, frozen_today):
    store.add_contact(
        Contact(
            "[bold]Ann[/]",
            met_on=TODAY - timedelta(days=2),
            mention="[/ and [b]x",
            met_at="[red]Expo",
        )
    )

    async def scenario(pilot, app, main):
        await review(pilot, app)
        text = screen_text(app)
        assert "1 of 1: [bold]Ann[/]" in text and "Mention: [/ and [b]x" in text
        await press(pilot, "d")
        text = screen_text(app)
        assert "Dear [bold]Ann[/]," in text and "at [red]Expo" in text
        assert "Thank-you note to [bold]Ann[/]" in text
        await press(pilot, "escape", "escape", "R")
        assert "Who did [bold]Ann[/] recommend?" in screen_text(app)

    drive(store, scenario)


# -- snapshots (demo data, today frozen) ------------------------------------------------------


def _review_snapshot(snap_compare, store, *keys: str, size=(80, 24)) -> bool:
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in ("r", *keys):
            await press(pilot, key)
        pilot.app.clear_notifications()

    return snap_compare(make_app(store, poll_seconds=0), terminal_size=size, run_before=run_before)


def test_snapshot_review_first_item(snap_compare, demo_store):
    assert _review_snapshot(snap_compare, demo_store)


def test_snapshot_review_thank_you_note(snap_compare, demo_store):
    assert _review_snapshot(snap_compare, demo_store, "d")


def test_snapshot_review_summary(snap_compare, demo_store):
    keys = ["d", "m", "s", "z", "3", "x", *"s" * 12]  # done, skipped, snoozed, archived, …
    assert _review_snapshot(snap_compare, demo_store, *keys, size=(100, 28))


def test_t_marks_thanked_at_once_then_opens_the_draft_to_send(day):
    async def scenario(pilot, app, main):
        await pick(pilot, "Di Evans")
        await press(pilot, "t")
        di = by_name(day, "Di Evans")
        assert di.stage is Stage.THANKED and di.reached_on(Stage.THANKED) == TODAY
        assert day.undo_description == "Di Evans: met → thanked"  # the same change as before
        assert isinstance(app.screen, ThankYouScreen) and app.screen.text.startswith("Dear Di,")
        await press(pilot, "m")
        assert app.screen is main
        (sent,) = day.conversations_of(di.id)
        assert sent.correspondence[0].startswith("Dear Di,")
        assert by_name(day, "Di Evans").stage is Stage.THANKED  # not moved twice
        await press(pilot, "u", "u")
        assert by_name(day, "Di Evans").stage is Stage.MET

    drive(day, scenario)


def test_t_on_an_introduction_row_of_the_queue_thanks_the_referrer(day):
    async def scenario(pilot, app, main):
        await press(pilot, "tab")
        rows = [(i.contact.name, i.kind) for i in main.queue.table.rows]
        await press(pilot, *"j" * rows.index(("Ann Lee", "thank-referrer")))
        await press(pilot, "t")
        ann = by_name(day, "Ann Lee")
        (referral,) = day.referrals_of(ann.id)
        assert referral.thanked_on == TODAY
        assert ann.stage is Stage.MET  # the meeting's own thank-you is still to do
        assert isinstance(app.screen, ThankYouScreen)
        assert "introducing me to Eve Fox" in app.screen.text
        await press(pilot, "escape")
        assert ("Ann Lee", "thank-referrer") not in [
            (i.contact.name, i.kind) for i in main.queue.table.rows
        ]
        await press(pilot, "u")
        assert day.referral(referral.id).thanked_on is None

    drive(day, scenario)


def test_the_card_shows_each_referral_with_its_whole_ladder(store, frozen_today):
    ann = store.add_contact(Contact("Ann Lee", met_on=TODAY - timedelta(days=5)))
    record_referral(
        store,
        ann.id,
        "Eve Fox",
        on=TODAY - timedelta(days=1),
        introduce=Introduce.DECLINED,
        call_ahead=False,
        may_use_name=False,
        reach="evenings",
    )

    async def scenario(pilot, app, main):
        await pick(pilot, "Ann Lee")
        card = " ".join(card_text(main).split())
        assert (
            "Referral: referred Eve Fox on Mon 23 Nov 2026; introduction declined; "
            "won't call ahead; don't use their name; reach: evenings; not thanked yet"
        ) in card
        await pick(pilot, "Eve Fox")
        card = " ".join(card_text(main).split())
        assert "Referral: referred by Ann Lee on Mon 23 Nov 2026; introduction declined" in card
        assert "Referred by" not in card  # said once, by the referral line

    drive(store, scenario)
