"""Snoozing a follow-up (`z`): 1 day, 3 days, 1 week, or a date typed in any form netui reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from netui.core.dates import format_date, parse_date
from netui.core.errors import ValidationError

CHOICES = (("1", 1, "1 day"), ("3", 3, "3 days"), ("w", 7, "1 week"))


@dataclass(frozen=True, slots=True)
class Snooze:
    """The answer: follow up on `until`; None clears the snooze (the rule's date again)."""

    until: date | None


class SnoozeScreen(ModalScreen[Snooze]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                key,
                f"pick({days})",
                label,
                tooltip=f"Snooze for {label}",
                id=f"snooze-{days}",
                show=False,
            )
            for key, days, label in CHOICES
        ),
        Binding(
            "d", "ask_date", "A date", tooltip="Snooze to a date", id="snooze-date", show=False
        ),
        Binding("escape", "cancel", "Cancel", tooltip="Close without snoozing", id="snooze-cancel"),
    ]

    def __init__(self, who: str, today: date, snoozed: bool = False) -> None:
        super().__init__()
        self.who = who
        self.today = today
        self.snoozed = snoozed

    def compose(self) -> ComposeResult:
        options = [
            Option(f"{key}  {label} ({format_date(self.today + timedelta(days))})", id=str(days))
            for key, days, label in CHOICES
        ]
        options.append(Option("d  a date…", id="date"))
        if self.snoozed:
            options.append(Option("   back to the usual schedule", id="clear"))
        with Vertical(id="snooze", classes="dialog") as box:
            box.border_title = "Snooze"
            yield Static(Content.assemble("Follow up with ", (self.who, "bold"), " in:"))
            yield OptionList(*options, id="snooze-choices", markup=False)
            yield Input(placeholder="friday, +10d, 2025-04-01", id="snooze-date", compact=True)
            yield Static("", id="snooze-error")

    def on_mount(self) -> None:
        self.query_one("#snooze-date").display = False

    def action_pick(self, days: int) -> None:
        self.dismiss(Snooze(self.today + timedelta(days=days)))

    def action_ask_date(self) -> None:
        field = self.query_one("#snooze-date", Input)
        field.display = True
        field.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id
        if choice == "date":
            self.action_ask_date()
        elif choice == "clear":
            self.dismiss(Snooze(None))
        elif choice is not None:
            self.action_pick(int(choice))

    @on(Input.Submitted, "#snooze-date")
    def _date_typed(self, event: Input.Submitted) -> None:
        try:
            until = parse_date(event.value, self.today)
        except ValidationError as exc:
            self.query_one("#snooze-error", Static).update(Content.styled(str(exc), "$error"))
            return
        self.dismiss(Snooze(until))
