"""A change made by another process (a `netui add` elsewhere) shows up within about two seconds."""

from __future__ import annotations

import asyncio

from netui.core.config import Settings
from netui.core.db.store import Store
from netui.core.model import Contact, Stage
from netui.tui.app import make_app
from tests.tui.conftest import press, screen_text, settle, wait_until


def test_another_process_s_changes_appear_and_nothing_is_lost(db_path, store, frozen_today):
    ann = store.add_contact(Contact(name="Ann Original"))

    async def main() -> None:
        app = make_app(store, poll_seconds=0.2)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            with Store.open(db_path, settings=Settings()) as other:
                other.add_contact(Contact(name="Bea From Elsewhere"))
            bea_shown = lambda: "Bea From Elsewhere" in screen_text(app)  # noqa: E731
            await wait_until(pilot, bea_shown, "the next poll to show Bea")
            await press(pilot, "t")  # our own write lands on top of theirs
        with Store.open(db_path, settings=Settings()) as fresh:
            names = {c.name: c for c in fresh.contacts()}
            assert set(names) == {"Ann Original", "Bea From Elsewhere"}
            assert names["Ann Original"].stage is Stage.THANKED

    asyncio.run(main())
    assert ann.id
