"""How long the TUI takes to show a huge record (issue 17.7): target under 50 ms.

One database holds a few ordinary contacts and three hostile ones: a 5 MB note, 100,000
tags, and a diary entry of 1 MB with 500 letters. Timed inside the running app, median of
several runs each:
  - a cursor key (`j`) onto each hostile contact until the frame showing it is painted;
  - `v` (the whole text) until its first screen is painted (Textual delays a screen switch
    by about 50 ms), and a page down there.
Keys are delivered as the terminal driver does (`pilot.press` also waits for idle).
Before the bounded preview, the same moves took 7-27 s (note) and ~2 s (tags).

    .venv/bin/python -m bench.bench_huge_record [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.bench_tui import painted, send_key
from netui.core.config import Settings
from netui.core.db.store import Store
from netui.core.model import Contact, Conversation

TARGET_MS = 50
SIZE = (120, 40)
NOTE = ("A long paragraph pasted from somewhere, then pasted again. " * 20 + "\n") * 4200
DAY = date(2026, 11, 2)


def build(db: Path) -> dict[str, str]:
    """The hostile contacts by label; ordinary ones around them so the cursor moves."""
    ids: dict[str, str] = {}
    with Store.open(db, settings=Settings()) as store:
        for name in ("Aaron Plain", "Abby Plain"):
            plain = store.add_contact(Contact(name=name, met_on=DAY))
        ids["an ordinary contact (the floor)"] = plain.id
        ids["5 MB note"] = store.add_contact(Contact(name="Ada Note", met_on=DAY, notes=NOTE)).id
        tags = [f"tag-{i}" for i in range(100_000)]
        ids["100,000 tags"] = store.add_contact(Contact(name="Ada Tags", met_on=DAY, tags=tags)).id
        letters = [f"Letter {i}: " + "words " * 200 for i in range(500)]  # 1.2 KB each
        diary = store.add_contact(Contact(name="Ada Diary", met_on=DAY))
        store.log(Conversation(diary.id, DAY, note=NOTE[:1_000_000], correspondence=letters))
        ids["1 MB diary entry, 500 letters"] = diary.id
    return ids


async def measure(db: Path, ids: dict[str, str], runs: int) -> dict[str, list[float]]:
    from netui.tui.app import make_app
    from netui.tui.screens.text_view import TextViewScreen
    from netui.tui.widgets.long_text import LongText

    results: dict[str, list[float]] = {}
    with Store.open(db, settings=Settings()) as store:
        app = make_app(store, poll_seconds=0)
        async with app.run_test(size=SIZE) as pilot:
            main = app.main_screen
            while main.loading:
                await app.workers.wait_for_complete()
                await pilot.pause(0.05)
            for label, contact_id in ids.items():
                for _ in range(runs):
                    table = main.contacts.table
                    table.focus()
                    keys = [row.contact.id for row in table.rows]
                    at = keys.index(contact_id)
                    key = "j" if at > 0 else "k"
                    table.select_key(keys[at - 1] if at > 0 else keys[at + 1])
                    await pilot.pause(0.05)
                    begin = time.perf_counter()
                    send_key(app, key)
                    while main.detail.contact_id != contact_id:
                        await asyncio.sleep(0)
                    await painted(app)
                    results.setdefault(f"cursor onto {label}", []).append(
                        time.perf_counter() - begin
                    )
                for _ in range(runs):
                    begin = time.perf_counter()
                    send_key(app, "v")
                    while not isinstance(app.screen, TextViewScreen):
                        await asyncio.sleep(0)
                    await painted(app)
                    results.setdefault(f"v on {label}", []).append(time.perf_counter() - begin)
                    body = app.screen.query_one(LongText)
                    begin = time.perf_counter()
                    body.scroll_page_down(animate=False)
                    await painted(app)
                    results.setdefault(f"page down in v on {label}", []).append(
                        time.perf_counter() - begin
                    )
                    await pilot.press("escape")
                    while isinstance(app.screen, TextViewScreen):
                        await pilot.pause(0.01)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="netui-huge-") as folder:
        db = Path(folder) / "db"
        ids = build(db)
        results = asyncio.run(measure(db, ids, args.runs))
    for label, times in results.items():
        median_ms = statistics.median(times) * 1000
        verdict = (
            ""
            if not label.startswith("cursor")
            else ("  ok" if median_ms < TARGET_MS else f"  OVER {TARGET_MS} ms")
        )
        print(f"{label:48} median {median_ms:7.1f} ms  max {max(times) * 1000:7.1f} ms{verdict}")


if __name__ == "__main__":
    main()
