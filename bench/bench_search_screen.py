"""Per-keystroke time of the search screen in the running app (headless, real key events).

Usage: python bench/bench_search_screen.py DB_FOLDER   (e.g. a corpus from bench/generate.py)

key -> frame: from the key event handed to the driver until the first frame composed after
the results changed (App._display is called with the compositor's update)."""

import asyncio
import statistics
import sys
import time

from textual import events

from netui.core.config import Settings
from netui.core.db.store import Store
from netui.tui.app import make_app

QUERIES = [
    "estate planning",
    "quillwort berlin",
    "e",
    "lawyer estate -golf",
    "name:dana",
    '"thank you for your time"',
]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


async def main(path):
    store = Store.open(path, settings=Settings())
    app = make_app(store, poll_seconds=0)
    frames = []
    async with app.run_test(size=(120, 40)) as pilot:
        original = app._display

        def display(screen, renderable):
            if renderable is not None:
                frames.append(time.perf_counter())
            original(screen, renderable)

        app._display = display
        await pilot.pause(0.3)
        while app.main_screen.diary_loading:
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
        n_contacts, n_convs = len(store.contacts_by_id), len(store.all_conversations())
        print(f"{n_contacts:,} contacts, {n_convs:,} conversations")
        t = time.perf_counter()
        app._driver.send_message(events.Key("slash", "/"))
        while app.screen is app.main_screen:
            await asyncio.sleep(0.001)
        shown = time.perf_counter()
        while not frames or frames[-1] < shown:
            await asyncio.sleep(0.001)
        first_frame = frames[-1] - t
        while app.screen.answered is None:
            await asyncio.sleep(0.001)
        built = time.perf_counter() - t
        screen = app.screen
        finished = []
        run_query = screen.run_query

        def timed_run_query():
            run_query()
            finished.append(time.perf_counter())

        screen.run_query = timed_run_query
        print(f"search screen drawn {first_frame * 1000:.0f} ms after '/'", end="; ")
        print(f"index ready after {built:.2f} s")
        handler, wall = [], []
        for q in QUERIES:
            await pilot.press("ctrl+u")
            await pilot.pause()
            hs, ws = [], []
            for i, ch in enumerate(q):
                want = q[: i + 1]
                t0 = time.perf_counter()
                app._driver.send_message(events.Key(ch if ch != " " else "space", ch))
                while screen.answered != want:
                    await asyncio.sleep(0.0005)
                done = finished[-1]
                while not frames or frames[-1] < done:
                    await asyncio.sleep(0.0005)
                ws.append((frames[-1] - t0) * 1000)
                if ws[-1] > 40:
                    took = screen.keystroke_ms
                    print(f"    slow key {want!r}: {ws[-1]:.0f} ms (search+list {took:.1f} ms)")
                hs.append(screen.keystroke_ms)
                await asyncio.sleep(0.03)  # typing speed
            handler += hs
            wall += ws
            rows = len(screen.results.rows)
            print(
                f"  {q!r:28} search+list median {statistics.median(hs):5.1f} ms max {max(hs):5.1f};"
                f" key->frame median {statistics.median(ws):5.1f} ms max {max(ws):5.1f};"
                f" {rows} rows"
            )
        print(
            f"ALL {len(handler)} keys: search+list median {statistics.median(handler):.1f} ms,"
            f" p95 {pct(handler, 0.95):.1f}, max {max(handler):.1f}; key->frame median"
            f" {statistics.median(wall):.1f}, p95 {pct(wall, 0.95):.1f}, max {max(wall):.1f}"
        )
        await pilot.press("escape")
        await pilot.pause(0.1)
        t = time.perf_counter()
        app._driver.send_message(events.Key("slash", "/"))
        while screen is app.screen or getattr(app.screen, "answered", None) is None:
            await asyncio.sleep(0.001)
        took = (time.perf_counter() - t) * 1000
        print(f"second visit (index kept): results for the same query after {took:.0f} ms")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python bench/bench_search_screen.py DB_FOLDER")
    asyncio.run(main(sys.argv[1]))
