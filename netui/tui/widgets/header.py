"""The main screen's header: Textual's own, with the counts beside the title.

The counts (overdue, due today, contacts) change with most keys. Setting them as the
screen's `sub_title` repaints the whole screen and lays it out again (~15 ms at 10,000
contacts, most of a stage key's budget); here only the title line is redrawn. The
unsorted count is a link: clicking it opens the Sort screen (as `U` does).
"""

from __future__ import annotations

from textual.content import Content
from textual.events import Click
from textual.widgets import Header, Static

SORT_ACTION = "screen.sort_inbox"


class CountsHeader(Header):
    counts = ""
    unsorted = 0

    def format_title(self) -> Content:
        title = self.app.format_title(self.screen_title, self.counts)
        if not self.unsorted:
            return title
        link = Content.from_markup(
            f"[@click={SORT_ACTION}]$n unsorted[/]", n=f"{self.unsorted:,}"
        ).stylize("bold $warning")
        return Content.assemble(title, (" · ", "dim"), link)

    def show_counts(self, counts: str, unsorted: int = 0) -> None:
        if (counts, unsorted) == (self.counts, self.unsorted):
            return
        self.counts, self.unsorted = counts, unsorted
        if self.is_mounted:
            # One line whatever the text: no layout needed.
            self.query_one("HeaderTitle", Static).update(self.format_title(), layout=False)

    def _on_click(self, event: Click) -> None:  # type: ignore[override]  # Header takes none
        """A click is for the unsorted link, not for Textual's tall-header toggle."""
        event.prevent_default()
