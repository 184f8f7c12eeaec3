"""The daily review (`r`): today's follow-ups one contact at a time, overdue first.

Each key is one call into `ReviewSession` (netui.core.followup.review), which makes the same store
call as the main screen's key for that step, so `u` there undoes a step done here.
Leaving shows the summary; the screen answers the contact it was on, for the main screen
to select. Gone-cold follow-ups come last, one group: each can be handled like any other,
or all of them at once (`Z` snooze, `X` archive, `K` keep in touch; each asks first and is
one undoable change).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Header, Static

from netui.core import dates
from netui.core.db.store import Store
from netui.core.errors import NetuiError
from netui.core.followup.referrals import describe
from netui.core.followup.review import (
    ReviewSession,
    Step,
    StepKind,
    StepNotes,
    Summary,
    channel_for,
    emailed_thank_you,
)
from netui.core.rules import QueueItem
from netui.tui.format import overdue_words, safe
from netui.tui.screens.confirm import ConfirmScreen
from netui.tui.screens.detail_screen import DetailScreen
from netui.tui.screens.log import LogScreen
from netui.tui.screens.snooze import Snooze, SnoozeScreen
from netui.tui.screens.step_log import StepLogScreen
from netui.tui.screens.thank_you import ThankYouScreen
from netui.tui.widgets.detail import DetailPane
from netui.tui.widgets.status import StatusLine, say

UNDO_HINT = "u on the main screen undoes it"


class ReviewScreen(DetailScreen[str | None]):
    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "do", "Do it", tooltip="Do the suggested step now, dated today", id="do"),
        Binding("l", "log", "Log", tooltip="Log a conversation with this contact", id="log"),
        Binding("z", "snooze", "Snooze", tooltip="Snooze: 1 day, 3 days, 1 week, a date", id="z"),
        Binding("s", "skip", "Skip", tooltip="Skip for now: it stays due", id="skip"),
        Binding("x", "archive", "Dud", tooltip="Archive as a dud: history kept", id="dud"),
        Binding("escape", "leave", "Leave", tooltip="End the review, with a summary", id="leave"),
        Binding(
            "Z",
            "cold('snooze')",
            "Snooze all",
            tooltip="Gone cold: snooze them all to one date (asks first)",
            id="cold-snooze",
        ),
        Binding(
            "X",
            "cold('archive')",
            "Archive all",
            tooltip="Gone cold: archive them all as duds (asks first)",
            id="cold-archive",
        ),
        Binding(
            "K",
            "cold('keep')",
            "Keep all",
            tooltip="Gone cold: keep them all in touch, due a cadence from today (asks first)",
            id="cold-keep",
        ),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.session = ReviewSession(store, self.today)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="review-step")
        yield DetailPane(self.store, id="review-detail")
        yield Static("", id="review-summary")
        yield StatusLine()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"Daily review · {dates.format_date(self.today)}"
        self.show_current()

    # -- drawing ------------------------------------------------------------------------------

    def redraw(self) -> None:
        self.show_current()

    def show_current(self) -> None:
        """Draw the current item, or the summary once the plan is walked."""
        summary = self.query_one("#review-summary", Static)
        if self.show_writing((self.query_one("#review-step"), self.query_one(DetailPane)), summary):
            return
        item = self.session.current
        self.query_one("#review-step").display = item is not None
        self.query_one(DetailPane).display = item is not None
        summary.display = item is None
        if item is None:
            summary.update(self._summary_content(self.session.summary()))
            self.refresh_bindings()
            return
        panel = self.query_one("#review-step", Static)
        panel.update(self._step_content(item))
        number = f"{self.session.position + 1:,} of {self.session.total:,}"
        if item.cold:
            number = f"Gone cold · {number}"
        panel.border_title = Content(f"{number}: {safe(item.contact.name)}")  # never markup
        detail = self.query_one(DetailPane)
        detail.show(item.contact.id, self.today)
        detail.border_title = "Card and diary"
        self.refresh_bindings()

    def _step_content(self, item: QueueItem) -> Content:
        step = self.session.step()
        late = (self.today - item.due).days
        when = overdue_words(item.due, self.today)
        lines = [
            Content.assemble(
                (safe(item.action), "bold $error" if late > 0 else "bold $warning"), f" · {when}"
            )
        ]
        if item.referral_id is not None:
            referral = self.store.referral(item.referral_id)
            line = describe(referral, self.store.contacts_by_id, item.contact.id)
            lines.append(Content(safe(line)))
        sent = emailed_thank_you(self.store, item.contact) if item.kind == "stage" else None
        if sent is not None:
            subject = safe(sent.subject or "no subject")
            day = dates.format_date(sent.on)
            lines.append(Content(f"You emailed them on {day} ({subject}): the thank-you?"))
        lines.append(Content.assemble(("d ", "bold $accent"), self._what_d_does(step)))
        if item.cold:
            count = len(self.session.cold_left())
            days = self.store.settings.gone_cold_days
            lines.append(
                Content.assemble(
                    (f"Gone cold: {count:,} overdue by more than {days} days. ", "bold"),
                    "All at once: Z snooze · X archive · K keep in touch",
                )
            )
        return Content("\n").join(lines)

    def _what_d_does(self, step: Step) -> str:
        if step.drafts_note:
            return f"{step.label} and draft the note"
        if step.logs and self.store.settings.log_on_step:
            return f"{step.label} and log what you talked about"
        if step.kind is StepKind.KEEP_IN_TOUCH:
            return f"{step.label} (or l to log what you talked about)"
        return step.label

    @staticmethod
    def _summary_content(summary: Summary) -> Content:
        t = summary.tally
        head = "Review finished." if summary.finished else "Review ended."
        rows = [
            ("Done", t.done),
            ("Logged", t.logged),
            ("Snoozed", t.snoozed),
            ("Skipped", t.skipped),
            ("Archived", t.archived),
            *((("Kept in touch", t.kept),) if t.kept else ()),
            ("Still due today", summary.left),
            *((("Gone cold", summary.cold),) if summary.cold else ()),
        ]
        if t.with_notes or t.without_notes:  # calls, coffees, keep-in-touch done
            rows[1:1] = [("  with notes", t.with_notes), ("  without notes", t.without_notes)]
        lines = [Content.styled(head, "bold")]
        lines += [Content.assemble((f"{label:<16}", "bold"), str(n)) for label, n in rows]
        if t.touched == 0 and summary.left == 0 and summary.cold == 0:
            lines = [Content.styled("Nothing due today: all caught up.", "bold")]
        lines.append(Content.styled("\nescape to go back", "dim"))
        return Content("\n").join(lines)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Once the plan is walked only leaving is left; bulk keys only in the cold group."""
        if self.writing is not None:
            return super().check_action(action, parameters)
        if action == "cold":
            item = self.session.current
            return item is not None and item.cold
        return action == "leave" or not self.session.finished

    # -- keys ---------------------------------------------------------------------------------

    def action_do(self) -> None:
        item = self.session.current
        if item is None:
            return
        step = self.session.step()
        if step.logs and self.store.settings.log_on_step:
            self._log_step(item, step)
            return
        self._do(item)

    def _do(self, item: QueueItem, notes: StepNotes | None = None) -> None:
        """The step (with what was said, when the form saved it), then what it leads to."""
        try:
            _, step = self.session.do(notes)
        except NetuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        said = "" if notes is not None or not step.logs else " (nothing logged)"
        with_notes = " with notes" if notes is not None else ""
        say(
            self, f"{safe(item.contact.name)}: {step.label.lower()}{with_notes}{said} — {UNDO_HINT}"
        )
        if step.drafts_note:
            screen = ThankYouScreen(self.store, item.contact.id, item.referral_id)
            self.app.push_screen(screen, lambda _: self.show_current())
        else:
            self.show_current()

    def _log_step(self, item: QueueItem, step: Step) -> None:
        """The log form with the step pending: saved, both land; escape, the step alone."""
        saved: list[StepNotes] = []

        def perform(notes: StepNotes) -> None:
            self.session.do(notes)  # raises to keep the form open on a failed write
            saved.append(notes)

        def closed(conversation_id: str | None) -> None:
            if saved:
                name = safe(item.contact.name)
                say(self, f"{name}: {step.label.lower()} with notes — {UNDO_HINT}")
                self.show_current()
            elif self.session.current is item:
                self._do(item)

        channel = channel_for(self.store, item, step)
        screen = StepLogScreen(self.store, item.contact.id, step.label, channel, perform)
        self.app.push_screen(screen, closed)

    def action_log(self) -> None:
        item = self.session.current
        if item is not None:
            self.app.push_screen(LogScreen(self.store, item.contact.id), self._logged)

    def _logged(self, conversation_id: str | None) -> None:
        if conversation_id:
            self.session.logged()
        self.show_current()

    def action_snooze(self) -> None:
        item = self.session.current
        if item is None:
            return
        contact = self.store.get(item.contact.id)
        screen = SnoozeScreen(safe(contact.name), self.today, contact.follow_up_on is not None)
        self.app.push_screen(screen, self._snoozed)

    def _snoozed(self, choice: Snooze | None) -> None:
        if choice is None:
            return
        when = dates.humanize(choice.until, self.today) if choice.until else "as usual"
        done = f"Follow up {when} — {UNDO_HINT}"
        self._write(lambda: self.session.snooze(choice.until), lambda _: done)

    def action_skip(self) -> None:
        if self.session.current is not None:
            self.session.skip()
            self.show_current()

    def action_archive(self) -> None:
        item = self.session.current
        if item is not None:
            done = f"{safe(item.contact.name)} archived as a dud — {UNDO_HINT}"
            self._write(self.session.archive, lambda _: done)

    def action_cold(self, action: str) -> None:
        """A bulk action on the gone-cold group: snooze asks the date, then all ask first."""
        count = len(self.session.cold_left())
        if not count:
            return
        if action == "snooze":
            screen = SnoozeScreen(f"all {count} gone cold", self.today)
            self.app.push_screen(
                screen, lambda c: self._confirm_cold(action, count, c.until if c else None)
            )
        else:
            self._confirm_cold(action, count)

    def _confirm_cold(self, action: str, count: int, until: date | None = None) -> None:
        if action == "snooze" and until is None:
            return
        day = dates.format_date(until) if until else ""
        question, done, doing = {
            "snooze": (
                f"Snooze all {count} gone-cold follow-ups to {day}?",
                f"snoozed to {day}",
                f"snoozing {count} gone-cold follow-ups to {day}",
            ),
            "archive": (
                f"Archive all {count} gone-cold contacts as duds?",
                "archived",
                f"archiving {count} gone-cold contacts",
            ),
            "keep": (
                f"Keep all {count} gone-cold contacts in touch, due a cadence from today?",
                "kept in touch",
                f"keeping {count} gone-cold contacts in touch",
            ),
        }[action]

        def answered(yes: bool | None) -> None:
            if yes:
                self.hold_keys(doing)
                self.handle_cold(action, until, f"{count} {done} — {UNDO_HINT} (all at once)")

        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-cold")
    def handle_cold(self, action: str, until: date | None, done: str) -> None:
        """One transaction for the whole group, off the UI thread (thousands take seconds)."""
        try:
            self.session.handle_cold(action, until)
        except NetuiError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
        else:
            self.app.call_from_thread(say, self, done)
        finally:
            self.app.call_from_thread(self.keys_back)

    def action_leave(self) -> None:
        summary = self.session.summary()
        say(self, summary.text())  # on the main screen's status line, once this one closes
        item = self.session.current
        self.dismiss(item.contact.id if item is not None else None)
