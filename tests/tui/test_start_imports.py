"""`netui` with no command paints its first screen without importing what only other commands,
other screens or later keys need: each of those modules cost the first screen milliseconds
(issue 12: ~80 ms more imports than a bare Textual app). Checked on `sys.modules` of a fresh
process started the way the `netui` command starts the TUI, never on a clock."""

from __future__ import annotations

import subprocess
import sys

from netui.core.db.store import Store

# Run in a fresh interpreter: `main()` as the `netui` script calls it, the app run under
# `run_test` until its first frame (list, queue and card painted), then the modules printed.
FIRST_SCREEN = """
import asyncio, sys
from netui.cli import main
from netui.tui.app import NetuiApp

def first_screen(app):
    async def run():
        painted = asyncio.Event()
        app.call_after_refresh(painted.set)
        async with app.run_test(size=(120, 36)):
            await painted.wait()
            main_screen = app.main_screen
            assert main_screen.contacts.table.rows and main_screen.queue.table.rows
            assert main_screen.detail.contact_id is not None
            print("MODULES", " ".join(sorted(sys.modules)))
    asyncio.run(run())

NetuiApp.run = first_screen
sys.exit(main(["--db", sys.argv[1]]))
"""

# What the first screen must not wait for: the other commands' modules and the core only they
# use, the screens opened by a key, the search engine, git sync, the demo generator, import/export.
NOT_BEFORE_THE_FIRST_SCREEN = (
    "netui.cli.contacts_cmds",
    "netui.cli.io_cmds",
    "netui.cli.search_cmds",
    "netui.cli.sync_cmds",
    "netui.core.db.doctor",
    "netui.core.demo",
    "netui.core.followup.matches",
    "netui.core.followup.review",
    "netui.core.io",
    "netui.core.search.engine",
    "netui.core.sync.git",
    "netui.tui.screens.capture",
    "netui.tui.screens.import_",
    "netui.tui.screens.introduction",
    "netui.tui.screens.mail",
    "netui.tui.screens.merge",
    "netui.tui.screens.review",
    "netui.tui.screens.search",
    "netui.tui.screens.sort",
    "netui.tui.screens.stats",
    "netui.tui.screens.thank_you",
)


def test_the_first_screen_imports_nothing_it_does_not_draw(demo_store: Store) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN, str(demo_store.path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split("MODULES ", 1)[1].split())
    assert "netui.tui.screens.main" in loaded  # the first screen was really drawn
    assert sorted(loaded.intersection(NOT_BEFORE_THE_FIRST_SCREEN)) == []
