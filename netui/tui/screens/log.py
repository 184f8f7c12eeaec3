"""Logging a conversation (`l`): every diary field, the note in a multi-line editor.

`ctrl+e` hands the note to `$EDITOR` (the app suspends and resumes); `ctrl+s` saves from
anywhere, `enter` saves from the one-line fields.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Select, TextArea

from netui.core.dates import parse_date, today
from netui.core.db.store import Store
from netui.core.model import Channel, Conversation
from netui.tui.editor import EditorError
from netui.tui.format import safe
from netui.tui.screens.form import FormScreen, field_row, text_input


class LogScreen(FormScreen[str]):
    """Returns the new conversation's id, or None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+e",
            "external_editor",
            "$EDITOR",
            tooltip="Edit the note in $EDITOR",
            id="log-editor",
            priority=True,
        ),
    ]

    def __init__(self, store: Store, contact_id: str, channel: Channel = Channel.IN_PERSON) -> None:
        super().__init__(store)
        self.contact_id = contact_id
        self.channel = channel

    def form_title(self) -> str:
        return f"Log a conversation with {safe(self.store.get(self.contact_id).name)}"

    def hint(self) -> str:
        return "ctrl+s save · ctrl+e $EDITOR · esc cancel"

    def compose_fields(self) -> ComposeResult:
        channels = [(c.label, c) for c in Channel]
        yield field_row(
            "Channel",
            Select(channels, value=self.channel, allow_blank=False, id="channel", compact=True),
        )
        yield field_row("Date", text_input("on", "today", "today, yesterday, friday, 2025-03-14"))
        yield field_row("Talked about", TextArea(id="note", soft_wrap=True, compact=True))
        yield field_row(
            "Recommended", text_input("recommended", placeholder="what they recommended")
        )
        yield field_row("Observations", text_input("observations"))
        yield field_row("Did", text_input("did", placeholder="what you did about it"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#note", TextArea).focus()

    def conversation(self) -> Conversation:
        """The diary entry as typed (raises ValidationError on a bad date)."""
        on = parse_date(self.value("on") or "today", today())
        channel = self.query_one("#channel", Select).value
        return Conversation(
            self.contact_id,
            on,
            channel=channel if isinstance(channel, Channel) else Channel.OTHER,
            note=self.query_one("#note", TextArea).text.strip(),
            recommended=self.value("recommended"),
            observations=self.value("observations"),
            did=self.value("did"),
        )

    def save(self) -> str:
        return self.store.log(self.conversation()).id

    def action_external_editor(self) -> None:
        """Blocks while the editor runs: the app is suspended then, so nothing is missed."""
        note = self.query_one("#note", TextArea)
        editor = getattr(self.app, "editor", None)
        if editor is None:
            return
        try:
            note.text = editor(self.app, note.text)
        except EditorError as exc:
            self.show_error(str(exc))
        else:
            note.focus()
