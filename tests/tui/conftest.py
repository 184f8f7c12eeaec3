"""TUI test helpers: a demo database on a frozen day, and a way to drive the app with real keys."""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, TextArea
from textual.worker import WorkerState

from netui.core.db.store import Store
from netui.core.demo import demo_data, load_into
from netui.core.followup.referrals import record_referral
from netui.core.model import Contact, Stage, StageStep
from netui.tui.app import NetuiApp, make_app
from netui.tui.followups import FollowUps
from netui.tui.screens.main import MainScreen
from netui.tui.screens.review import ReviewScreen
from netui.tui.widgets.status import StatusLine
from tests.conftest import TODAY

SIZE = (100, 32)
TRICKY = ["[bold]", "[/]", "[/", "Ann [b]x", "Zoë 🎉 Party", "שלום עליכם", "مرحبا بك", "[link=x]y"]
PATIENCE = 30.0  # seconds a condition may take on a loaded machine before a test gives up
_NOTICES: weakref.WeakKeyDictionary[NetuiApp, list[str]] = weakref.WeakKeyDictionary()


class FakeEditor:
    """Stands in for $EDITOR (Textual cannot suspend under run_test): returns `reply`."""

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.given: list[str] = []

    def __call__(self, app, text: str) -> str:
        self.given.append(text)
        return self.reply


@pytest.fixture
def demo_store(store: Store, frozen_today) -> Store:
    load_into(store, demo_data(frozen_today))
    return store


@pytest.fixture
def held_loading(monkeypatch):
    """The loading thread (records, then the diary) waits at its start until the event is set."""
    go = threading.Event()
    prepare = FollowUps.prepare

    def held(self: FollowUps) -> None:
        go.wait(timeout=60)
        prepare(self)

    monkeypatch.setattr(FollowUps, "prepare", held)
    yield go
    go.set()


Scenario = Callable[[Pilot, NetuiApp, MainScreen], Awaitable[None]]


async def settle(pilot: Pilot) -> None:
    """Wait until what was pressed has fully landed: messages handled, thread workers done
    (and the messages they posted handled), animations and refresh callbacks run."""
    app = pilot.app
    await pilot.wait_for_scheduled_animations()
    while any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
        await app.workers.wait_for_complete()
        await pilot.wait_for_scheduled_animations()


async def wait_until(pilot: Pilot, condition: Callable[[], object], what: str = "") -> None:
    """Let the app run until `condition()` holds (a screen switch, a redraw); fail after
    PATIENCE seconds, saying what was awaited."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {PATIENCE:.0f} s for {what or condition}")
        await pilot.pause()


async def settled(pilot: Pilot) -> None:
    """Wait for the first screen and the diary (it loads in a thread after the first frame)."""
    app = pilot.app
    await wait_until(pilot, lambda: not app.main_screen.diary_loading, "the diary to load")
    await settle(pilot)


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys, then wait until everything they started has landed."""
    await pilot.press(*keys)
    await settle(pilot)


async def pick(pilot: Pilot, name: str) -> None:
    """Select a contact the way a user does: filter by typing, enter to go to the list."""
    await press(pilot, "f", *name, "enter")


def by_name(store: Store, name: str) -> Contact:
    return next(c for c in store.contacts_by_id.values() if c.name == name)


def record_notices(app: NetuiApp) -> NetuiApp:
    """Keep every message the app shows as a toast (errors, warnings), for `notices` (toasts
    come and go); what went right is on the status line (`status_text`)."""
    seen = _NOTICES.setdefault(app, [])
    notify = app.notify

    def recording(message, *args, **kwargs):
        seen.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = recording  # type: ignore[method-assign]
    return app


def notices(app: NetuiApp) -> list[str]:
    """The notifications shown so far, oldest first (apps started by `drive`)."""
    return _NOTICES[app]


