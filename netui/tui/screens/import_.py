"""Importing (`I`, or Import in the palette): a path, a preview of what would change, a confirm.

The preview is the plan `netui import --dry-run` prints (netui.core.io.importer): every record
with what would happen to it and why, and every bad record with its line or card number.
Reading a file of thousands of cards takes seconds, so planning runs in a thread worker,
and so does applying it (one undoable transaction). Whatever goes wrong is one line on the
screen; the screen stays open to try another path.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, ProgressBar, Select, Static
from textual.worker import Worker, WorkerState

from netui.core.db.store import Store
from netui.core.errors import StorageError, ValidationError
from netui.core.io.importer import ADD, MERGE, SKIP, ImportPlan, apply, plan_import
from netui.tui.format import safe
from netui.tui.screens.form import field_row, text_input
from netui.tui.widgets.table import Column, RowTable

ERROR = "error"
MENDED = "mended"  # a record read with a property left out or repaired
CHECK = "check"  # a pair kept apart though it shares an email or phone
AUTO = "auto"
FORMAT_CHOICES = (
    ("recognised from the content", AUTO),
    ("vCard (.vcf file or folder)", "vcard"),
    ("CSV with a header row", "csv"),
    ("LinkedIn Connections.csv", "linkedin"),
    ("netui JSON export", "json"),
)
FORMATS_HINT = (
    "vCard 2.1–4.0 (a .vcf file, or a folder of them) · CSV with a header row · "
    "LinkedIn's Connections.csv · netui's JSON export"
)
PROGRESS_EVERY = 0.1  # seconds between progress messages from the reading thread
# What can go wrong that the user can act on; anything else is shown with its type.
EXPECTED_ERRORS = (ValidationError, StorageError, OSError)


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """One line of the preview: a record of the file, or one of its errors."""

    action: str  # ADD, MERGE, SKIP or ERROR
    where: str
    name: str
    reason: str


def preview_rows(plan: ImportPlan) -> list[PreviewRow]:
    """Errors first (they stop the import), then the records in file order."""
    rows = [PreviewRow(ERROR, "", "", problem) for problem in plan.errors]
    rows += [PreviewRow(e.action, e.where, e.name, e.reason) for e in plan.entries]
    rows += [PreviewRow(MENDED, "", "", line) for line in plan.repaired]
    rows += [PreviewRow(CHECK, "", "", line) for line in plan.doubtful]
    return rows


def one_line_error(error: BaseException | None) -> str:
    if isinstance(error, EXPECTED_ERRORS):
        return safe(str(error)) or type(error).__name__
    return f"{type(error).__name__}: {safe(str(error))}"


class PreviewTable(RowTable[PreviewRow]):
    """What the import would do, record by record."""

    COLUMNS = (
        Column("", width=5),
        Column("Where", flex=2, min_width=8, optional=True),
        Column("Name", flex=2, min_width=8),
        Column("What happens", flex=4, min_width=12),
    )
    COMPONENT_CLASSES: ClassVar[set[str]] = RowTable.COMPONENT_CLASSES | {
        f"preview-table--{action}" for action in (ADD, MERGE, SKIP, ERROR, MENDED, CHECK)
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(empty_text="Type a path, then enter to see what would change.", id=id)

    def row_key(self, row: PreviewRow) -> str:
        return f"{row.action}:{row.where}:{row.reason}"

    def row_cells(self, row: PreviewRow) -> Sequence[Text]:
        return Text(row.action), Text(safe(row.where)), Text(safe(row.name)), Text(safe(row.reason))

    def row_style(self, row: PreviewRow) -> Style | None:
        return self.get_component_rich_style(f"preview-table--{row.action}")


class ReadProgress(Message):
    """From the reading thread: records read so far, of how many."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class ImportScreen(Screen[None]):
    """Answers nothing: the main screen redraws what the import changed when it closes."""

    CSS_PATH = "import_.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "apply",
            "Import",
            tooltip="Import what the preview shows (u on the main screen undoes it)",
            id="import-apply",
        ),
        Binding(
            "escape",
            "leave",
            "Close",
            tooltip="Close; nothing is written unless imported",
            id="import-close",
        ),
    ]

    NO_PATH = "Type the path of a file or a folder of vCards first"

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.plan: Any = None  # what `read` returned (an ImportPlan here)
        self.planned_for: tuple[str, ...] | None = None  # the fields the plan was made from
        self.busy = ""  # "reading" or "importing" while a worker runs
        self.imported = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="import-fields", classes="form"):
            yield field_row(
                "File or folder",
                text_input("import-path", placeholder="~/Downloads/contacts.vcf"),
            )
            yield Static(Content.styled(FORMATS_HINT, "dim"), id="import-hint")
            yield field_row(
                "Format",
                Select(
                    FORMAT_CHOICES, value=AUTO, allow_blank=False, id="import-format", compact=True
                ),
            )
            yield field_row(
                "Tag", text_input("import-tag", placeholder="optional: added to every contact")
            )
        yield Static("", id="import-status")
        yield ProgressBar(id="import-progress", show_eta=False)
        yield PreviewTable(id="import-preview")
        yield Static("", id="import-row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Import contacts"
        self.query_one(ProgressBar).display = False
        self.say("enter: preview what would be added, merged and skipped", "dim")
        self.query_one("#import-path", Input).focus()

    # -- what the fields say ------------------------------------------------------------------

    def fields(self) -> tuple[str, ...]:
        """(path, format, tag) as typed."""
        fmt = self.query_one("#import-format", Select).value
        return (
            self.query_one("#import-path", Input).value.strip(),
            fmt if isinstance(fmt, str) else AUTO,
            self.query_one("#import-tag", Input).value.strip(),
        )

    @property
    def ready(self) -> bool:
        """A clean preview of what the fields say now, not yet imported."""
        return (
            self.plan is not None
            and not self.plan.errors
            and not self.busy
            and not self.imported
            and self.planned_for == self.fields()
        )

    def say(self, message: str, style: str = "") -> None:
        self.query_one("#import-status", Static).update(Content.styled(message, style))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            return True if self.ready else None  # shown dimmed until there is a preview
        return True

    @on(Input.Changed)
    @on(Select.Changed)
    def _edited(self) -> None:
        if self.plan is not None and self.planned_for != self.fields() and not self.busy:
            self.say("Changed since the preview: enter to preview again", "$warning")
        self.refresh_bindings()

    # -- planning -----------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_preview()

    def action_preview(self) -> None:
        if self.busy == "importing":
            return
        fields = self.fields()
        path = fields[0]
        if not path:
            self.say(self.NO_PATH, "bold $error")
            return
        self.plan, self.planned_for, self.imported = None, fields, False
        self.busy = "reading"
        self.query_one(PreviewTable).set_rows([])
        self.query_one("#import-row", Static).update("")
        self.say(f"Reading {safe(path)}…", "italic")
        self.refresh_bindings()
        self.read(*fields)

    @work(thread=True, exit_on_error=False, exclusive=True, group="import-plan")
    def read(self, path: str, fmt: str, tag: str) -> ImportPlan:
        return plan_import(
            Path(path).expanduser(),
            self.store,
            fmt=None if fmt == AUTO else fmt,
            tag=tag or None,
            progress=self.progress_poster(),
        )

    def progress_poster(self) -> Callable[[int, int], None]:
        """A progress callback for the reading thread, posting at most every 0.1 s."""
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or done >= total:
                last = now
                self.post_message(ReadProgress(done, total))

        return progress

    def on_read_progress(self, message: ReadProgress) -> None:
        if self.busy != "reading":
            return
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=message.total, progress=message.done)

    @on(RowTable.Highlighted, "#import-preview")
    def _show_row(self, event: RowTable.Highlighted) -> None:
        """The whole of the row under the cursor: a merge's reason is longer than a column."""
        table = self.query_one(PreviewTable)
        row = table.rows[table.cursor] if 0 <= table.cursor < len(table.rows) else None
        text = ""
        if row is not None:
            head = ": ".join(safe(part) for part in (row.where, row.name) if part)
            text = f"{row.action} {head}: {safe(row.reason)}" if head else safe(row.reason)
        self.query_one("#import-row", Static).update(Content(text))

    def show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.query_one(PreviewTable).set_rows(preview_rows(plan))
        if plan.errors:
            self.say(
                f"Nothing can be imported: {plan.summary()}. Fix the file, then enter again",
                "bold $error",
            )
        elif not plan.writes_anything:
            self.say(f"Nothing new to import ({plan.summary()})", "bold")
        else:
            read_as = f"{plan.format}, {plan.encoding}" if plan.encoding else plan.format
            self.say(f"Preview ({read_as}): {plan.summary()}. ctrl+s imports it", "bold")

    # -- applying -----------------------------------------------------------------------------

    def action_apply(self) -> None:
        if not self.ready or self.plan is None:
            return
        self.busy = "importing"
        self.say("Importing…", "italic")
        self.refresh_bindings()
        self.write(self.plan)

    @work(thread=True, exit_on_error=False, exclusive=True, group="import-apply")
    def write(self, plan: ImportPlan) -> ImportPlan:
        apply(plan, self.store)
        return plan

    def imported_plan(self, plan: ImportPlan) -> None:
        self.imported = True
        source = safe(Path(plan.source).name)
        refusal = self.store.undo_refusal
        if plan.writes_anything and refusal:
            done = f"Imported {source}: {plan.summary()} — not undoable: {safe(refusal)}"
        elif plan.writes_anything:
            done = f"Imported {source}: {plan.summary()} — u on the main screen undoes it"
            if plan.unsorted_added:
                done += f". {plan.unsorted_added} wait unsorted: U sorts them"
        else:
            done = f"Nothing new in {source} ({plan.summary()})"
        self.say(done + ". esc closes", "bold $success")
        self.notify(done, markup=False)

    # -- workers ------------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group not in ("import-plan", "import-apply") or not worker.is_finished:
            return
        if event.state is WorkerState.CANCELLED:
            return  # a newer preview replaced it
        self.busy = ""
        self.query_one(ProgressBar).display = False
        if event.state is WorkerState.SUCCESS and worker.result is not None:
            if worker.group == "import-plan":
                self.show_plan(worker.result)
            else:
                self.imported_plan(worker.result)
        elif event.state is WorkerState.ERROR:
            what = "Could not read it" if worker.group == "import-plan" else "Nothing imported"
            self.say(f"{what}: {one_line_error(worker.error)}", "bold $error")
        self.refresh_bindings()

    def action_leave(self) -> None:
        if self.busy == "importing":
            self.say("Importing… it lands whole or not at all; wait a moment", "$warning")
            return
        self.dismiss(None)
