"""Quick capture (`n`): the minute after you meet someone.

Only the name is required: `n`, the name, `enter` is the whole capture. `ctrl+n` saves and
opens a fresh form with the same event filled in, for the next person from that event.

While the name is typed, the form says whom it looks like ("Looks like Daniel Hervás
(Reckon Digital)": the same name, accents and case aside): `ctrl+o` opens that person
instead, `enter` adds the new one anyway. Names are folded once when the form opens, so
each keystroke costs one dictionary look-up, even at 10,000 contacts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Static

from netui.core.dates import today
from netui.core.db.store import Store
from netui.core.io.dupes import folded
from netui.core.model import Channel, Contact, Conversation
from netui.tui.format import safe
from netui.tui.screens.form import FORM_ERRORS, FormScreen, field_row, text_input

EVENT_FIELD = "met_at"


@dataclass(slots=True)
class Captured:
    """What the form did: the ids it saved, and the known person to open instead, if any."""

    saved: list[str] = field(default_factory=list)
    open_id: str | None = None


class CaptureScreen(FormScreen[Captured]):
    """Returns what was saved (several with ctrl+n), or None if cancelled with nothing saved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+n",
            "save_and_next",
            "Save + next",
            tooltip="Save, then a new form, same event",
            id="save_next",
        ),
        Binding(
            "ctrl+o",
            "open_existing",
            "Open existing",
            tooltip="Open the known person the name looks like, instead of adding",
            id="open_existing",
        ),
    ]
    FORM_TITLE = "New contact"

    def __init__(self, store: Store, event: str = "") -> None:
        super().__init__(store)
        self.event = event
        self.saved: list[str] = []
        self.lookalike: Contact | None = None
        self._by_name: dict[str, list[Contact]] = defaultdict(list)

    def hint(self) -> str:
        return "enter save · ctrl+n save + next · esc cancel"

    def compose_fields(self) -> ComposeResult:
        yield field_row("Name", text_input("name", placeholder="required"))
        yield field_row("Company", text_input("company"))
        yield field_row("Where you met", text_input(EVENT_FIELD, self.event))
        yield field_row("Talked about", text_input("talked"))
        yield field_row("To mention", text_input("mention", placeholder="in the thank-you"))
        yield Static("", id="capture-lookalike")

    def on_mount(self) -> None:
        super().on_mount()
        for contact in self.store.contacts(include_archived=True):
            self._by_name[folded(contact.name)].append(contact)
        self.query_one("#name").focus()

    @on(Input.Changed, "#name")
    def _name_changed(self, event: Input.Changed) -> None:
        known = self._by_name.get(folded(event.value)) if event.value.strip() else None
        self.lookalike = known[0] if known else None
        note = self.query_one("#capture-lookalike", Static)
        note.set_class(self.lookalike is not None, "-shown")
        if self.lookalike is None:
            note.update("")
        else:
            note.update(Content.assemble(("Looks like ", "bold $warning"), self._who(known or [])))
        self.refresh_bindings()

    @staticmethod
    def _who(known: list[Contact]) -> Content:
        first = known[0]
        company = f" ({safe(first.company)})" if first.company else ""
        more = f" and {len(known) - 1} more" if len(known) > 1 else ""
        hint = " · ctrl+o open · enter add anyway"
        return Content.assemble((f"{safe(first.name)}{company}{more}", "bold"), (hint, "dim"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_existing":
            return self.lookalike is not None
        return True

    def action_open_existing(self) -> None:
        if self.lookalike is not None:
            self.dismiss(Captured(list(self.saved), self.lookalike.id))

    def _save_one(self) -> str:
        day = today()
        contact = Contact(
            name=self.value("name"),
            company=self.value("company"),
            met_at=self.value(EVENT_FIELD),
            mention=self.value("mention"),
            met_on=day,
        )
        talked = self.value("talked")
        note = (
            Conversation(contact.id, day, channel=Channel.IN_PERSON, note=talked)
            if talked
            else None
        )
        saved = self.store.add_contact(contact, first_note=note)
        self.saved.append(saved.id)
        return saved.id

    def save(self) -> Captured:
        self._save_one()
        return Captured(list(self.saved))

    def action_save(self) -> None:
        if not self.value("name") and not self.dirty and self.saved:
            # After ctrl+n, enter on the still-empty fresh form just closes it.
            self.dismiss(Captured(list(self.saved)))
            return
        super().action_save()

    def cancelled_result(self) -> Captured | None:
        return Captured(list(self.saved)) if self.saved else None

    def action_save_and_next(self) -> None:
        try:
            contact_id = self._save_one()
        except FORM_ERRORS as exc:
            self.show_error(str(exc))
            return
        name = self.store.contacts_by_id[contact_id].name
        self.notify(f"Saved {safe(name)}; next person from the same event", markup=False)
        self._by_name[folded(name)].append(self.store.contacts_by_id[contact_id])
        for field_id in ("name", "company", "talked", "mention"):
            self.query_one(f"#{field_id}", Input).value = ""
        self.query_one("#form-error", Static).update("")
        self._initial = self.values()
        self.query_one("#name").focus()
