"""How fast the TUI is at scale: 10,000 contacts and 100,000 conversations (issue 3, issue 8).

Prints, with medians of several runs:
  - floor: a bare Textual app (header, two lines of text, footer) started in a pseudo-terminal
    until its text is on the terminal: Python and Textual start-up, which no Textual app beats;
  - `netui` to the first full screen: started the same way until the contacts list and the
    follow-up queue, filled, are on the terminal;
  - the imports before either app runs (`python -c`): the bare app's, netui's for the TUI;
  - in the running app: the first frame, and where its time goes (store, panes);
  - a stage key (`c`, durable: the store write and its fsync) until the screen shows the
    change, and the same for `]`; the append + fsync of one line as the floor of a durable
    write on this disk; the key until its notice is painted on the status line;
  - a cursor key (`j`) until the detail pane shows the next contact.
  - `]` pressed 1.5 s after the first frame while the diary loads and another process keeps
    a core busy, until the screen shows the change;
  - the diary loaded, then `/` and a word until its results show: the search index built,
    the app's largest footprint (its peak memory is the TUI's peak).
Targets (issue 12): first screen <= 1.5x the bare app's, stage key <= 20 ms, `]` to its notice
<= 40 ms, the busy key <= 150 ms; peak memory <= 250 MiB (bench/run's memory row). Each
number for bench/run's table is a `BENCH {json}` line (bench/README.md).

    .venv/bin/python -m bench.bench_tui [--db FOLDER] [--runs 5] [--keys-only]

bench/run passes a scratch copy of the large corpus in NETUI_BENCH_DB; by hand, --db names
a database to copy (never written to), else 10,000 contacts and 100,000 conversations are
generated into a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import resource
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path

from bench.bulk import bulk_data
from netui.core.config import Settings
from netui.core.dates import today
from netui.core.db.store import Store
from netui.core.demo import load_into

SIZE = (120, 40)
SEARCHED_WORD = "quillwort"
FIRST_SCREEN_TARGET_RATIO = 1.5  # of the bare Textual app's first screen (issue 12)
FIRST_SCREEN_PAIRS = 11  # the fewest alternating (bare app, netui) launches for that row
STAGE_KEY_TARGET_MS = 20
NOTICE_TARGET_MS = 40  # a stage key until its notice is painted
BUSY_KEY_TARGET_MS = 150  # the same key 1.5 s after the first frame, another process busy
BUSY_KEY_AFTER_S = 1.5
# What the first frame's time inside the app goes to (the first page includes the card).
FIRST_FRAME_PARTS = ("first page", "detail pane")
MARKERS = (b"Contacts (", b"Follow-up (")  # both pane titles: the lists are drawn

# The floor: Textual's own start-up, drawing the same two titles.
BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("Contacts (0)")
        yield Static("Follow-up (0)")
        yield Footer()

Bare().run()
"""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bench_line(operation: str, seconds: float, **extra: object) -> None:
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fields = {"operation": operation, "value_ms": round(seconds * 1000, 1), **extra}
    fields.setdefault("peak_mib", round(peak_mib))
    print("BENCH " + json.dumps(fields, ensure_ascii=False), flush=True)


# -- the database ------------------------------------------------------------------------------


