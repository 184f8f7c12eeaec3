"""How fast the TUI is at scale: 10,000 contacts and 100,000 conversations.

Prints four numbers (median of several runs where it makes sense):
  - process to first full screen: `netui --db X` started in a pseudo-terminal until the
    contacts list and the queue are on the terminal (includes Python and Textual imports);
  - in-process first screen: opening the store until the first frame of the app is drawn;
  - stage key: pressing `t` until the panes are redrawn (store write, fsync, redraw);
  - cursor move: `j` in the contacts list until the detail pane shows the next contact.
Targets: first screen <= 0.5 s, stage change <= 20 ms.

    .venv/bin/python -m bench.bench_tui [--contacts 10000] [--conversations 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from netui.core.config import Settings
from netui.core.dates import today
from netui.core.demo import bulk_data, load_into
from netui.core.store import Store

SIZE = (120, 40)


def build(folder: Path, contacts: int, conversations: int) -> Path:
    db = folder / "db"
    started = time.perf_counter()
    data = bulk_data(today(), contacts, conversations)
    with Store.open(db, settings=Settings()) as store:
        load_into(store, data, description="Benchmark data")
    print(f"generated {contacts} contacts, {conversations} conversations "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    return db


def process_first_screen(db: Path, runs: int) -> list[float]:
    """Seconds from spawning `netui` in a pty until the contacts and queue panes are drawn."""
    times = []
    netui = Path(sys.executable).with_name("netui")
    for _ in range(runs):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "NETUI_DB": str(db)}
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(netui)], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
        )
        os.close(slave)
        seen = b""
        elapsed = None
        while time.perf_counter() - started < 30:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
            if b"Follow-up (" in seen and b"Contacts (" in seen:
                elapsed = time.perf_counter() - started
                break
        os.write(master, b"q")
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(master)
        if elapsed is None:
            raise SystemExit("netui never drew its first screen (30 s)")
        times.append(elapsed)
    return times


async def painted(app) -> None:
    """Wait until the screen has been repainted (the next refresh after now)."""
    done = asyncio.Event()
    app.call_after_refresh(done.set)
    await done.wait()


async def in_app(db: Path, presses: int) -> tuple[float, list[float], list[float]]:
    """First frame, then the stage key and the cursor key, timed inside the running app.

    A key is timed from its action (what the binding calls) to the repaint that shows the
    result, so the figures hold the store write, its fsync, the panes' update and the paint.
    """
    from netui.tui.app import make_app

    started = time.perf_counter()
    store = Store.open(db, settings=Settings())
    app = make_app(store, poll_seconds=0)
    first_frame: list[float] = []
    app.call_after_refresh(lambda: first_frame.append(time.perf_counter() - started))
    stage_times, move_times, action_times = [], [], []
    async with app.run_test(size=SIZE) as pilot:
        main = app.main_screen
        while main.loading:  # the diary loads in a thread after the first frame
            await pilot.pause(0.05)
        await pilot.pause()
        table = main.contacts.table
        for _ in range(presses):
            begin = time.perf_counter()
            await main.run_action("mark('thanked')")
            action_times.append(time.perf_counter() - begin)
            await painted(app)
            stage_times.append(time.perf_counter() - begin)
            await main.run_action("undo")
            await pilot.press("j")
            await pilot.pause()
        for _ in range(presses):
            begin = time.perf_counter()
            await table.run_action("cursor_down")
            while main.detail.contact_id != table.current_key:
                await asyncio.sleep(0)
            await painted(app)
            move_times.append(time.perf_counter() - begin)
    store.close()
    print(f"  of which the action (store write with fsync, then the panes' update): "
          f"median {ms(statistics.median(action_times))}")  # fmt: skip
    return first_frame[0], stage_times, move_times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="netui-bench-tui-"))
    try:
        db = build(folder, args.contacts, args.conversations)
        process = process_first_screen(db, args.runs)
        first, stage, move = asyncio.run(in_app(db, presses=10))
        print(f"process to first full screen: median {ms(statistics.median(process))}, "
              f"best {ms(min(process))} (target <= 500 ms)")  # fmt: skip
        print(f"in-process first screen (store open -> first frame): {ms(first)}")
        print(f"stage key t -> panes redrawn: median {ms(statistics.median(stage))}, "
              f"worst {ms(max(stage))} (target <= 20 ms)")  # fmt: skip
        print(f"cursor key j -> detail redrawn: median {ms(statistics.median(move))}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
