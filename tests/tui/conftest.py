"""TUI test helpers: a demo database on a frozen day, and a way to drive the app with real keys."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from netui.core.db.store import Store
from netui.core.demo import demo_data, load_into
from netui.tui.app import NetuiApp, make_app
from netui.tui.screens.main import MainScreen

SIZE = (100, 32)


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


Scenario = Callable[[Pilot, NetuiApp, MainScreen], Awaitable[None]]


async def settled(pilot: Pilot) -> None:
    """Wait for the first screen and the diary (it loads in a thread after the first frame)."""
    app = pilot.app
    await pilot.pause()
    while app.main_screen.loading:
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
    await pilot.pause()


def drive(
    store: Store, scenario: Scenario, *, size=SIZE, editor=None, toasts: bool = False
) -> None:
    """Run the app headless, let it settle (diary loaded), then play the scenario.

    `toasts` draws notifications on screen (run_test leaves them out unless asked)."""

    async def main() -> None:
        app = make_app(store, editor=editor, poll_seconds=0)
        async with app.run_test(size=size, notifications=toasts) as pilot:
            await settled(pilot)
            await scenario(pilot, app, app.main_screen)

    asyncio.run(main())


def screen_text(app: NetuiApp) -> str:
    """Everything visible on the current screen, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def card_text(main: MainScreen) -> str:
    """The detail pane's contact card as plain text (whatever the pane's width)."""
    return str(main.detail.query_one("#card").content)
