"""A virtual table: it draws only the rows on screen, so 10,000 rows cost what 20 do.

`ListView` needs one widget per row (34 s for 10k rows) and `DataTable` measures every
cell when rows are added; here a row is any object, and `row_cells` turns it into cells
only when it scrolls into view. Subclasses say what a row looks like.

A drawn line is kept until its row object changes (rows are replaced, never mutated), so
after a stage key or a cursor move only the one or two changed lines are drawn again: drawing
every visible line took ~5 ms per table, a quarter of the 20 ms a key may take. The table keeps
its own copy of the row list (~20 us for 10,000 rows): callers keep theirs sorted in place, and
comparing a shared list with itself found no change, so panes stayed stale until a focus change.

The first frame may give only the rows a list can show (`set_rows(..., length=)`): the
scrollbar is drawn for all of them, and the whole list comes before any key is handled
(`tui/screens/main.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.signal import Signal
from textual.strip import Strip
from textual.widget import Widget

RowT = TypeVar("RowT")
LINE_CACHE_SIZE = 400  # a few screens of lines; cleared whole when full


@dataclass(frozen=True, slots=True)
class Column:
    """A column: fixed `width`, or a share (`flex`) of what is left; optional ones go first."""

    label: str
    width: int = 0
    flex: int = 0
    min_width: int = 4
    optional: bool = False
    justify: str = "left"


def retitle(pane: Widget, title: str, subtitle: str | None = None) -> None:
    """Set a pane's border title (and subtitle) only if it changed: setting one repaints the
    whole pane, even to the same text. A new title repaints the top border's row alone."""
    if str(pane.border_title) != title:
        set_title_row(pane, title)
    if subtitle is not None and str(pane.border_subtitle) != subtitle:
        pane.border_subtitle = subtitle


def set_title_row(pane: Widget, title: str) -> None:
    """Give a mounted pane a new border title, repainting only the row it is drawn on.

    Textual 8.2.8's `border_title` repaints the whole pane: the queue's title (its counts)
    changes after most stage keys, and redrawing its 15 rows of border took ~1-1.5 ms of the
    20 ms a key may take. This stores the title as that setter does and marks the top row,
    which is where it is drawn."""
    if not pane.is_mounted or not pane.size:
        pane.border_title = title
        return
    pane._border_title = pane.render_str(title).expand_tabs(4).split()[0]
    left, top = pane.content_offset  # a refreshed region is relative to the content
    pane.refresh(Region(-left, -top, pane.outer_size.width, 1))


def column_widths(columns: Sequence[Column], total: int) -> list[int]:
    """Share `total` cells between columns (one-cell gaps); dropped columns get 0."""
    kept = list(columns)
    while True:
        gaps = max(len([c for c in kept if c]) - 1, 0)
        fixed = sum(c.width for c in kept if not c.flex)
        mins = sum(c.min_width for c in kept if c.flex)
        optional = [c for c in kept if c.optional]
        if fixed + mins + gaps <= total or not optional:
            break
        kept.remove(optional[-1])
    spare = max(total - fixed - gaps, 0)
    flex_total = sum(c.flex for c in kept if c.flex) or 1
    widths = []
    given = 0
    flexible = [c for c in kept if c.flex]
    for column in columns:
        if column not in kept:
            widths.append(0)
        elif not column.flex:
            widths.append(column.width)
        elif column is flexible[-1]:
            widths.append(max(spare - given, 0))
        else:
            share = spare * column.flex // flex_total
            given += share
            widths.append(share)
    return widths


class RowMessage(Message):
    """Something happened on a table row; `key` names the row."""

    def __init__(self, table: RowTable, key: str) -> None:
        super().__init__()
        self.table = table
        self.key = key

    @property
    def control(self) -> RowTable:
        return self.table


