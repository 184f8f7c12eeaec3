"""The base of the screens opened over the main one that show contacts in detail panes
(review, sort, merge): one place that keeps those panes true, and one way to write from a key.

Two things change a diary under such a screen: `D` in one of its panes (the app posts
DataChanged once the entry is deleted), and the diary finishing its load (the main screen
loads it in a thread after the first frame: ~1 s for 100,000 entries, and `r` or `U` may
come first; the panes say "Loading the diary…" meanwhile). Both end in `redraw`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual import work
from textual.screen import Screen

from netui.core import dates
from netui.core.db.store import Store
from netui.core.errors import NetuiError
from netui.tui.messages import DataChanged

ResultT = TypeVar("ResultT")
T = TypeVar("T")  # what a write returns, for its notice


class DetailScreen(Screen[ResultT]):
    """Subclasses draw in `redraw`; it runs again whenever their diary changes."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.today = dates.today()

    def redraw(self) -> None:
        raise NotImplementedError

    def on_mount(self) -> None:
        """Runs after the subclass's own on_mount (Textual calls each class's handler)."""
        if not self.store.conversations_loaded:
            self.load_diary()

    @work(thread=True, exit_on_error=False, group="diary-load")
    def load_diary(self) -> None:
        """Opened before the main screen finished loading the diary: finish it off-thread,
        a month at a time (a key's write waits for one file, not the whole diary)."""
        self.store.load_conversations_in_slices()
        self.post_message(DataChanged())

    def on_data_changed(self, _: DataChanged) -> None:
        self.redraw()

    def _write(self, change: Callable[[], T], done: Callable[[T], str]) -> None:
        """One store write from a key; say what happened (or why it failed), then redraw."""
        try:
            result = change()
        except NetuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
        else:
            self.notify(done(result), markup=False)
        self.redraw()
