"""The Sort screen (`U`): imported people waiting unsorted, one at a time, keyboard only.

Each key is one call into `SortWalk` (netui.core.followup.inbox), which writes one
undoable store change: `m`/`t`/`c`/`o` put the person on that rung from today (entering
the queue), `k` keeps them in touch off the ladder, `x` archives a dud, `s` skips. A
filter (`f`: a search query such as `company:acme`, `tag:linkedin` or a name) narrows the
walk to a group, which the shifted keys sort at once after a confirmation, as one undo.
The screen answers the contact it was on, for the main screen to select.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Header, Input, Static

from netui.core.db.store import UNDO_MAX_CHANGES, Store
from netui.core.errors import NetuiError
from netui.core.followup.inbox import SortWalk
from netui.core.rules import SortChoice
from netui.tui.format import safe
from netui.tui.screens.confirm import ConfirmScreen
from netui.tui.screens.detail_screen import DetailScreen
from netui.tui.widgets.detail import DetailPane
from netui.tui.widgets.status import StatusLine, say

UNDO_HINT = "u undoes it"
ONE_BY_ONE = Binding.Group("Sort as", compact=True)
# key, choice, footer label: the same letters as the main screen's t / c / o and x.
CHOICE_KEYS = (
    ("m", SortChoice.MET, "Met"),
    ("t", SortChoice.THANKED, "Thanked"),
    ("c", SortChoice.CALLED, "Called"),
    ("o", SortChoice.COFFEE, "Coffee"),
    ("k", SortChoice.KEEP, "Keep"),
    ("x", SortChoice.DUD, "Dud"),
)


def _tooltip(choice: SortChoice) -> str:
    if choice is SortChoice.KEEP:
        return "keep in touch off the ladder: due a cadence from today"
    if choice is SortChoice.DUD:
        return "a dud: archived, history kept"
    return f"on the ladder at {choice.label}, from today (enters the queue)"


class SortScreen(DetailScreen[str | None]):
    CSS_PATH = "sort.tcss"
    AUTO_FOCUS = ""  # the keys are for the walk; the filter takes the focus when asked
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                key,
                f"sort('{choice.value}')",
                label,
                tooltip=f"Sort this person: {_tooltip(choice)}",
                id=f"sort-{choice.value}",
                group=ONE_BY_ONE,
            )
            for key, choice, label in CHOICE_KEYS
        ),
        Binding("s", "skip", "Skip", tooltip="Skip: they stay unsorted", id="sort-skip"),
        Binding(
            "f,slash",
            "filter",
            "Filter",
            tooltip="Filter to a group: company:acme, tag:linkedin, a name…",
            id="sort-filter",
        ),
        *(
            Binding(
                key.upper(),
                f"sort_group('{choice.value}')",
                f"All {label}",
                tooltip=f"Sort everyone in the group: {_tooltip(choice)} (asks first)",
                id=f"sort-all-{choice.value}",
                show=False,
            )
            for key, choice, label in CHOICE_KEYS
        ),
        Binding(
            "u", "undo", "Undo", tooltip="Undo the last change (a group is one)", id="sort-undo"
        ),
        Binding("escape", "leave", "Leave", tooltip="Back to the main screen", id="sort-leave"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.walk = SortWalk(store, self.today)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="company:acme · tag:linkedin · a name (enter)", id="sort-query")
        yield Static("", id="sort-step")
        yield DetailPane(self.store, id="sort-detail")
        yield Static("", id="sort-done")
        yield StatusLine()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Sort the unsorted"
        self.show_current()

    # -- drawing ------------------------------------------------------------------------------

    def redraw(self) -> None:
        self.show_current()

    def show_current(self) -> None:
        """Draw the current person, or what is left once the walk is over."""
        step = self.query_one("#sort-step", Static)
        detail = self.query_one(DetailPane)
        done = self.query_one("#sort-done", Static)
        if self.show_writing((step, detail), done):
            return
        contact = self.walk.current
        step.display = detail.display = contact is not None
        done.display = contact is None
        group = len(self.walk.group())
        where = f" matching {self.walk.query}" if self.walk.query else ""
        if contact is None:
            lines = [Content.styled("Nobody left to sort here.", "bold")]
            lines.append(Content(f"Sorted in this visit: {self.walk.sorted}"))
            lines.append(Content(f"Still unsorted{where}: {group}"))
            hint = "f filter another group · u undo · escape back"
            lines.append(Content.styled(hint, "dim"))
            done.update(Content("\n").join(lines))
            return
        number = f"{self.walk.position + 1} of {len(self.walk.ids)}"
        step.border_title = Content(f"{number}: {safe(contact.name)}")  # never markup
        keys = " · ".join(f"{key} {label.lower()}" for key, _, label in CHOICE_KEYS)
        lines = [
            Content.assemble(("Where does this person go? ", "bold"), keys, " · s skip"),
            Content.assemble(
                (f"{group} unsorted{where}", "bold $accent"),
                " · shift+key sorts them all (asks first) · f filters a group",
            ),
        ]
        step.update(Content("\n").join(lines))
        detail.show(contact.id, self.today)
        detail.border_title = "Card"

    # -- keys ---------------------------------------------------------------------------------

    def action_sort(self, choice: str) -> None:
        picked = SortChoice(choice)
        if self.walk.current is None:
            return
        self._write(
            lambda: self.walk.sort(picked),
            lambda c: f"{safe(c.name)}: {picked.label} — {UNDO_HINT}",
        )

    def action_skip(self) -> None:
        self.walk.skip()
        self.show_current()

    def action_sort_group(self, choice: str) -> None:
        picked = SortChoice(choice)
        count = len(self.walk.group())
        if not count:
            self.notify("Nobody unsorted in this group", severity="warning")
            return
        where = f" matching {self.walk.query}" if self.walk.query else ""
        people = "person" if count == 1 else "people"
        question = f"Sort all {count} unsorted {people}{where} as {picked.label}?"

        def answered(yes: bool | None) -> None:
            if yes:
                self.hold_keys(f"sorting {count} {people}{where} as {picked.label}")
                self.sort_group(picked)

        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sort-group")
    def sort_group(self, picked: SortChoice) -> None:
        """A group is one transaction; 908 people took 1.3 s, all 9,765 of a LinkedIn-sized
        import 4.6 s: off the UI thread, which redraws when it is written."""
        try:
            count = self.walk.sort_group(picked)
        except NetuiError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
        else:
            done = f"{count} sorted as {picked.label} — {UNDO_HINT} (all at once)"
            if count > UNDO_MAX_CHANGES:
                done = f"{count} sorted as {picked.label} (too many to undo)"
            self.app.call_from_thread(say, self, done)
        finally:
            self.app.call_from_thread(self.keys_back)

    def action_filter(self) -> None:
        field = self.query_one("#sort-query", Input)
        field.display = True
        field.value = self.walk.query
        field.focus()

    @on(Input.Submitted, "#sort-query")
    def _filtered(self, event: Input.Submitted) -> None:
        try:
            self.walk.restart(event.value)
        except NetuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        event.input.display = bool(self.walk.query)
        self.set_focus(None)
        self.show_current()

    def action_undo(self) -> None:
        self._write(self.walk.undo, lambda description: f"Undone: {safe(description)}")

    def action_leave(self) -> None:
        field = self.query_one("#sort-query", Input)
        if field.has_focus:  # escape while typing a filter: back to the walk
            field.display = bool(self.walk.query)
            self.set_focus(None)
            return
        contact = self.walk.current
        self.dismiss(contact.id if contact is not None else None)
