"""The status line: what the last key did, one row above the footer, as plain text.

What went right is said there, in the frame that shows the change (no toast is mounted);
errors stay toasts; a dialog's notice lands on the line of the screen under it.
"""

from __future__ import annotations

from netui.core.db.store import Store
from netui.core.model import Contact, Stage
from netui.tui.screens.merge import MergeScreen
from netui.tui.screens.review import ReviewScreen
from netui.tui.screens.thank_you import ThankYouScreen
from netui.tui.widgets.status import StatusLine
from tests.tui.conftest import (
    PLAN,
    TRICKY,
    by_name,
    current,
    drive,
    fill,
    notice_shown,
    notices,
    pane_text,
    pick,
    press,
    review,
    status_line,
    status_text,
    wait_until,
)


def test_bracket_c_and_u_say_it_on_the_status_line_not_in_a_toast(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await pick(pilot, "José")
        await press(pilot, "right_square_bracket")
        await notice_shown(pilot, "José Álvarez: now thanked — u to undo")
        await press(pilot, "c", "escape")  # the call's log form closed: the step alone
        await notice_shown(pilot, "José Álvarez: called today (nothing logged) — u to undo")
        await press(pilot, "u")
        await notice_shown(pilot, "Undone: José Álvarez: thanked → called")
        assert by_name(demo_store, "José Álvarez").stage is Stage.THANKED
        assert not app.screen.query("Toast")  # drawn when shown: none was
        assert notices(app) == []
        line = status_line(app)
        assert line.screen is main and line.region.bottom == main.query_one("Footer").region.y

    drive(demo_store, scenario, toasts=True)


def test_markup_like_names_show_literally_on_the_status_line(store: Store, frozen_today):
    people = [store.add_contact(Contact(name)) for name in TRICKY]

    async def scenario(pilot, app, main):
        for person in people:
            main.select(person.id)
            await press(pilot, "right_square_bracket")
            await notice_shown(pilot, f"{person.name}: now thanked — u to undo")
            assert f"{person.name}: now thanked" in pane_text(app, status_line(app))

    drive(store, scenario)


def test_an_error_stays_a_toast_and_leaves_the_last_notice(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        await pick(pilot, "José")
        await press(pilot, "right_square_bracket")
        await notice_shown(pilot, "José Álvarez: now thanked")
        await press(pilot, "left_square_bracket", "left_square_bracket")  # the second fails
        await wait_until(pilot, lambda: app.screen.query("Toast"), "the error's toast")
        assert any("first stage" in n for n in notices(app))
        assert "Undone" not in status_text(app)
        assert "José Álvarez: now met — u to undo" in status_text(app)  # the step that worked

    drive(demo_store, scenario, toasts=True)


def test_a_dialogs_notice_lands_on_the_screen_under_it(store, frozen_today):
    day = fill(store)

    async def scenario(pilot, app, main):
        await review(pilot, app)
        assert current(app) == PLAN[0]
        await press(pilot, "d")  # Ann thanked: the note's dialog opens over the review
        assert isinstance(app.screen, ThankYouScreen)
        assert status_line(app).screen is app.screen_stack[-2]  # the review's, under it
        await notice_shown(pilot, "Ann Lee: mark thanked")
        await press(pilot, "m")  # sent by email: the dialog closes
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        await notice_shown(pilot, "Thank-you email to Ann Lee logged — u undoes it")
        assert "Thank-you email" not in status_text_of(main)  # not said twice
        await press(pilot, "escape")  # leave the review: its summary on the main screen
        await wait_until(pilot, lambda: app.screen is main, "the main screen")
        await notice_shown(pilot, "Review: 1 done")
        assert by_name(day, "Ann Lee").stage is Stage.THANKED

    drive(day, scenario)


def test_a_merge_screen_closing_says_it_on_the_main_screen(store, frozen_today):
    jon = store.add_contact(Contact("Jon [b]Smith", company="Acme"))
    store.add_contact(Contact("John [b]Smith", company="Acme"))

    async def scenario(pilot, app, main):
        main.select(jon.id)
        await press(pilot, "M")
        assert isinstance(app.screen, MergeScreen)
        await press(pilot, "enter")
        await wait_until(pilot, lambda: app.screen is main, "the main screen")
        await notice_shown(pilot, "Merged into Jon [b]Smith — u undoes it")

    drive(store, scenario)


def status_text_of(screen) -> str:
    """The text of a screen's own status line, shown or not."""
    return str(screen.query_one("StatusLine").content)


def painted_colour(app, widget) -> object:
    """The foreground colour of the first letter painted in `widget`."""
    region = widget.region
    strip = app.screen._compositor.render_strips()[region.y].crop(region.x, region.right)
    return next(s.style.color for s in strip if s.text.strip())


def test_a_notice_stays_readable_then_dims_until_the_next(demo_store, frozen_today, monkeypatch):
    async def scenario(pilot, app, main):
        monkeypatch.setattr(StatusLine, "FRESH_SECONDS", 3600)  # fresh for the whole test
        await pick(pilot, "José")
        await press(pilot, "right_square_bracket")
        await notice_shown(pilot, "José Álvarez: now thanked — u to undo")
        line = status_line(app)
        fresh = painted_colour(app, line)
        monkeypatch.setattr(StatusLine, "FRESH_SECONDS", 0.05)  # the next one ages at once
        await press(pilot, "u")
        await notice_shown(pilot, "Undone: José Álvarez: met → thanked")
        await wait_until(pilot, lambda: painted_colour(app, line) != fresh, "the notice to dim")
        assert "Undone: José Álvarez: met → thanked" in status_text(app)  # still there
        monkeypatch.setattr(StatusLine, "FRESH_SECONDS", 3600)
        await press(pilot, "right_square_bracket")
        await notice_shown(pilot, "José Álvarez: now thanked — u to undo")
        assert painted_colour(app, line) == fresh  # the next notice is news again

    drive(demo_store, scenario)
