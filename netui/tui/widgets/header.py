"""The main screen's header: Textual's own, with the counts beside the title.

The counts (overdue, due today, contacts) change with most keys. Setting them as the
screen's `sub_title` repaints the whole screen and lays it out again (~15 ms at 10,000
contacts, most of a stage key's budget); here only the title line is redrawn.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Header, Static


class CountsHeader(Header):
    counts = ""

    def format_title(self) -> Content:
        return self.app.format_title(self.screen_title, self.counts)

    def show_counts(self, counts: str) -> None:
        if counts == self.counts:
            return
        self.counts = counts
        if self.is_mounted:
            # One line whatever the text: no layout needed.
            self.query_one("HeaderTitle", Static).update(self.format_title(), layout=False)
