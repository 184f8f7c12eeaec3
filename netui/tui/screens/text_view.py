"""The whole text of a record (`v`): every field and diary entry in full, scrolled, read-only.

The detail pane draws bounded previews so a 5 MB note cannot freeze it; this screen is where
the rest is read. It draws only the lines on screen (`LongText`), and `ctrl+e` hands a copy
to `$EDITOR` through the app's editor seam for searching or copying; nothing comes back
from the editor (`e` on the main screen edits the contact).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from netui.tui.editor import EditorError, ExternalEditor
from netui.tui.format import safe
from netui.tui.widgets.long_text import LongText


class TextViewScreen(ModalScreen[None]):
    CSS_PATH = "text_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+e",
            "open_editor",
            "$EDITOR",
            tooltip="Open a copy of the text in $EDITOR (changes there are not saved)",
            id="view-editor",
        ),
        Binding("escape,q,v", "close", "Close", tooltip="Back to the contact", id="view-close"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="text-view", classes="dialog") as box:
            box.border_title = Content(safe(self.title_text))  # user text: never markup
            box.border_subtitle = Content(f"{len(self.text):,} characters")
            yield LongText(self.text, id="text-view-body")
            yield Static("", id="text-view-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(LongText).focus()

    def action_open_editor(self) -> None:
        """Blocks while the editor runs: the app is suspended meanwhile."""
        editor = getattr(self.app, "editor", None) or ExternalEditor()
        try:
            editor(self.app, self.text)
        except EditorError as exc:
            error = self.query_one("#text-view-error", Static)
            error.update(Content.styled(str(exc), "bold $error"))
            error.display = True

    def action_close(self) -> None:
        self.dismiss(None)
