"""Editing a contact (`e`): every field, and the day each stage was reached."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.widgets import TextArea

from netui.core.dates import parse_date, today
from netui.core.db.store import Store
from netui.core.errors import ValidationError
from netui.core.model import Contact, Stage
from netui.tui.format import safe
from netui.tui.screens.form import FormScreen, field_row, text_input

TEXT_FIELDS = (
    ("name", "Name"),
    ("company", "Company"),
    ("title", "Title"),
    ("met_at", "Where you met"),
    ("reach", "Best way to reach"),
    ("mention", "To mention"),
)
LIST_FIELDS = (
    ("emails", "Emails"),
    ("phones", "Phones"),
    ("tags", "Tags"),
    ("needs", "Needs"),
    ("offers", "Offers"),
)


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def split_urls(text: str) -> list[str]:
    """Web pages, one after another with spaces (a comma inside a page's address is its
    own: `https://maps.example/@52.3,4.9`); a comma between them is dropped too."""
    return [url for part in text.split() if (url := part.strip(","))]


def stage_field(stage: Stage) -> str:
    return f"stage-{stage.value}"


class EditScreen(FormScreen[str]):
    """Returns the contact's id when saved, None if cancelled."""

    def __init__(self, store: Store, contact_id: str) -> None:
        super().__init__(store)
        self.contact: Contact = store.get(contact_id)

    def form_title(self) -> str:
        return f"Edit {safe(self.contact.name)}"

    def hint(self) -> str:
        return "ctrl+s save · tab next field · esc cancel"

    def _reached(self) -> list[tuple[Stage, date]]:
        found = ((stage, self.contact.reached_on(stage)) for stage in Stage)
        return [(stage, on) for stage, on in found if on is not None]

    def compose_fields(self) -> ComposeResult:
        c = self.contact
        for attr, label in TEXT_FIELDS:
            yield field_row(label, text_input(attr, getattr(c, attr)))
        met_on = c.met_on.isoformat() if c.met_on else ""
        yield field_row("Met on", text_input("met_on", met_on, "YYYY-MM-DD, yesterday, …"))
        for stage, on in self._reached():
            yield field_row(
                f"{stage.label.capitalize()} on", text_input(stage_field(stage), on.isoformat())
            )
        for attr, label in LIST_FIELDS:
            yield field_row(
                label, text_input(attr, ", ".join(getattr(c, attr)), "comma, separated")
            )
        yield field_row("Web pages", text_input("urls", " ".join(c.urls), "space separated"))
        cadence = str(c.cadence_days) if c.cadence_days else ""
        yield field_row(
            "Keep in touch",
            text_input("cadence_days", cadence, "every N days (default from config)"),
        )
        yield field_row("Notes", TextArea(c.notes, id="notes", soft_wrap=True, compact=True))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name").focus()

    def _changes(self) -> dict[str, Any]:
        c = self.contact
        wanted: dict[str, Any] = {attr: self.value(attr) for attr, _ in TEXT_FIELDS}
        wanted.update({attr: split_list(self.value(attr)) for attr, _ in LIST_FIELDS})
        wanted["urls"] = split_urls(self.value("urls"))
        met_on = self.value("met_on")
        wanted["met_on"] = parse_date(met_on, today()).isoformat() if met_on else None
        cadence = self.value("cadence_days")
        if cadence and not (cadence.isdigit() and int(cadence) > 0):
            raise ValidationError("keep in touch: a whole number of days, e.g. 30")
        wanted["cadence_days"] = int(cadence) if cadence else None
        wanted["notes"] = self.query_one("#notes", TextArea).text.strip()
        current = c.to_dict()
        return {k: v for k, v in wanted.items() if current.get(k) != v}

    def save(self) -> str:
        changes = self._changes()
        steps = []
        for stage, on in self._reached():
            typed = self.value(stage_field(stage))
            new_on = parse_date(typed, today()) if typed else on
            if new_on != on:
                steps.append((stage, new_on))
        if changes:
            self.store.update_contact(self.contact.id, **changes)
        for stage, on in steps:
            self.store.set_stage_date(self.contact.id, stage, on)
        return self.contact.id
