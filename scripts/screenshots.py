"""Regenerate screenshots/*.svg from the demo data: main screen, quick capture, log form, help.

The app is driven with real keys through `run_test` and saved with `save_screenshot`, the way
harlequin makes its README pictures. The day is frozen so the pictures only change when the
app does.

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import pendulum

from netui.core.config import Settings
from netui.core.dates import today
from netui.core.demo import demo_data, load_into
from netui.core.store import Store
from netui.tui.app import make_app

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (110, 34)
DAY = pendulum.datetime(2026, 3, 12, 12, tz="local")

# file name -> keys pressed on the demo before the picture
SHOTS = {
    "main.svg": ("j", "j", "j"),
    "capture.svg": ("n", *"Dana Kim", "tab", *"Acme Law", "tab", *"Legal Tech Mixer", "tab",
                    *"estate planning for founders"),
    "log.svg": ("f", *"Priya", "enter", "l", *"Budget for next year; they need an analyst.",
                "tab", *"Read 'The Goal'", "tab", *"Relaxed, sketching on a napkin"),
    "help.svg": ("question_mark",),
}  # fmt: skip


async def shoot(store: Store, name: str, keys: tuple[str, ...]) -> None:
    app = make_app(store, poll_seconds=0, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        while app.main_screen.loading:
            await pilot.pause(0.05)
        await pilot.press(*keys)
        await pilot.pause(0.3)
        for widget in app.screen.query("Input, TextArea"):
            widget.cursor_blink = False
        await pilot.pause()
        app.save_screenshot(filename=name, path=str(OUT))
    print(OUT / name)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with pendulum.travel_to(DAY, freeze=True), tempfile.TemporaryDirectory() as folder:
        for name, keys in SHOTS.items():
            # A fresh demo per picture: what one shot types never shows in the next.
            with Store.open(Path(folder) / name, settings=Settings()) as store:
                load_into(store, demo_data(today()))
                asyncio.run(shoot(store, name, keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
