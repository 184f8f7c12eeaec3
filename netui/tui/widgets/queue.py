"""The follow-up queue: overdue first, then today, then the next days, then the gone-cold
group (overdue by more than `gone_cold_days`, dimmed); who and what to do."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.signal import Signal

from netui.core.rules import QueueItem
from netui.tui.followups import FirstPage
from netui.tui.format import due_short, safe
from netui.tui.messages import ContactChosen
from netui.tui.sorted_rows import SortedRows
from netui.tui.widgets.table import Column, RowTable, retitle


class QueueTable(RowTable[QueueItem]):
    """One row per follow-up: when, who, what."""

    COLUMNS = (
        Column("When", width=8),
        Column("Who", flex=2, min_width=8),
        Column("What", flex=3, min_width=8),
    )
    COMPONENT_CLASSES: ClassVar[set[str]] = RowTable.COMPONENT_CLASSES | {
        "queue-table--overdue",
        "queue-table--today",
        "queue-table--cold",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(empty_text="Nothing due: all caught up.", id=id)
        self.today = date.today()

    def line_context(self) -> object:
        return self.today

    def row_key(self, row: QueueItem) -> str:
        # A contact can have a stage step and a referral thank-you due at once.
        return f"{row.contact.id}:{row.referral_id or ''}"

    def row_cells(self, row: QueueItem) -> Sequence[Text]:
        return (
            Text(due_short(row.due, self.today)),
            Text(safe(row.contact.name)),
            Text(safe(row.action)),
        )

    def row_style(self, row: QueueItem) -> Style | None:
        if row.cold:
            return self.get_component_rich_style("queue-table--cold")
        if row.due < self.today:
            return self.get_component_rich_style("queue-table--overdue")
        if row.due == self.today:
            return self.get_component_rich_style("queue-table--today")
        return None


def contact_of(key: str) -> str:
    return key.partition(":")[0]


class QueuePane(Vertical):
    """The queue in a titled box; enter on a row selects that contact everywhere."""

    overdue = 0
    due_today = 0
    cold = 0

    def compose(self) -> ComposeResult:
        yield QueueTable(id="queue-table")

    @property
    def table(self) -> QueueTable:
        return self.query_one(QueueTable)

    @property
    def current_id(self) -> str | None:
        key = self.table.current_key
        return contact_of(key) if key else None

    @property
    def current_item(self) -> QueueItem | None:
        """The row under the cursor: a contact's next step, or a referral's thank-you."""
        table = self.table
        return table.rows[table.cursor] if 0 <= table.cursor < len(table.rows) else None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._sorted: SortedRows[QueueItem] = SortedRows(self._key)
        self._by_contact: dict[str, list[QueueItem]] = {}
        self._thanks: list[QueueItem] = []
        self._name_key: Callable[[str], str] = lambda contact_id: contact_id
        self._names: dict[str, str] = {}  # the sort names the rows were inserted with
        # The contact under the cursor of the focused queue, at once (the detail follows it).
        self.contact_highlighted: Signal[str] = Signal(self, "contact_highlighted")

    def _key(self, item: QueueItem) -> tuple:
        contact_id = item.contact.id
        name = self._names.get(contact_id)
        if name is None:
            name = self._names[contact_id] = self._name_key(contact_id)
        return (item.cold, item.due, name, contact_id, item.referral_id or "")

    def set_items(
        self,
        stage: list[QueueItem],
        thanks: list[QueueItem],
        today: date,
        name_key: Callable[[str], str],
        changed: set[str] | None = None,
    ) -> None:
        """Show the queue: contacts' steps and referral thank-yous. With `changed`, `stage`
        holds only those contacts' steps and the rest of the queue stays as it is; `thanks`
        is always all of them, moved only when it is a new list."""
        self._name_key = name_key
        if changed is None:
            self._by_contact = {}
            self._names = {}
            self._sorted.reset([*stage, *thanks])
        else:
            new_thanks = thanks is not self._thanks
            old = [i for c in changed for i in self._by_contact.pop(c, [])]
            self._sorted.replace([*old, *(self._thanks if new_thanks else ())], [])
            for contact_id in changed:  # a renamed contact sorts under the new name
                self._names.pop(contact_id, None)
            self._sorted.replace([], [*stage, *(thanks if new_thanks else ())])
        for item in stage:
            self._by_contact.setdefault(item.contact.id, []).append(item)
        self._thanks = thanks
        rows = self._sorted.rows
        table = self.table
        table.today = today
        table.set_rows(rows, keep=table.current_key)
        overdue = self._sorted.count_below((False, today))
        due_today = self._sorted.count_below((False, today + timedelta(days=1))) - overdue
        self._count(overdue, due_today, len(self._sorted) - self._sorted.count_below((True,)))

    def show_first_page(self, page: FirstPage, today: date, size: int) -> None:
        """The first frame: the queue's first `size` rows, picked from the page's items
        (those and a few more), and the counts of the whole queue. The next `set_items`
        (with no `changed`) starts over with all of it."""
        self._names = page.names
        first = sorted(page.queue, key=self._key)[:size]
        self._names = {}
        table = self.table
        table.today = today
        table.set_rows(first, length=page.queued)
        self._count(page.overdue, page.due_today, page.cold)

    def _count(self, overdue: int, due_today: int, cold: int) -> None:
        self.overdue, self.due_today, self.cold = overdue, due_today, cold
        gone = f", {cold:,} gone cold" if cold else ""
        retitle(self, f"Follow-up ({overdue:,} overdue, {due_today:,} today{gone})")

    def select(self, contact_id: str) -> bool:
        """Put the cursor on this contact's first row, if they have one."""
        for index, item in enumerate(self.table.rows):
            if item.contact.id == contact_id:
                self.table.cursor = index
                return True
        return False

    def on_mount(self) -> None:
        self.table.highlighted_signal.subscribe(self, self._cursor_moved, immediate=True)

    def _cursor_moved(self, key: str) -> None:
        if self.screen.focused is self.table:  # `has_focus` is set after `on_focus` runs
            self.contact_highlighted.publish(contact_of(key))

    @on(QueueTable.Highlighted)
    def _highlighted(self, event: QueueTable.Highlighted) -> None:
        event.stop()  # said at once by `contact_highlighted`

    @on(QueueTable.Chosen)
    def _chosen(self, event: QueueTable.Chosen) -> None:
        event.stop()
        self.post_message(ContactChosen(contact_of(event.key)))
