"""The status line: one row above the footer that says what the last key did
("Dana Kim: now coffee — u to undo").

Textual's own notice is a toast: mounting one lays out the whole screen (15-30 ms at
10,000 contacts), so the main screen used to show it a frame after the change, and `]`
took ~70 ms to its notice. Here a notice replaces the text of one fixed-size line, which
repaints that line alone, in the same frame as the change. It stays until the next
notice, dimmed once it is no longer news, so a user who looked away can still read it.

Only what went right is said here. Errors and warnings stay toasts (`notify`): an error
means the change did not happen, and it must be seen where the eye is not looking, in the
error colour, for longer; their layout cost does not matter on the failure path.

Screens say a notice by posting `Notice` to the app (`say`): the app shows it on the
status line of the screen the user sees once any dialog over it closes (`show_notice`).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Static

from netui.tui.format import safe
from netui.tui.messages import Notice


class StatusLine(Static):
    """The last notice, as plain text (user text is never markup), on one line."""

    FRESH_SECONDS = 8.0  # a toast's 5 s, and a little more: then dimmed, not gone

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id)
        self._fade: Timer | None = None

    def show(self, text: str) -> None:
        """Replace the notice: one line repainted, no layout (the line's size is fixed)."""
        self.update(Content(safe(text)), layout=False)
        self.remove_class("-old")
        if self._fade is not None:
            self._fade.stop()
        self._fade = self.set_timer(self.FRESH_SECONDS, self._age)

    def _age(self) -> None:
        self._fade = None
        self.add_class("-old")


def say(node: DOMNode, text: str) -> None:
    """Post a notice to the app from any screen or widget (a dialog about to close too)."""
    node.app.post_message(Notice(text))


def show_notice(stack: Sequence[Screen], text: str) -> bool:
    """Show `text` on the status line of the topmost screen that has one, looking through
    dialogs (a notice said as a dialog closes belongs to the screen under it). False if
    the user would not see it there (a full screen without a status line is on top)."""
    for screen in reversed(stack):
        lines = screen.query_children(StatusLine)
        if lines:
            lines.first().show(text)
            return True
        if not isinstance(screen, ModalScreen):
            return False
    return False
