"""Merging a duplicate (`M`): pick the other record of this contact; it is folded into this one.

The list starts with the likely duplicates (`duplicates_of`: same email, phone, or a nearly
equal name at one company); typing a name lists any other contact instead. Both records
are shown side by side, card and diary, to decide. `enter` calls `store.merge(current,
chosen)`: every conversation, referral and stage date is kept, and `u` undoes it.
Looking for duplicates compares every contact (0.1 s at 10,000), so it runs in a worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from netui.core.db.store import Store
from netui.core.errors import NetuiError
from netui.core.folding import fold
from netui.core.io.dupes import duplicates_of
from netui.core.model import Contact
from netui.tui.format import safe
from netui.tui.screens.detail_screen import DetailScreen
from netui.tui.widgets.detail import DetailPane
from netui.tui.widgets.status import say
from netui.tui.widgets.table import Column, RowTable


@dataclass(frozen=True, slots=True)
class Candidate:
    """A contact that could be merged in, and why it is offered."""

    contact: Contact
    why: str  # the duplicate's reasons; "" for a contact found by name


@dataclass(slots=True)
class Everyone:
    """What the worker finds once: the likely duplicates, and every other contact by name."""

    duplicates: list[Candidate]
    others: list[tuple[str, Contact]]  # (folded name, contact), sorted by name


def gather(store: Store, contact: Contact) -> Everyone:
    """Compare the contact with all the others (slow at 10,000: run it in a worker)."""
    others = [c for c in store.contacts(include_archived=True) if c.id != contact.id]
    pairs = duplicates_of(contact, others)
    return Everyone(
        [Candidate(pair.second, "; ".join(pair.reasons)) for pair in pairs],
        [(fold(c.name), c) for c in others],
    )


def named(everyone: Everyone, typed: str) -> list[Candidate]:
    """Every other contact whose name holds each typed word (case and accents ignored)."""
    words = fold(typed).split()
    return [Candidate(c, "") for name, c in everyone.others if all(w in name for w in words)]


class CandidateTable(RowTable[Candidate]):
    COLUMNS = (
        Column("Name", flex=3, min_width=10),
        Column("Company", flex=2, min_width=6, optional=True),
        Column("Why", flex=3, min_width=8, optional=True),
    )

    def row_key(self, row: Candidate) -> str:
        return row.contact.id

    def row_cells(self, row: Candidate) -> Sequence[Text]:
        name = Text(safe(row.contact.name))
        if row.contact.archived:
            name.append(" (archived)", "italic")
        return name, Text(safe(row.contact.company)), Text(safe(row.why))


class MergeScreen(DetailScreen[str | None]):
    """Answers the kept contact's id after a merge, None when cancelled."""

    CSS_PATH = "merge.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "merge",
            "Merge",
            tooltip="Merge the chosen contact into this one (u on the main screen undoes it)",
            id="merge",
            priority=True,  # from the name field and the list alike
        ),
        Binding("escape", "cancel", "Cancel", tooltip="Back without merging", id="cancel"),
        Binding(
            "down",
            "move(1)",
            "Next",
            tooltip="Next contact in the list",
            id="merge-next",
            show=False,
        ),
        Binding(
            "up",
            "move(-1)",
            "Previous",
            tooltip="Previous contact",
            id="merge-previous",
            show=False,
        ),
    ]

    def __init__(self, store: Store, contact_id: str) -> None:
        super().__init__(store)
        self.contact = store.get(contact_id)
        self.everyone: Everyone | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            Content.assemble(
                "Pick the other record of ",
                (safe(self.contact.name), "bold"),
                ": it is merged into this one, keeping every conversation and stage date.",
            ),
            id="merge-title",
        )
        yield Input(
            placeholder="not listed? type a name to pick any other contact",
            id="merge-find",
            compact=True,
        )
        yield CandidateTable(id="merge-candidates")
        yield Static("", id="merge-error")
        with Horizontal(id="merge-records"):
            yield DetailPane(self.store, id="merge-keep")
            yield DetailPane(self.store, id="merge-other")
        yield Footer(compact=True)

    @property
    def candidates(self) -> CandidateTable:
        return self.query_one(CandidateTable)

    def on_mount(self) -> None:
        self.sub_title = f"Merge into {safe(self.contact.name)}"
        keep = self.query_one("#merge-keep", DetailPane)
        keep.border_title = Content.assemble("Keep: ", safe(self.contact.name))
        keep.show(self.contact.id, self.today)
        self.query_one("#merge-other", DetailPane).border_title = "Merge in"
        self.candidates.empty_text = "Looking for likely duplicates…"
        self.query_one("#merge-find", Input).focus()
        self.find_candidates()

    @work(thread=True, exit_on_error=False, group="merge-candidates")
    def find_candidates(self) -> Everyone:
        return gather(self.store, self.contact)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "merge-candidates":
            return
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, Everyone):
            self.everyone = event.worker.result
            self.list_candidates()
        elif event.state is WorkerState.ERROR:
            self.show_error(f"Could not compare the contacts: {event.worker.error}")

    @on(Input.Changed, "#merge-find")
    def list_candidates(self) -> None:
        """The likely duplicates, or the contacts named like what is typed."""
        if self.everyone is None:
            return  # listed as soon as the worker is done, with what is typed by then
        typed = self.query_one("#merge-find", Input).value.strip()
        table = self.candidates
        if typed:
            table.empty_text = "No other contact has that name."
            table.set_rows(named(self.everyone, typed))
        else:
            table.empty_text = "No likely duplicates: type a name to pick any other contact."
            table.set_rows(self.everyone.duplicates)
        if not table.rows:
            self.show_other(None)

    @on(RowTable.Highlighted, "#merge-candidates")
    def _highlighted(self, event: RowTable.Highlighted) -> None:
        self.show_other(event.key)

    def redraw(self) -> None:
        """The diary changed under the two records: draw both again."""
        self.query_one("#merge-keep", DetailPane).show(self.contact.id, self.today)
        self.show_other(self.query_one("#merge-other", DetailPane).contact_id)

    def show_other(self, contact_id: str | None) -> None:
        other = self.query_one("#merge-other", DetailPane)
        contact = self.store.contacts_by_id.get(contact_id or "")
        name = Content(safe(contact.name)) if contact else Content("")
        other.border_title = Content.assemble("Merge in: ", name) if contact else "Merge in"
        other.show(contact.id if contact else None, self.today)

    def show_error(self, message: str) -> None:
        self.query_one("#merge-error", Static).update(Content.styled(safe(message), "bold $error"))

    # -- keys ---------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.candidates.cursor += step

    @on(RowTable.Chosen, "#merge-candidates")
    def _clicked(self, event: RowTable.Chosen) -> None:
        """A double click on a row (enter is the screen's own key)."""
        event.stop()
        self.action_merge()

    def action_merge(self) -> None:
        chosen = self.candidates.current_key
        if chosen is None:
            self.show_error("Nothing to merge: pick a contact in the list first")
            return
        try:
            kept = self.store.merge(self.contact.id, chosen)
        except NetuiError as exc:
            self.show_error(str(exc))
            return
        say(self, f"Merged into {safe(kept.name)} — u undoes it")
        self.dismiss(kept.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