def status_line(app: NetuiApp) -> StatusLine:
    """The status line a notice goes to now: the current screen's, or under a dialog the
    one of the screen beneath it (where the user sees it once the dialog closes)."""
    for screen in reversed(app.screen_stack):
        if lines := screen.query_children(StatusLine):
            return lines.first()
    raise AssertionError("no screen with a status line is open")


def status_text(app: NetuiApp) -> str:
    """What the status line shows: as painted when its screen is the current one."""
    line = status_line(app)
    if line.screen is app.screen:
        return pane_text(app, line).strip()
    return str(line.content)


async def notice_shown(pilot: Pilot, text: str) -> None:
    """Wait until the status line says `text` (the app routes a notice by a message)."""
    await wait_until(pilot, lambda: text in status_text(pilot.app), f"the notice {text!r}")


def drive(
    store: Store, scenario: Scenario, *, size=SIZE, editor=None, toasts: bool = False
) -> None:
    """Run the app headless, let it settle (diary loaded), then play the scenario.

    `toasts` draws notifications on screen (run_test leaves them out unless asked)."""

    async def main() -> None:
        app = record_notices(make_app(store, editor=editor, poll_seconds=0))
        async with app.run_test(size=size, notifications=toasts) as pilot:
            await settled(pilot)
            await scenario(pilot, app, app.main_screen)

    asyncio.run(main())


def screen_text(app: NetuiApp) -> str:
    """Everything visible on the current screen, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def pane_text(app: NetuiApp, widget: Widget) -> str:
    """What the screen shows inside this widget's region, as plain text lines."""
    region = widget.region
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    return "\n".join(strip.crop(region.x, region.right).text for strip in strips)


def card_text(main: MainScreen) -> str:
    """The detail pane's contact card as plain text (whatever the pane's width)."""
    return str(main.detail.query_one("#card").content)


# -- the daily review: a day of six follow-ups in a known order ---------------------------------

PLAN = [
    ("Ann Lee", "Send a thank-you note"),
    ("Bo Chen", "Call"),
    ("Cy Diaz", "Keep in touch"),
    ("Ann Lee", "Thank Ann Lee for the introduction to Eve Fox"),
    ("Di Evans", "Send a thank-you note"),
    ("Eve Fox", "Get in touch (referred to you)"),  # referred, not met yet
]


def climbed(name: str, stage: Stage, days_ago: int, **extra) -> Contact:
    on = TODAY - timedelta(days=days_ago)
    history = [StageStep(Stage.MET, on - timedelta(days=20)), StageStep(stage, on)]
    return Contact(name, met_on=history[0].on, stage=stage, stage_history=history, **extra)


def fill(store: Store) -> Store:
    """Six follow-ups in a known order: the PLAN above."""
    ann = store.add_contact(
        Contact(
            "Ann Lee",
            met_at="PyCon",
            met_on=TODAY - timedelta(days=5),
            mention="her trip to Lisbon",
        )
    )
    store.add_contact(climbed("Bo Chen", Stage.THANKED, 8))
    store.add_contact(climbed("Cy Diaz", Stage.COFFEE, 31))
    store.add_contact(Contact("Di Evans", met_on=TODAY - timedelta(days=1)))
    store.add_contact(Contact("Zed Later", met_on=TODAY))  # due tomorrow: not in today's review
    record_referral(store, ann.id, "Eve Fox", on=TODAY - timedelta(days=1))
    return store


def current(app) -> tuple[str, str] | None:
    item = app.screen.session.current
    return (item.contact.name, item.action) if item else None


async def review(pilot, app) -> ReviewScreen:
    await press(pilot, "r")
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


# -- snapshots ---------------------------------------------------------------------------


def settle_then(*keys: str):
    """A `run_before` that waits for the diary, presses keys, and stops cursors blinking."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await settled(pilot)
        await press(pilot, *keys)
        for widget in app.screen.query("Input, TextArea"):
            if isinstance(widget, Input | TextArea):
                widget.cursor_blink = False
        await pilot.pause()

    return run_before


def app_for(store: Store) -> NetuiApp:
    return make_app(store, editor=FakeEditor(""), poll_seconds=0)
