"""The drafted thank-you note: copy it, edit it in `$EDITOR`, or mark it sent.

Marking it sent (by email or as a handwritten note) logs a diary entry that keeps the
text as a copy of the correspondence, and completes the step if it is not done yet.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from netui.core import dates
from netui.core.db.store import Store
from netui.core.errors import NetuiError, TemplateError
from netui.core.followup.thankyou import draft, draft_for_introduction, mark_sent
from netui.core.model import Channel
from netui.tui.format import safe, safe_block
from netui.tui.screens.letter import LetterScreen
from netui.tui.widgets.status import say


class ThankYouScreen(LetterScreen[tuple[str, str] | None]):
    """Answers (contact id, conversation id) once marked sent; None when closed."""

    CSS_PATH = "thank_you.tcss"
    TEXT_ID = "thank-you-text"
    ERROR_ID = "thank-you-error"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy", tooltip="Copy the note to the clipboard", id="thanks-copy"),
        Binding("e", "edit", "Edit", tooltip="Edit the note in $EDITOR", id="thanks-edit"),
        Binding(
            "m",
            "sent('email')",
            "Sent by email",
            tooltip="Mark sent by email: the text is kept in the diary",
            id="thanks-email",
        ),
        Binding(
            "h",
            "sent('note')",
            "Sent handwritten",
            tooltip="Mark sent as a handwritten note: the text is kept in the diary",
            id="thanks-note",
        ),
        Binding("escape", "close", "Close", tooltip="Close without logging", id="thanks-close"),
    ]

    def __init__(self, store: Store, contact_id: str, referral_id: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.contact_id = contact_id
        self.referral_id = referral_id
        self.today = dates.today()
        self.text: str | None = None  # None: the template could not be filled in
        self.problem = ""

    def _draft(self) -> str:
        contact = self.store.get(self.contact_id)
        if self.referral_id is None:
            return draft(contact, self.store.settings.thank_you_template, self.today)
        referral = self.store.referral(self.referral_id)
        referred = self.store.contacts_by_id.get(referral.referred_id)
        return draft_for_introduction(contact, referred, self.today)

    def compose(self) -> ComposeResult:
        try:
            self.text = self._draft()
        except TemplateError as exc:
            self.problem = str(exc)
        name = safe(self.store.get(self.contact_id).name)
        with Vertical(id="thank-you", classes="dialog") as box:
            box.border_title = Content(f"Thank-you note to {name}")  # a str would be markup
            with VerticalScroll(id="thank-you-scroll"):
                yield Static(self._body(), id="thank-you-text")
            yield Static("", id="thank-you-error")
        yield Footer(compact=True)

    def _body(self) -> Content:
        if self.text is None:
            return Content.assemble(
                ("The thank-you template in your config cannot be used:\n", "bold $error"),
                safe_block(self.problem),
            )
        return Content(safe_block(self.text))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Without a draft, only closing makes sense."""
        return self.text is not None or action == "close"

    def action_sent(self, channel: str) -> None:
        assert self.text is not None
        try:
            conversation = mark_sent(
                self.store,
                self.contact_id,
                self.text,
                Channel(channel),
                self.today,
                referral_id=self.referral_id,
            )
        except NetuiError as exc:
            self._show_error(str(exc))
            return
        how = "handwritten note" if channel == Channel.NOTE else "email"
        name = safe(self.store.get(self.contact_id).name)
        say(self, f"Thank-you {how} to {name} logged — u undoes it")  # shown under the dialog
        self.dismiss((self.contact_id, conversation.id))

    def action_close(self) -> None:
        self.dismiss(None)
