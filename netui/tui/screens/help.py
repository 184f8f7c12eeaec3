"""Help (`?`): every key and what it does, read from the bindings themselves so it never lies."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}

HelpSection = tuple[str, Sequence[BindingType]]
KEY_CELLS = 18  # "  key" padded: the descriptions start here
TEXT_CELLS = 56  # what fits beside the keys in the 80-cell help box


def key_label(key: str) -> str:
    """'down,j' -> 'down / j'; 'question_mark' -> '?'."""
    return " / ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in key.split(","))


def help_lines(sections: Iterable[HelpSection]) -> Content:
    """A title per section, then one 'key  description' line per binding."""
    lines: list[Content] = []
    for title, bindings in sections:
        if lines:
            lines.append(Content(""))
        lines.append(Content.styled(title, "bold $accent"))
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            what = binding.tooltip or binding.description
            # Long descriptions wrap under themselves, not under the keys.
            wrapped = ("\n" + " " * KEY_CELLS).join(textwrap.wrap(what, TEXT_CELLS))
            key = f"  {key_label(binding.key)}".ljust(KEY_CELLS)
            lines.append(Content.assemble((key, "bold"), wrapped))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,question_mark",
            "dismiss",
            "Close",
            tooltip="Close the help",
            id="help-close",
            show=True,
        ),
    ]

    def __init__(self, sections: Sequence[HelpSection]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog") as box:
            box.border_title = "Keys"
            box.border_subtitle = "esc close"
            yield Static(help_lines(self.sections))
