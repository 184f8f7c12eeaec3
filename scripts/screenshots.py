"""Regenerate screenshots/*.svg from the demo data: the main screen, quick capture, the log
form, help, the daily review with its thank-you note and a call's log form, the stats, an
introduction's draft and the Sort screen.

The app is driven with real keys through `run_test` and saved with `save_screenshot`, the way
harlequin makes its README pictures; each picture starts from a fresh demo database in a
temporary folder (never the user's), on a frozen day, so the pictures change only when the
app does.

    .venv/bin/python scripts/screenshots.py                      # screenshots/, 120x35
    .venv/bin/python scripts/screenshots.py --size 80x24 --out /tmp/shots
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

import pendulum

from netui.core.config import Settings
from netui.core.dates import today
from netui.core.db.store import Store
from netui.core.demo import demo_data, load_into
from netui.tui.app import make_app

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (120, 35)
DAY = pendulum.datetime(2026, 3, 12, 12, tz="local")

# file name -> keys pressed on the demo before the picture
SHOTS = {
    "main.svg": ("j", "j", "j"),
    "capture.svg": ("n", *"Dana Kim", "tab", *"Acme Law", "tab", *"Legal Tech Mixer", "tab",
                    *"estate planning for founders"),
    "log.svg": ("f", *"Priya", "enter", "l", *"Budget for next year; they need an analyst.",
                "tab", *"Read 'The Goal'", "tab", *"Relaxed, sketching on a napkin"),
    "help.svg": ("question_mark",),
    "review.svg": ("r",),
    "review-thank-you.svg": ("r", "d"),
    "review-call.svg": ("r", *"ssssss", "d", *"Runs freight in Hanoi; expanding to Lisbon.",
                        "tab", *"Talk to Grace about customs", "tab", *"Direct, very organised",
                        "tab", *"Introduced her to Grace Okafor"),
    "stats.svg": ("S",),
    "introduction.svg": ("S", "enter"),
    "sort.svg": ("U",),
}  # fmt: skip
SMALL = {"main-80x24.svg": ("j", "j", "j")}  # the smallest terminal the app is made for


async def shoot(store: Store, name: str, keys: tuple[str, ...], size: tuple[int, int], out: Path):
    app = make_app(store, poll_seconds=0, demo=True)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        while app.main_screen.diary_loading:
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.02)
        await pilot.pause(0.3)  # screen switches wait 50 ms in Textual 8
        for widget in app.screen.query("Input, TextArea"):
            widget.cursor_blink = False
        app.clear_notifications()
        await pilot.pause()
        app.save_screenshot(filename=name, path=str(out))
    print(out / name)


def size_of(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=size_of, help="WIDTHxHEIGHT (default: 120x35)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    shots = [(name, keys, args.size or SIZE) for name, keys in SHOTS.items()]
    if args.size is None:
        shots += [(name, keys, (80, 24)) for name, keys in SMALL.items()]
    args.out.mkdir(parents=True, exist_ok=True)
    with pendulum.travel_to(DAY, freeze=True), tempfile.TemporaryDirectory() as folder:
        for name, keys, size in shots:
            # A fresh demo per picture: what one shot types or does never shows in the next.
            with Store.open(Path(folder) / name, settings=Settings()) as store:
                load_into(store, demo_data(today()))
                asyncio.run(shoot(store, name, keys, size, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
