"""A read-only view of any amount of text that draws only the lines on screen.

A `TextArea` took 2.3 s to load a 5 MB note and 3.4 s to page through 100,000 tags joined
on one line (measured on textual 8.2.8): it lays out the whole document. Here the text is
cut into screen-wide lines once per width (about 20 ms for 5 MB) and `render_line` escapes
and draws just the visible ones, as toolong does for log files.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from netui.tui.format import safe_block


def wrap_lines(text: str, width: int) -> list[str]:
    """The text cut at line breaks and every `width` characters (no word wrapping: a 5 MB
    line has no good place to break, and this stays linear)."""
    width = max(width, 1)
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        if len(paragraph) <= width:
            lines.append(paragraph)
        else:
            lines.extend(paragraph[i : i + width] for i in range(0, len(paragraph), width))
    return lines


class LongText(ScrollView, can_focus=True):
    """User text shown literally (control characters escaped), however long."""

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text
        self._lines: list[str] = []
        self._wrapped_at = -1

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def on_resize(self) -> None:
        self._rewrap()

    def on_mount(self) -> None:
        self._rewrap()

    def _rewrap(self) -> None:
        width = self.scrollable_content_region.width or self.size.width
        if width <= 0 or width == self._wrapped_at:
            return
        self._wrapped_at = width
        self._lines = wrap_lines(self.text, width)
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        style = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, style)
        shown = safe_block(self._lines[index]).replace("\n", " ")
        return Strip([Segment(shown, style)]).crop_extend(0, width, style)
