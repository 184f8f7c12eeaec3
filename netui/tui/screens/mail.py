"""Import mail (`m`, or "Import mail" in the palette): a path, a dry-run preview, ctrl+s files it.

The import screen with mail's fields: the same status line, progress bar, preview table
and workers (reading 10,000 messages takes seconds, so planning and filing run in
threads). The preview is what `netui mail --dry-run` prints: each message that would be
filed, then each one skipped or repaired, with its file and message number.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.events import Mount
from textual.widgets import Checkbox, Footer, Header, Input, ProgressBar, Static

from netui.core.config import load_my_emails, save_my_emails
from netui.core.errors import NetuiError, ValidationError
from netui.core.io.importer import ADD, SKIP
from netui.core.io.mail import MailPlan, apply_mail, plan_mail
from netui.core.io.mail_sources import find_messages
from netui.tui.format import safe
from netui.tui.screens.form import field_row, text_input
from netui.tui.screens.import_ import ImportScreen, PreviewRow, PreviewTable

MAIL_HINT = "an mbox, a Maildir (any depth), an .eml file, or a folder of them"
ADVANCE = "advance"


def mail_rows(plan: MailPlan) -> list[PreviewRow]:
    """Each filing (shown as an add), then each message skipped or repaired."""
    rows = [
        PreviewRow(ADD, f.where, f.name, f"{f.on.isoformat()} {f.direction}: {f.subject}")
        for f in plan.filings
    ]
    for problem in plan.problems:
        where, _, what = problem.rpartition(": ")
        rows.append(PreviewRow(SKIP, where, "", what))
    return rows


def parse_addresses(text: str) -> list[str]:
    """'a@x.org, b@y.org' -> the addresses; a word without @ is refused."""
    emails = [e.strip().lower() for e in text.replace(";", ",").split(",") if e.strip()]
    for email in emails:
        if "@" not in email or any(ch.isspace() for ch in email):
            raise ValidationError(f"not an email address: {email!r}")
    return emails


class MailScreen(ImportScreen):
    """Files mail into the diary; the main screen redraws what changed when it closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "apply",
            "File",
            tooltip="File what the preview shows (u on the main screen undoes it)",
            id="mail-apply",
        ),
    ]
    NO_PATH = "Type the path of an mbox, a Maildir or an .eml file first"

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="import-fields", classes="form"):
            yield field_row("Mail", text_input("import-path", placeholder="~/Mail/INBOX"))
            yield Static(Content.styled(MAIL_HINT, "dim"), id="import-hint")
            yield field_row(
                "Your addresses",
                text_input("mail-me", placeholder="you@example.com, the ones you send from"),
            )
            yield Checkbox(
                "An email you sent to someone at 'met' marks them thanked",
                value=False,
                id="mail-advance",
                compact=True,
            )
        yield Static("", id="import-status")
        yield ProgressBar(id="import-progress", show_eta=False)
        yield PreviewTable(id="import-preview")
        yield Static("", id="import-row")
        yield Footer(compact=True)

    def on_mount(self, event: Mount) -> None:  # type: ignore[override]  # takes the event
        event.prevent_default()  # the import screen's on_mount would title it "Import contacts"
        self.sub_title = "Import mail"
        self.query_one(ProgressBar).display = False
        self.query_one("#import-path", Input).focus()
        self.say("enter: preview what would be filed (nothing is written yet)", "dim")
        try:
            self.query_one("#mail-me", Input).value = ", ".join(load_my_emails())
        except NetuiError as exc:
            self.say(str(exc), "bold $error")

    def fields(self) -> tuple[str, ...]:
        """(path, your addresses, "advance" or "") as typed."""
        return (
            self.query_one("#import-path", Input).value.strip(),
            self.query_one("#mail-me", Input).value.strip(),
            ADVANCE if self.query_one("#mail-advance", Checkbox).value else "",
        )

    @on(Checkbox.Changed)
    def _ticked(self) -> None:
        self._edited()

    @work(thread=True, exit_on_error=False, exclusive=True, group="import-plan")
    def read(self, path: str, me: str, advance: str) -> MailPlan:
        emails = parse_addresses(me)
        if not emails:
            raise ValidationError("type your own addresses: they tell sent mail from received")
        found = find_messages([Path(path).expanduser()])
        if not found.messages and found.problems:
            raise ValidationError(found.problems[0])
        return plan_mail(
            self.store,
            found,
            emails,
            advance=advance == ADVANCE,
            progress=self.progress_poster(),
        )

    def show_plan(self, plan: MailPlan) -> None:  # type: ignore[override]  # `read` made it
        self.plan = plan
        self.query_one(PreviewTable).set_rows(mail_rows(plan))
        if not plan.writes_anything:
            self.say(f"Nothing new to file ({plan.summary()})", "bold")
        else:
            hint = ""
            if plan.may_thank:
                hint = f" (tick the box to mark {len(plan.may_thank)} you wrote to thanked)"
            self.say(f"Preview: {plan.summary()}{hint}. ctrl+s files it", "bold")

    @work(thread=True, exit_on_error=False, exclusive=True, group="import-apply")
    def write(self, plan: MailPlan) -> MailPlan:
        me = parse_addresses(self.planned_for[1] if self.planned_for else "")
        if me and not load_my_emails():
            save_my_emails(me)  # asked once, like `netui mail`
        apply_mail(plan, self.store)
        return plan

    def imported_plan(self, plan: MailPlan) -> None:  # type: ignore[override]  # `read` made it
        self.imported = True
        refusal = self.store.undo_refusal
        if plan.writes_anything and refusal:
            done = f"Filed: {plan.summary()} — not undoable: {refusal}"
        elif plan.writes_anything:
            done = f"Filed: {plan.summary()} — u on the main screen undoes it"
        else:
            done = f"Nothing new to file ({plan.summary()})"
        self.say(done + ". esc closes", "bold $success")
        self.notify(safe(done), markup=False)
