"""A long text, whole and scrollable: the copy of an email, a long note (`enter` on an entry).

A read-only `TextArea` rather than a `Static`: it draws only the visible lines, so a
100,000-line text opens as fast as a short one, it never parses the text as markup (user
text, shown literally), and it lets the user select and copy a passage.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, TextArea

from netui.tui.format import safe_block


class TextViewScreen(Screen[None]):
    """Shows `text` under `title`; escape or q closes it."""

    CSS_PATH = "text_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", tooltip="Back to where you were", id="text-close"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = safe_block(text)

    def compose(self) -> ComposeResult:
        yield Header()
        yield TextArea(
            self.text,
            read_only=True,
            soft_wrap=True,
            show_line_numbers=False,
            id="text-view",
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = self.title_text
        self.query_one(TextArea).focus()

    def action_close(self) -> None:
        self.dismiss(None)