def database(folder: Path, given: str | None, contacts: int, conversations: int) -> Path:
    """A database the benchmark may write to: a copy of the given one, or a generated one."""
    db = folder / "db"
    if given:
        shutil.copytree(given, db)
        return db
    started = time.perf_counter()
    data = bulk_data(today(), contacts, conversations)
    with Store.open(db, settings=Settings()) as store:
        load_into(store, data, description="Benchmark data")
    print(f"generated {contacts} contacts, {conversations} conversations "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    return db


# -- whole processes in a pseudo-terminal ---------------------------------------------------------


def first_screen(argv: list[str], env: dict[str, str], quit_key: bytes) -> float:
    """Seconds from spawning `argv` in a pty until every marker is on the terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "TERM": "xterm-256color", **env},
        close_fds=True,
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
        if all(marker in seen for marker in MARKERS):
            elapsed = time.perf_counter() - started
            break
    os.write(master, quit_key)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    os.close(master)
    if elapsed is None:
        raise SystemExit(f"{argv[-1]} never drew its first screen (30 s)")
    return elapsed


# What `netui` with no command imports before its app runs (the parser as `main` builds it for
# no command, the launcher, the app and its first screen), next to the bare app's imports.
NETUI_IMPORTS = (
    "from netui.cli import build_parser, command_modules; "
    "build_parser(command_modules([])); "
    "import netui.cli.tui_launch, netui.tui.app"
)
BARE_IMPORTS = "from textual.app import App; from textual.widgets import Footer, Header, Static"


def import_split(runs: int) -> dict[str, float]:
    """Median seconds of `python -c` for: nothing, the bare app's imports, netui's imports
    for the TUI (alternated, fresh processes): where the first screen's time goes before
    any app code runs."""
    statements = {"interpreter": "pass", "bare app imports": BARE_IMPORTS, "netui": NETUI_IMPORTS}
    times: dict[str, list[float]] = {name: [] for name in statements}
    for _ in range(runs):
        for name, statement in statements.items():
            begin = time.perf_counter()
            subprocess.run([sys.executable, "-c", statement], check=True)
            times[name].append(time.perf_counter() - begin)
    return {name: statistics.median(spent) for name, spent in times.items()}


def first_screens(db: Path, runs: int) -> tuple[list[float], list[float]]:
    """(bare Textual app, netui) first-screen times, alternated so load hits both alike."""
    netui = str(Path(sys.executable).with_name("netui"))
    bare, ours = [], []
    for _ in range(runs):
        bare.append(first_screen([sys.executable, "-c", BARE_APP], {}, b"\x11"))  # ctrl+q
        ours.append(first_screen([netui], {"NETUI_DB": str(db)}, b"q"))
    return bare, ours


# -- inside the running app ----------------------------------------------------------------------


async def painted(app) -> None:
    """Wait until the screen has been repainted (the next refresh after now)."""
    done = asyncio.Event()
    app.call_after_refresh(done.set)
    await done.wait()


class Timings:
    """Wall time of some methods, by label, while the app runs."""

    def __init__(self) -> None:
        self.seen: dict[str, list[float]] = {}
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner: type, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            begin = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seen.setdefault(label, []).append(time.perf_counter() - begin)

        setattr(owner, name, timed)
        self._undo.append(lambda: setattr(owner, name, original))

    def restore(self) -> None:
        for undo in reversed(self._undo):
            undo()


def append_fsync_floor(folder: Path, runs: int) -> float:
    """The least a durable change costs on this disk: append one line and fsync it."""
    path = folder / "floor.log"
    times = []
    with open(path, "ab") as out:
        for n in range(runs):
            begin = time.perf_counter()
            out.write(f"stage change {n}\n".encode())
            out.flush()
            os.fsync(out.fileno())
            times.append(time.perf_counter() - begin)
    return statistics.median(times)


def send_key(app, key: str) -> None:
    """Deliver a key the way the terminal driver does (`pilot.press` also waits for idle)."""
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


async def press_and_time(
    app, main, key: str, timings: Timings, notice: bool = True
) -> tuple[float, float]:
    """(key -> screen repainted, key -> its notice painted), as the driver delivers a key.

    The notice is painted by the first refresh after the status line was given its text
    (as strict as the toast it replaced: the first refresh after the toast was mounted).
    An error says so in a toast, never on the status line: it stops the benchmark."""
    from netui.tui.widgets.status import StatusLine

    line = main.query_one(StatusLine)
    noticed: list[float] = []

    def show(text: str) -> None:
        StatusLine.show(line, text)
        app.call_after_refresh(lambda: noticed.append(time.perf_counter()))

    line.show = show  # the one status line of this screen; removed below
    writes = len(timings.seen.get("write", []))
    begin = time.perf_counter()
    try:
        send_key(app, key)
        while len(timings.seen.get("write", [])) == writes:
            await asyncio.sleep(0)
        await painted(app)
        shown = time.perf_counter() - begin
        while notice and not noticed:
            if app.screen.query("Toast"):
                raise SystemExit(f"key {key} failed: {app._notifications}")
            await asyncio.sleep(0.001)
    finally:
        del line.show
    return shown, noticed[0] - begin if notice else shown


async def in_app(db: Path, presses: int) -> dict[str, list[float]]:
    """First frame, stage keys and cursor moves, timed inside the running app the way the
    `netui` command starts it (lazy store, collector paused until the diary is in)."""
    from netui.tui import startup_gc
    from netui.tui.app import NetuiApp, make_app
    from netui.tui.followups import FollowUps
    from netui.tui.screens.main import MainScreen
    from netui.tui.widgets.contacts import ContactsPane
    from netui.tui.widgets.detail import DetailPane
    from netui.tui.widgets.queue import QueuePane

    timings = Timings()
    timings.wrap(MainScreen, "sync", "sync")
    timings.wrap(MainScreen, "_show_first_page", "first page")
    timings.wrap(FollowUps, "update", "rows")
    timings.wrap(ContactsPane, "set_rows", "contacts pane")
    timings.wrap(QueuePane, "set_items", "queue pane")
    timings.wrap(DetailPane, "show", "detail pane")
    timings.wrap(MainScreen, "_write", "write")
    timings.wrap(Store, "set_stage", "store write")
    timings.wrap(Store, "step_stage", "store write")
    results: dict[str, list[float]] = {}
    startup_gc.pause()
    started = time.perf_counter()
    # `c` makes the step at once (log_on_step would open the log form: no write to time).
    store = Store.open(db, settings=Settings(log_on_step=False), lazy=True)
    # As the launcher does: the digest rows it checked draw the first frame (its first page).
    app = make_app(store, poll_seconds=0, digest_rows=store.digest_rows())
    first: list[float] = []
    # Textual's Ready: the first frame is displayed (a callback after a refresh may run
    # later, after the whole lists are built, which the app does on Ready).
    ready = NetuiApp.on_ready

    def painted_first(self: NetuiApp) -> None:
        first.append(time.perf_counter() - started)
        ready(self)

    NetuiApp.on_ready = painted_first  # type: ignore[method-assign]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        while not first:
            await asyncio.sleep(0.001)
        NetuiApp.on_ready = ready  # type: ignore[method-assign]
        results["first frame"] = first
        for label in FIRST_FRAME_PARTS:
            results[f"first frame: {label}"] = timings.seen.pop(label)
        for label in ("sync", "rows", "contacts pane", "queue pane"):  # after the first frame
            timings.seen.pop(label, None)
        main = app.main_screen
        while main.diary_loading:  # the diary loads in a thread after the first frame
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        table = main.contacts.table
        for key, stage_name in (("c", "called"), ("right_square_bracket", "coffee")):
            shown_times, notice_times = [], []
            for _ in range(presses):
                while store.get(table.current_key).stage.value in (stage_name, "coffee"):
                    await pilot.press("j")
                await pilot.pause(0.3)  # the previous notice's frames are done
                shown, noticed = await press_and_time(app, main, key, timings)
                shown_times.append(shown)
                notice_times.append(noticed)
                await pilot.pause(0.1)
                await main.run_action("undo")
                await pilot.press("j")
            results[f"stage key {key}"] = shown_times
            results[f"stage key {key}: notice shown"] = notice_times
        results["stage key: store write"] = timings.seen["store write"]
        move_times = []
        for _ in range(presses):
            await pilot.pause(0.1)
            below = table.rows[table.cursor + 1].contact.id
            begin = time.perf_counter()
            send_key(app, "j")
            while main.detail.contact_id != below:
                await asyncio.sleep(0)
            await painted(app)
            move_times.append(time.perf_counter() - begin)
        results["cursor key j"] = move_times
    timings.restore()
    store.close()
    startup_gc.resume()
    return results


async def busy_key(db: Path) -> float:
    """`]` pressed 1.5 s after the first frame, while the diary loads and another process
    keeps a core busy: until the screen shows the change."""
    from netui.tui import startup_gc
    from netui.tui.app import make_app
    from netui.tui.screens.main import MainScreen

    timings = Timings()
    timings.wrap(MainScreen, "_write", "write")
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        startup_gc.pause()
        store = Store.open(db, settings=Settings(), lazy=True)
        app = make_app(store, poll_seconds=0, digest_rows=store.digest_rows())  # as launched
        first: list[float] = []
        app.call_after_refresh(lambda: first.append(time.perf_counter()))
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            while not first:
                await asyncio.sleep(0.001)
            await asyncio.sleep(max(0.0, first[0] + BUSY_KEY_AFTER_S - time.perf_counter()))
            main = app.main_screen
            if store.conversations_loaded:
                print("the diary was in before the key: the key did not compete with it")
            shown, _ = await press_and_time(
                app, main, "right_square_bracket", timings, notice=False
            )
            while main.loading:
                await pilot.pause(0.05)
        store.close()
    finally:
        burner.kill()
        burner.wait()
        timings.restore()
        startup_gc.resume()
    return shown


async def searched(db: Path) -> tuple[float, float]:
    """The whole app used as a user does at the end of a day: the diary loaded, then `/` and a
    word typed until its results are on the screen (the search index built in its worker).
    Returns that time and the process's peak memory in MiB: the app's largest footprint."""
    from netui.tui.app import make_app
    from netui.tui.screens.search import SearchScreen

    store = Store.open(db, settings=Settings(), lazy=True)
    app = make_app(store, poll_seconds=0)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        main = app.main_screen
        while main.loading or not store.conversations_loaded:
            await pilot.pause(0.05)
        begin = time.perf_counter()
        await pilot.press("slash", *SEARCHED_WORD)
        screen = app.screen
        while not (isinstance(screen, SearchScreen) and screen.shown_query == SEARCHED_WORD):
            await pilot.pause(0.01)
            screen = app.screen
        took = time.perf_counter() - begin
    store.close()
    return took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_a_child(flag: str, db: Path) -> list[float]:
    """One of the steps above in a fresh process: a fresh start, and the peak memory it
    reports is that of one app. The child prints `RESULT` and its numbers last."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.bench_tui", flag, "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    if "did not compete" in proc.stdout:
        print(f"busy key: {proc.stdout.splitlines()[0]}")
    return [float(n) for n in proc.stdout.split("RESULT ")[-1].split()]


def busy_key_in_a_child(db: Path) -> float:
    """`busy_key` in a fresh process: a fresh start, and this process's peak memory stays
    that of one app."""
    return in_a_child("--busy-key", db)[0]


def print_stage_keys(inside: dict[str, list[float]], floor_write: float) -> None:
    """What `in_app` measured of the stage keys, in words."""
    median = statistics.median
    for key in ("c", "right_square_bracket"):
        shown = inside[f"stage key {key}"]
        print(f"stage key {key} -> screen updated: median {ms(median(shown))}, "
              f"worst {ms(max(shown))} (target <= {STAGE_KEY_TARGET_MS} ms); "
              f"notice shown {ms(median(inside[f'stage key {key}: notice shown']))}")  # fmt: skip
    write = median(inside["stage key: store write"])
    print(f"  of which the store write (with fsync): median {ms(write)}; "
          f"append + fsync of one line: {ms(floor_write)}")  # fmt: skip


def stage_key_rows(inside: dict[str, list[float]], floor_write: float) -> None:
    """The stage keys' rows of bench/run's table."""
    median = statistics.median
    bench_line(
        "TUI: stage key c -> screen updated (durable)",
        median(inside["stage key c"]),
        target_ms=STAGE_KEY_TARGET_MS,
        floor="append + fsync",
        floor_ms=round(floor_write * 1000, 2),
    )
    bench_line(
        "TUI: stage key ] -> screen updated (durable)",
        median(inside["stage key right_square_bracket"]),
        target_ms=STAGE_KEY_TARGET_MS,
    )
    bench_line("TUI: stage key c -> notice shown", median(inside["stage key c: notice shown"]))
    bench_line(
        "TUI: stage key ] -> notice shown",
        median(inside["stage key right_square_bracket: notice shown"]),
        target_ms=NOTICE_TARGET_MS,
    )


def keys_only(db_given: str | None, contacts: int, conversations: int, presses: int) -> None:
    """Only the in-app keys (`--keys-only`, about a minute): the stage keys' rows and the
    cursor key's, for trying a change to what a key redraws without the whole benchmark."""
    folder = Path(tempfile.mkdtemp(prefix="netui-bench-tui-"))
    try:
        db = database(folder, db_given, contacts, conversations)
        inside = asyncio.run(in_app(db, presses=presses))
        floor_write = append_fsync_floor(folder, 50)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print_stage_keys(inside, floor_write)
    print(f"cursor key j -> detail redrawn: median {ms(statistics.median(inside['cursor key j']))}")
    stage_key_rows(inside, floor_write)
    bench_line("TUI: cursor key j -> detail redrawn", statistics.median(inside["cursor key j"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("NETUI_BENCH_DB"))
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("NETUI_BENCH_RUNS", 5)))
    parser.add_argument("--busy-key", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--searched", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--keys-only",
        action="store_true",
        help="only the keys in the running app (stage keys c and ], cursor key j): "
        "--runs x 2 presses of each",
    )
    args = parser.parse_args()
    if args.busy_key:  # one run of `busy_key`, on this very database (a scratch copy)
        print(f"RESULT {asyncio.run(busy_key(Path(args.db)))}")
        return
    if args.searched:  # one run of `searched`, likewise
        print("RESULT {} {}".format(*asyncio.run(searched(Path(args.db)))))
        return
    runs = max(args.runs, 3)
    if args.keys_only:
        keys_only(args.db, args.contacts, args.conversations, presses=max(runs * 2, 10))
        return
    folder = Path(tempfile.mkdtemp(prefix="netui-bench-tui-"))
    try:
        db = database(folder, args.db, args.contacts, args.conversations)
        # Two ~200 ms processes a pair: a median of 3 pairs swung 1.3x-1.8x between runs
        # minutes apart on this 2-core machine, so this row takes at least 11 pairs (~6 s).
        bare, ours = first_screens(db, max(runs, FIRST_SCREEN_PAIRS))
        imports = import_split(runs)
        inside = asyncio.run(in_app(db, presses=max(runs * 2, 10)))
        busy = [busy_key_in_a_child(db) for _ in range(runs)]
        search_took, search_peak = in_a_child("--searched", db)
        floor_write = append_fsync_floor(folder, 50)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    median = statistics.median
    print(f"bare Textual app to its first frame: median {ms(median(bare))} (the floor)")
    first_target_ms = round(median(bare) * 1000 * FIRST_SCREEN_TARGET_RATIO)
    print(f"netui to the first full screen: median {ms(median(ours))}, best {ms(min(ours))} "
          f"(target <= {FIRST_SCREEN_TARGET_RATIO}x the bare app: "
          f"{first_target_ms} ms)")  # fmt: skip
    print(f"imports (python -c, median): interpreter alone {ms(imports['interpreter'])}, "
          f"the bare app's {ms(imports['bare app imports'])}, "
          f"netui's for the TUI {ms(imports['netui'])}")  # fmt: skip
    print(f"in the app, store opened -> first frame: {ms(inside['first frame'][0])}, of which")
    for label in FIRST_FRAME_PARTS:
        print(f"  {label}: {ms(inside[f'first frame: {label}'][0])}")
    print("  (the lists' first page from the digest; the whole lists are built after the frame)")
    print_stage_keys(inside, floor_write)
    print(f"cursor key j -> detail redrawn: median {ms(median(inside['cursor key j']))}")
    print(f"key ] {BUSY_KEY_AFTER_S} s after the first frame, a core kept busy: median "
          f"{ms(median(busy))}, worst {ms(max(busy))} "
          f"(target <= {BUSY_KEY_TARGET_MS} ms)")  # fmt: skip

    bench_line(
        "TUI: netui to first full screen",
        median(ours),
        target_ms=first_target_ms,
        floor="bare Textual app",
        floor_ms=round(median(bare) * 1000, 1),
    )
    bench_line(
        "TUI: imports before the app runs (python -c)",
        imports["netui"],
        floor="bare Textual app's imports",
        floor_ms=round(imports["bare app imports"] * 1000, 1),
    )
    bench_line("TUI: first frame in-process (store open -> frame)", inside["first frame"][0])
    stage_key_rows(inside, floor_write)
    bench_line(
        f"TUI: key ] {BUSY_KEY_AFTER_S} s after the first frame, a core busy -> screen updated",
        median(busy),
        target_ms=BUSY_KEY_TARGET_MS,
    )
    bench_line("TUI: cursor key j -> detail redrawn", median(inside["cursor key j"]))
    print(f"diary loaded, then / and {SEARCHED_WORD!r} -> results (the index built): "
          f"{ms(search_took)}; peak memory of that app {search_peak:.0f} MiB")  # fmt: skip
    bench_line(
        f"TUI: diary loaded, / and {SEARCHED_WORD!r} -> results (index built in a worker)",
        search_took,
        peak_mib=round(search_peak),
    )


if __name__ == "__main__":
    main()
