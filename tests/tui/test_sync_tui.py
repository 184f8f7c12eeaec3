"""Sync from the TUI: the palette runs it in a worker; another device's changes appear."""

from __future__ import annotations

import asyncio

import pytest

from netui.cli import main as cli
from netui.core.config import Settings
from netui.core.db.store import Store
from netui.core.model import Contact
from netui.tui.app import make_app
from tests.tui.conftest import card_text, screen_text, settled

pytestmark = pytest.mark.usefixtures("git_env")


async def until(pilot, condition, tries: int = 100) -> None:
    """Wait for a condition the app reaches by itself (a poll, a worker), not for a time."""
    for _ in range(tries):
        await pilot.app.workers.wait_for_complete()
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the condition never held")


@pytest.fixture
def devices(tmp_path, remote):
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    with Store.open(laptop, settings=Settings()) as store:
        store.add_contact(Contact(name="Ann Original"))
    assert cli(["--db", str(laptop), "sync", "--remote", str(remote)]) == 0
    assert cli(["--db", str(desktop), "sync", "--remote", str(remote)]) == 0
    return laptop, desktop


def test_changes_pulled_by_netui_sync_elsewhere_appear_in_the_open_tui(devices):
    laptop, desktop = devices

    async def main() -> None:
        with Store.open(desktop, settings=Settings()) as store:
            app = make_app(store, poll_seconds=0.1)
            async with app.run_test(size=(100, 30)) as pilot:
                await settled(pilot)
                with Store.open(laptop, settings=Settings()) as other:
                    other.add_contact(Contact(name="Bea [From] Laptop"))
                assert cli(["--db", str(laptop), "sync"]) == 0
                assert cli(["--db", str(desktop), "sync"]) == 0  # "another terminal"
                await until(pilot, lambda: "Bea [From] Laptop" in screen_text(app))

    asyncio.run(main())


def test_the_palette_syncs_in_a_worker_and_says_what_came(devices):
    laptop, desktop = devices
    with Store.open(laptop, settings=Settings()) as other:
        other.add_contact(Contact(name="Bea From Laptop"))
    assert cli(["--db", str(laptop), "sync"]) == 0
    with Store.open(desktop, settings=Settings()) as store:
        text = asyncio.run(sync_from_palette(store, "sync now", "last synced", "Synced:"))
    assert "Synced: 0 changes sent, 1 received" in text
    assert "Bea From Laptop" in text


def test_sync_from_the_palette_before_set_up_says_how(db_path, store, git_env):
    text = asyncio.run(sync_from_palette(store, "sync", "--remote URL", "Sync failed"))
    words = " ".join(text.replace("▌", " ").replace("│", " ").split())
    assert "Sync failed: this database is not synced yet" in words


async def sync_from_palette(store: Store, typed: str, offered: str, answer: str) -> str:
    """Type `typed` in the palette, wait for the sync command (`offered` in its title), run
    it, and return the screen once the notice (`answer`) is up."""
    app = make_app(store, poll_seconds=0)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+p", *typed)
        await until(pilot, lambda: offered in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: answer in screen_text(app))
        return screen_text(app)


def test_a_kept_conflict_is_on_the_card_literally(store, frozen_today):
    conflict = {"field": "title", "value": "[bold]CEO[/]", "updated": "2026-11-20T09:30:00+00:00"}
    store.add_contact(Contact(name="Dana Kim", title="Founder", conflicts=[conflict]))

    async def main() -> None:
        app = make_app(store, poll_seconds=0)
        async with app.run_test(size=(100, 30)) as pilot:
            await settled(pilot)
            card = card_text(app.main_screen)
            assert "sync conflict: title was '[bold]CEO[/]' (set 2026-11-20 09:30 UTC)" in card

    asyncio.run(main())


def test_what_opening_did_is_said_once_in_the_tui(store, frozen_today):
    said = "merged the conflict copy contacts/07 (conflicted copy).json into contacts/07.json"

    async def main() -> None:
        app = make_app(store, poll_seconds=0, notices=[said])
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await settled(pilot)
            await until(pilot, lambda: "merged the conflict copy" in screen_text(app))

    asyncio.run(main())