class RowTable(ScrollView, Generic[RowT], can_focus=True):
    """Rows of any kind with a cursor; posts `Highlighted` and `Chosen` with the row's key.

    `highlighted_signal` says the same as `Highlighted` at once, for a listener that must
    redraw in the same frame as the cursor (a message arrives a frame, ~16 ms, later)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-table--header",
        "row-table--cursor",
        "row-table--empty",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "choose", "Open", show=False),
    ]
    COLUMNS: ClassVar[Sequence[Column]] = ()

    cursor: reactive[int] = reactive(0, always_update=False, init=False)

    class Highlighted(RowMessage):
        """The cursor landed on a row."""

    class Chosen(RowMessage):
        """The user pressed enter (or double-clicked) on a row."""

    def __init__(self, *, empty_text: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[RowT] = []
        self.empty_text = empty_text
        self._index: dict[str, int] | None = {}
        self._length = 0  # the rows the list has: more than `rows` on the first page
        self.highlighted_signal: Signal[str] = Signal(self, "highlighted")
        # id(row) -> (row, how it was drawn, line); the row is kept so its id is not reused.
        self._lines: dict[int, tuple[RowT, tuple, Strip]] = {}
        self._geometry: tuple[Size, Size, Size] | None = None  # see _size_updated

    # What a subclass provides.
    def row_key(self, row: RowT) -> str:
        raise NotImplementedError

    def row_cells(self, row: RowT) -> Sequence[Text]:
        raise NotImplementedError

    def row_style(self, row: RowT) -> Style | None:
        """An extra style for the whole row (e.g. overdue)."""
        return None

    # Data.
    def set_rows(
        self, rows: list[RowT], keep: str | None = None, length: int | None = None
    ) -> None:
        """Replace every row; the cursor stays on `keep` (a key) if it is still there.

        `rows` is copied: the caller may go on changing its list in place. `length`: the
        rows are the first of that many (a first page), drawn with the scrollbar of all."""
        before, top = self.rows, self.scroll_offset
        self.rows = rows = list(rows)
        self._length = len(rows) if length is None else length
        self._index = None
        self._update_virtual_size()
        wanted = self._find(keep) if keep is not None else None
        previous = self.cursor
        target = wanted if wanted is not None else min(self.cursor, max(len(rows) - 1, 0))
        self.set_reactive(RowTable.cursor, target)
        self._scroll_to_cursor()
        if target == previous and self.scroll_offset == top and before and rows:
            self._refresh_changed(before)
        else:
            self.refresh()
        if rows and (wanted is None or target != previous):
            self._highlight(self.row_key(rows[target]))

    def _refresh_changed(self, before: list[RowT]) -> None:
        """Redraw only the visible lines whose row changed (usually one after a key)."""
        first = round(self.scroll_offset.y)
        last = first + self._page
        rows = self.rows
        for index in range(first, min(last, max(len(rows), len(before)))):
            old = before[index] if index < len(before) else None
            new = rows[index] if index < len(rows) else None
            if old is not new:
                self.refresh_line(index + 1)  # line 0 is the header

    def _highlight(self, key: str) -> None:
        self.highlighted_signal.publish(key)
        self.post_message(self.Highlighted(self, key))

    def _find(self, key: str) -> int | None:
        """Where a row went: after a small change it is at the cursor or next to it."""
        for at in (self.cursor, self.cursor - 1, self.cursor + 1):
            if 0 <= at < len(self.rows) and self.row_key(self.rows[at]) == key:
                return at
        return self.index_of(key)

    def index_of(self, key: str) -> int | None:
        if self._index is None:  # built on demand: most redraws never need it
            self._index = {self.row_key(r): i for i, r in enumerate(self.rows)}
        return self._index.get(key)

    @property
    def current_key(self) -> str | None:
        if 0 <= self.cursor < len(self.rows):
            return self.row_key(self.rows[self.cursor])
        return None

    def select_key(self, key: str) -> bool:
        """Move the cursor to the row with this key; False if it is not shown."""
        index = self.index_of(key)
        if index is None:
            return False
        self.cursor = index
        return True

    # Geometry.
    def _update_virtual_size(self) -> None:
        width = self.scrollable_content_region.width
        self.virtual_size = Size(width, self._length + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Nothing to do when neither the table's size nor its rows changed since the last
        layout: Textual 8.2.8 passes a scroll view the viewport as its virtual size, never
        equal to the table's own (its rows), so every layout anywhere on the screen (a card
        changing height after `]`) redrew both tables' scrollbars (~1-2.5 ms)."""
        geometry = (size, container_size, self.virtual_size)
        if geometry == self._geometry:
            return False
        self._geometry = geometry
        return super()._size_updated(size, virtual_size, container_size, layout)

    @property
    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + self._page:
            self.scroll_to(y=self.cursor - self._page + 1, animate=False)

    def watch_cursor(self, old: int, new: int) -> None:
        top = self.scroll_offset
        self._scroll_to_cursor()
        if self.scroll_offset == top:
            self.refresh_line(old + 1)
            self.refresh_line(new + 1)
        else:
            self.refresh()
        if 0 <= new < len(self.rows):
            self._highlight(self.row_key(self.rows[new]))

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1))

    # Drawing.
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("row-table--header")
            cells = [Text(c.label, style="") for c in self.COLUMNS]
            return self._strip(cells, width, style)
        index = round(self.scroll_offset.y) + y - 1
        if not self.rows:
            if y == 1 and self.empty_text:
                style = base + self.get_component_rich_style("row-table--empty")
                return Strip([Segment(self.empty_text[:width].ljust(width), style)], width)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        how = (width, index == self.cursor, self.has_focus, self.line_context())
        cached = self._lines.get(id(row))
        if cached is not None and cached[0] is row and cached[1] == how:
            return cached[2]
        style = base
        extra = self.row_style(row)
        if extra is not None:
            style += extra
        if index == self.cursor:
            style += self.get_component_rich_style("row-table--cursor")
        line = self._strip(self.row_cells(row), width, style)
        if len(self._lines) >= LINE_CACHE_SIZE:
            self._lines.clear()
        self._lines[id(row)] = (row, how, line)
        return line

    def line_context(self) -> object:
        """Whatever else a drawn row depends on (e.g. today's date for 'due' cells)."""
        return None

    def notify_style_update(self) -> None:
        """A theme or CSS change: every line is drawn again."""
        super().notify_style_update()
        self._lines.clear()

    def _strip(self, cells: Sequence[Text], width: int, style: Style) -> Strip:
        widths = column_widths(self.COLUMNS, width)
        segments: list[Segment] = []
        used = 0
        console = self.app.console
        for column, cell, cell_width in zip(self.COLUMNS, cells, widths, strict=False):
            if not cell_width:
                continue
            if used:
                segments.append(Segment(" ", style))
                used += 1
            text = cell.copy()
            text.no_wrap = True
            text.truncate(cell_width, overflow="ellipsis", pad=True)
            if column.justify == "right":
                text.rstrip()
                text.pad_left(cell_width - text.cell_len)
            for segment in text.render(console, end=""):
                segments.append(Segment(segment.text, style + segment.style))
            used += cell_width
        if used < width:
            segments.append(Segment(" " * (width - used), style))
        return Strip(segments, width).crop(0, width)

    # Keys and mouse.
    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += self._page

    def action_page_up(self) -> None:
        self.cursor -= self._page

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.rows) - 1

    def action_choose(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Chosen(self, key))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        index = round(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self.rows):
            self.cursor = index
            if event.chain >= 2:
                self.action_choose()

    def on_focus(self) -> None:
        """The pane that gets the focus says where its cursor is, so the detail follows it."""
        self.refresh()
        if (key := self.current_key) is not None:
            self._highlight(key)

    def on_blur(self) -> None:
        self.refresh()
