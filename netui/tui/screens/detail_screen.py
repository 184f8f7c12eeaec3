"""The base of the screens opened over the main one that show contacts in detail panes
(review, sort, merge): one place that keeps those panes true, and one way to write from a key.

Two things change a diary under such a screen: `D` in one of its panes (the app posts
DataChanged once the entry is deleted), and the diary finishing its load (the main screen
loads it in a thread after the first frame: ~1 s for 100,000 entries, and `r` or `U` may
come first; the panes say "Loading the diary…" meanwhile). Both end in `redraw`.

A bulk write (a sorted group, the gone-cold group: thousands of records, seconds) runs in a
thread. Meanwhile the screen shows that it is writing instead of panes the write is about to
change, and refuses every key with a "Still writing…" notice: a key pressed then once acted
on the person the write was moving past (`hold_keys` / `keys_back`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from textual import events, work
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from netui.core import dates
from netui.core.db.store import Store
from netui.core.errors import NetuiError
from netui.tui.messages import DataChanged
from netui.tui.widgets.status import say

ResultT = TypeVar("ResultT")
T = TypeVar("T")  # what a write returns, for its notice


class DetailScreen(Screen[ResultT]):
    """Subclasses draw in `redraw`; it runs again whenever their diary changes."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.today = dates.today()
        self.writing: str | None = None  # what a bulk write in a thread is doing, if one is

    def hold_keys(self, doing: str) -> None:
        """A bulk write starts (`doing`: what it does, in words): no key acts until it ends."""
        self.writing = doing
        self.refresh_bindings()
        self.redraw()

    def keys_back(self) -> None:
        """The bulk write ended: draw what the store holds now, and take keys again."""
        self.writing = None
        self.refresh_bindings()
        self.redraw()

    def show_writing(self, stale: Iterable[Widget], panel: Static) -> bool:
        """While a bulk write runs: hide the panes it will change, say so in `panel`; True."""
        if self.writing is None:
            return False
        for widget in stale:
            widget.display = False
        panel.display = True
        panel.update(
            Content("\n").join(
                [
                    Content.styled(f"Still writing: {self.writing}…", "bold"),
                    Content.styled("Keys wait until it is done.", "dim"),
                ]
            )
        )
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Every key is shown dimmed while a bulk write runs (`on_key` says why)."""
        return None if self.writing is not None else True

    def on_key(self, event: events.Key) -> None:
        """A key during a bulk write is refused, visibly, before any binding sees it."""
        if self.writing is not None:
            event.stop()
            event.prevent_default()
            self.notify(
                f"Still writing: {self.writing}… keys wait until it is done",
                severity="warning",
                markup=False,
            )

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
        """One store write from a key; say what happened (the status line) or why it failed
        (a toast), then redraw."""
        try:
            result = change()
        except NetuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
        else:
            say(self, done(result))
        self.redraw()
