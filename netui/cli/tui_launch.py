"""`netui` with no command: open the TUI on the user's database, or on demo data with --demo."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from netui.cli.context import Context, fail
from netui.core.config import Settings
from netui.core.dates import today
from netui.core.db.store import Store
from netui.core.errors import NetuiError


def run_tui(ctx: Context, demo: bool = False) -> int:
    """Run the app until the user quits; user-caused errors become one line on stderr."""
    from netui.tui import startup_gc

    startup_gc.pause()  # the main screen resumes it once the diary is loaded
    try:
        return _run(ctx, demo)
    finally:
        startup_gc.resume()


def _run(ctx: Context, demo: bool) -> int:
    from netui.tui.app import make_app  # Textual loads only when the TUI is wanted.

    if not demo:
        ctx.print_notices = False  # the app shows them
        try:
            store = ctx.store
            # A refused record is one line here, not a traceback in the TUI. The digest
            # checks the records it is built from; reading it (~25 ms) instead of every
            # record (~300 ms) lets the first screen come from it (tui/followups.py), which
            # is given these rows rather than reading them again.
            rows = store.digest_rows()
            # Read when first asked for by a lazy store: refused here too, not in the TUI.
            store.referrals()
            store.introductions()
        except NetuiError as exc:
            return fail(str(exc))
        make_app(store, notices=ctx.notices, digest_rows=rows).run()
        return 0
    from netui.core.demo import demo_data, load_into  # the demo's generator: only for --demo

    # The demo lives in a fresh temporary folder: never the user's data, gone on exit.
    folder = Path(tempfile.mkdtemp(prefix="netui-demo-"))
    try:
        with Store.open(folder / "db", settings=Settings()) as store:
            load_into(store, demo_data(today()))
            make_app(store, demo=True).run()
    except NetuiError as exc:
        return fail(str(exc))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0
