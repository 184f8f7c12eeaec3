"""What the data-entry forms share: labelled fields, save keys, errors shown in place,
and escape that asks before throwing away what was typed."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea

from netui.core.db.store import Store
from netui.core.errors import AmbiguousContact, ContactNotFound, StorageError, ValidationError
from netui.tui.screens.confirm import ConfirmScreen

ResultT = TypeVar("ResultT")

# Errors a user can cause from a form: shown under the fields; the form stays open.
FORM_ERRORS = (ValidationError, StorageError, ContactNotFound, AmbiguousContact)


def field_row(label: str, widget: Widget) -> Horizontal:
    """A label and its input on one line."""
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")


def text_input(field_id: str, value: str = "", placeholder: str = "") -> Input:
    return Input(value, placeholder=placeholder, id=field_id, compact=True)


class FormScreen(ModalScreen[ResultT]):
    """A modal form that saves through the store; subclasses compose fields and `save`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", tooltip="Save and close", id="form-save"),
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving", id="form-cancel"),
    ]
    FORM_TITLE = ""  # a fixed title; `form_title` for one that holds user text

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._initial: dict[str, str] = {}

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form") as form:
            # Content, not str: a str border title is parsed as markup, and names are user text.
            form.border_title = Content(self.form_title())
            form.border_subtitle = Content(self.hint())
            yield from self.compose_fields()
            yield Static("", id="form-error")

    def form_title(self) -> str:
        return self.FORM_TITLE

    def hint(self) -> str:
        return "enter save · esc cancel"

    def on_mount(self) -> None:
        self._initial = self.values()

    def values(self) -> dict[str, str]:
        """Every field's text, by widget id."""
        found: dict[str, str] = {}
        for widget in self.query("Input, TextArea"):
            if isinstance(widget, Input):
                found[widget.id or ""] = widget.value
            elif isinstance(widget, TextArea):
                found[widget.id or ""] = widget.text
        return found

    def value(self, field_id: str) -> str:
        return self.values()[field_id].strip()

    @property
    def dirty(self) -> bool:
        return self.values() != self._initial

    def show_error(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(Content.styled(message, "bold $error"))

    def save(self) -> ResultT:
        """Write through the store and say what to return; raise a FORM_ERRORS to stay open."""
        raise NotImplementedError

    def action_save(self) -> None:
        try:
            result = self.save()
        except ContactNotFound as exc:
            # Merged away or removed by another process: a notice as well, since the form
            # stays open (what was typed can still be copied) but can never be saved.
            self.show_error(str(exc))
            self.notify(str(exc), title="Not saved", severity="error", markup=False)
            return
        except FORM_ERRORS as exc:
            self.show_error(str(exc))
            return
        self.dismiss(result)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def cancelled_result(self) -> ResultT | None:
        """What escape returns (None: nothing was saved)."""
        return None

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(self.cancelled_result())
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(self.cancelled_result())

        self.app.push_screen(ConfirmScreen("Discard what you typed?"), answered)
