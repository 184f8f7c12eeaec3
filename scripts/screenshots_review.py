"""Regenerate the daily review, thank-you note and stats pictures in `screenshots/` (SVG).

The app runs headless on the demo data in a temporary folder (never the user's database),
driven by the same keys a user presses:

    .venv/bin/python scripts/screenshots_review.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from netui.core.config import Settings
from netui.core.dates import today
from netui.core.demo import demo_data, load_into
from netui.core.store import Store
from netui.tui.app import make_app

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (100, 30)
SHOTS = (  # file name, keys pressed from the main screen
    ("review.svg", ("r",)),
    ("review-thank-you.svg", ("r", "d")),
    ("stats.svg", ("S",)),
)


async def shoot(store: Store, name: str, keys: tuple[str, ...]) -> None:
    app = make_app(store, poll_seconds=0, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.2)
        app.clear_notifications()
        await pilot.pause()
        app.save_screenshot(name, str(OUT))


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name, keys in SHOTS:
        # A fresh demo per picture: `d` changes the data.
        with (
            tempfile.TemporaryDirectory(prefix="netui-shots-") as folder,
            Store.open(Path(folder) / "db", settings=Settings()) as store,
        ):
            load_into(store, demo_data(today()))
            asyncio.run(shoot(store, name, keys))
        print(OUT / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
