"""The log form a step opens: a call or a coffee is what was said in it, not a changed label.

`c`/`o` on the main screen and `d` in the review open this form with the step pending:
`ctrl+s` writes the step and the conversation (and the needs and offers, as edited here)
in one change, so one `u` takes both back; `escape` answers None and the caller makes the
step alone. `ctrl+r` turns the person they recommended into a referral without leaving.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input

from netui.core.db.store import Store
from netui.core.followup.review import StepNotes
from netui.core.model import Channel
from netui.tui.format import safe
from netui.tui.screens.edit import split_list
from netui.tui.screens.form import field_row, text_input
from netui.tui.screens.log import LogScreen


class StepLogScreen(LogScreen):
    """Returns the new conversation's id, or None: escape, the step goes alone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "referral",
            "Referral",
            tooltip="Record the person they recommended as a referral",
            id="step-referral",
            priority=True,
        ),
    ]

    def __init__(
        self,
        store: Store,
        contact_id: str,
        step_label: str,
        channel: Channel,
        perform: Callable[[StepNotes], object],
    ) -> None:
        super().__init__(store, contact_id, channel)
        self.step_label = step_label
        self.perform = perform

    def form_title(self) -> str:
        name = safe(self.store.get(self.contact_id).name)
        return f"{self.step_label} · what did you and {name} talk about?"

    def hint(self) -> str:
        return "ctrl+s save with the step · ctrl+r referral · esc the step alone"

    def compose_fields(self) -> ComposeResult:
        yield from super().compose_fields()
        contact = self.store.get(self.contact_id)
        yield field_row("Needs", text_input("needs", ", ".join(contact.needs), "comma, separated"))
        yield field_row(
            "Offers", text_input("offers", ", ".join(contact.offers), "comma, separated")
        )

    def save(self) -> str:
        notes = StepNotes(
            self.conversation(),
            needs=split_list(self.value("needs")),
            offers=split_list(self.value("offers")),
        )
        self.perform(notes)
        return notes.conversation.id

    def action_referral(self) -> None:
        from netui.tui.screens.referral import ReferralScreen

        name = self.value("recommended")
        screen = ReferralScreen(self.store, self.contact_id, name=name)
        self.app.push_screen(screen, self._referred)

    def _referred(self, referred_id: str | None) -> None:
        if referred_id is None:
            return
        recommended = self.query_one("#recommended", Input)
        if not recommended.value.strip():
            recommended.value = self.store.get(referred_id).name
