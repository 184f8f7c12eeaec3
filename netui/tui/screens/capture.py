"""Quick capture (`n`): the minute after you meet someone.

Only the name is required: `n`, the name, `enter` is the whole capture. `ctrl+n` saves and
opens a fresh form with the same event filled in, for the next person from that event.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from netui.core.dates import today
from netui.core.db.store import Store
from netui.core.model import Channel, Contact, Conversation
from netui.tui.format import safe
from netui.tui.screens.form import FORM_ERRORS, FormScreen, field_row, text_input

EVENT_FIELD = "met_at"


class CaptureScreen(FormScreen[list[str]]):
    """Returns the ids of the contacts saved (several with ctrl+n), or None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+n", "save_and_next", "Save + next", tooltip="Save, then a new form, same event"
        ),
    ]
    FORM_TITLE = "New contact"

    def __init__(self, store: Store, event: str = "") -> None:
        super().__init__(store)
        self.event = event
        self.saved: list[str] = []

    def hint(self) -> str:
        return "enter save · ctrl+n save + next · esc cancel"

    def compose_fields(self) -> ComposeResult:
        yield field_row("Name", text_input("name", placeholder="required"))
        yield field_row("Company", text_input("company"))
        yield field_row("Where you met", text_input(EVENT_FIELD, self.event))
        yield field_row("Talked about", text_input("talked"))
        yield field_row("To mention", text_input("mention", placeholder="in the thank-you"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name").focus()

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

    def save(self) -> list[str]:
        self._save_one()
        return self.saved

    def action_save(self) -> None:
        if not self.value("name") and not self.dirty and self.saved:
            # After ctrl+n, enter on the still-empty fresh form just closes it.
            self.dismiss(self.saved)
            return
        super().action_save()

    def cancelled_result(self) -> list[str] | None:
        return self.saved or None

    def action_save_and_next(self) -> None:
        try:
            contact_id = self._save_one()
        except FORM_ERRORS as exc:
            self.show_error(str(exc))
            return
        name = self.store.contacts_by_id[contact_id].name
        self.notify(f"Saved {safe(name)}; next person from the same event", markup=False)
        for field_id in ("name", "company", "talked", "mention"):
            self.query_one(f"#{field_id}", Input).value = ""
        self.query_one("#form-error", Static).update("")
        self._initial = self.values()
        self.query_one("#name").focus()
