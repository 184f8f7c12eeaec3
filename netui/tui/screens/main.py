"""The main screen: contacts, detail and follow-up queue, and every key of the key table.

Read `BINDINGS` to find a key, then its `action_` method: each one is a single call into
the store followed by `sync()`, which redraws whatever the store's `version` says changed.

What only a key needs (the other screens, the review's steps, git sync) is imported in that
key's action, so none of it is loaded before the first screen is painted.

The first frame of a lazy store shows only the lists' first rows, picked from the digest
(`FollowUps.first_page`, ~3 ms at 10,000 contacts), with the counts and scrollbars of all:
making and sorting every row of both lists (~40 ms) waits until just after that frame
(`after_first_frame`). Whatever comes first after the first frame, that or any key, mouse
event or sync, builds the whole lists before it is handled (`complete_first_page`, called
by the app for input), so no key ever acts on the first page alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from netui.core import dates
from netui.core.db import digest
from netui.core.db.store import Store
from netui.core.errors import NetuiError, StorageError
from netui.core.model import Contact, Stage
from netui.core.rules import QueueItem
from netui.tui import startup_gc
from netui.tui.followups import FollowUps
from netui.tui.format import safe
from netui.tui.messages import ContactChosen, DataChanged
from netui.tui.screens.help import HelpScreen, HelpSection
from netui.tui.widgets.contacts import ContactsPane
from netui.tui.widgets.detail import DetailPane
from netui.tui.widgets.header import CountsHeader
from netui.tui.widgets.queue import QueuePane
from netui.tui.widgets.status import StatusLine, say
from netui.tui.widgets.table import RowTable

if TYPE_CHECKING:
    from netui.core.followup import review
    from netui.tui.screens.capture import Captured

STAGE_KEYS = Binding.Group("Mark stage", compact=True)
QUEUE_DAYS = 7  # the queue shows what is due in the coming week too


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "capture", "New", tooltip="Quick capture of a new contact", id="capture"),
        Binding(
            "l", "log", "Log", tooltip="Log a conversation with the selected contact", id="log"
        ),
        Binding(
            "t",
            "mark('thanked')",
            "Thanked",
            tooltip="Mark thanked today and draft the note (or thank for an introduction)",
            id="thanked",
            group=STAGE_KEYS,
        ),
        Binding(
            "c",
            "mark('called')",
            "Called",
            tooltip="Mark called, dated today",
            id="called",
            group=STAGE_KEYS,
        ),
        Binding(
            "o",
            "mark('coffee')",
            "Coffee",
            tooltip="Mark met for coffee, dated today",
            id="coffee",
            group=STAGE_KEYS,
        ),
        Binding(
            "right_square_bracket",
            "step(1)",
            "Stage →",
            tooltip="Next stage, dated today",
            id="next-stage",
            show=False,
        ),
        Binding(
            "left_square_bracket",
            "step(-1)",
            "Stage ←",
            tooltip="Previous stage",
            id="previous-stage",
            show=False,
        ),
        Binding(
            "z",
            "snooze",
            "Snooze",
            tooltip="Snooze the follow-up: 1 day, 3 days, 1 week or a date",
            id="snooze",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            tooltip="Edit the selected contact and their stage dates",
            id="edit",
            show=False,
        ),
        Binding(
            "v",
            "view_all",
            "View all",
            tooltip="The whole text of every field and conversation",
            id="view-all",
            show=False,
        ),
        Binding(
            "x",
            "archive",
            "Archive",
            tooltip="Archive as a dud, or bring back; history is kept",
            id="archive",
            show=False,
        ),
        Binding(
            "D",
            "delete",
            "Delete",
            tooltip="Delete the selected contact with their diary and referrals (u undoes)",
            id="delete",
            show=False,
        ),
        Binding("u", "undo", "Undo", tooltip="Undo the last change (several levels)", id="undo"),
        Binding("slash", "search", "Search", tooltip="Search every conversation", id="search"),
        Binding(
            "r",
            "review",
            "Review",
            tooltip="Daily review: today's follow-ups one by one",
            id="review",
        ),
        Binding(
            "w",
            "thank_you",
            "Thank-you",
            tooltip="Draft the thank-you note",
            id="thank-you",
            show=False,
        ),
        Binding(
            "R",
            "referral",
            "Referral",
            tooltip="Record someone this contact recommended",
            id="referral",
            show=False,
        ),
        Binding(
            "i",
            "introduce",
            "Introduce",
            tooltip="Introduce the selected contact to someone: the draft, then record it",
            id="introduce",
            show=False,
        ),
        Binding(
            "M",
            "merge",
            "Merge",
            tooltip="Merge the selected contact with a duplicate",
            id="merge",
            show=False,
        ),
        Binding("S", "stats", "Stats", tooltip="The funnel and stats", id="stats", show=False),
        Binding(
            "I", "import_contacts", "Import", tooltip="Import contacts", id="import", show=False
        ),
        Binding(
            "U",
            "sort_inbox",
            "Sort",
            tooltip="Sort the unsorted: imported people onto the ladder",
            id="sort-inbox",
            show=False,
        ),
        Binding(
            "m",
            "import_mail",
            "Mail",
            tooltip="Import mail: file emails with contacts in their diary",
            id="import-mail",
            show=False,
        ),
        Binding(
            "a",
            "toggle_archived",
            "Archived",
            tooltip="Show or hide archived contacts",
            id="show-archived",
            show=False,
        ),
        Binding(
            "tab", "focus_pane(1)", "Next pane", tooltip="Next pane", id="next-pane", show=False
        ),
        Binding(
            "shift+tab",
            "focus_pane(-1)",
            "Previous pane",
            tooltip="Previous pane",
            id="previous-pane",
            show=False,
        ),
        Binding("question_mark", "help", "Help", tooltip="Every key and what it does", id="help"),
        Binding(
            "ctrl+p",
            "app.command_palette",
            "Palette",
            tooltip="Command palette: every action, and jump to a contact by name",
            id="palette",
            show=False,
        ),
        Binding("q", "app.quit", "Quit", tooltip="Quit", id="quit"),
    ]

    def __init__(
        self,
        store: Store,
        *,
        poll_seconds: float = 1.0,
        digest_rows: list[digest.Row] | None = None,
    ) -> None:
        """`digest_rows`: the digest as the launcher read it, for the first screen."""
        super().__init__()
        self.store = store
        self.poll_seconds = poll_seconds
        self.selected_id: str | None = None
        self.show_archived = False
        self.today = dates.today()
        self._shown_version = -1
        self._loading = False
        self._loading_what = "the diary"  # or the contacts first, for a lazy store: the notice
        self._first_page = False  # the lists show their first rows only (the first frame)
        self.followups = FollowUps(store, QUEUE_DAYS, digest_rows)

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield CountsHeader()
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield ContactsPane(id="contacts")
                yield QueuePane(id="queue")
            yield DetailPane(self.store, id="detail")
        yield StatusLine(id="status")
        yield Footer(compact=True)

    @property
    def contacts(self) -> ContactsPane:
        return self.query_one(ContactsPane)

    @property
    def queue(self) -> QueuePane:
        return self.query_one(QueuePane)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    def on_mount(self) -> None:
        for pane in (self.contacts, self.queue):
            pane.contact_highlighted.subscribe(self, self._follow, immediate=True)
        if not self._show_first_page():
            self.sync(force=True)
        elif getattr(self.app, "first_frame_painted", True):  # a screen pushed later
            self.after_first_frame()
        self.contacts.table.focus()
        if not self.store.conversations_loaded:
            # After the first frame: the loading thread would otherwise slow the first paint.
            self._loading = True
            self.call_after_refresh(self.load_diary)
        else:
            self.call_after_refresh(startup_gc.resume)
        if self.poll_seconds:
            self.set_interval(self.poll_seconds, self.poll)

    # -- keeping the screen in step with the store ----------------------------------------------

    def _show_first_page(self) -> bool:
        """The first frame from the lists' first rows (see the module docstring); False when
        there is no such page to show (then `sync` draws everything)."""
        size = self.app.size.height  # no list shows more rows than the terminal has lines
        page = self.followups.first_page(self.today, size)
        if page is None:
            return False
        self._first_page = True
        self._shown_version = self.store.version
        self.contacts.show_first_page(page, self.today, size)
        self.queue.show_first_page(page, self.today, size)
        self.selected_id = self.contacts.current_id or self.queue.current_id
        self.detail.show(self.selected_id, self.today)
        self._show_counts(page.active, page.unsorted)
        return True

    def after_first_frame(self) -> None:
        """The whole lists, once the first frame is on the terminal (the app calls this on
        Textual's `Ready`: `call_after_refresh` may run before the first paint); a test may
        hold this back."""
        self.complete_first_page()

    def complete_first_page(self) -> None:
        """Build the whole lists now if the screen still shows their first page only; the
        cursor stays on its row (the page is the start of the list, in the same order)."""
        if self._first_page:
            self.sync(force=True)

    @work(thread=True, exit_on_error=False, group="load", name="load-diary")
    def load_diary(self) -> None:
        """The records behind the first screen (drawn from the digest), then the diary (can
        be 100k entries): off the UI thread, after the first screen, the diary a month at a
        time so a key's write never waits for the whole diary.

        A key that needs a record meanwhile waits for the contacts (`_selected` reads them),
        never acts on a summary."""
        if not self.store.contacts_loaded:
            self._loading_what = "the contacts"
            self.followups.prepare()  # reads every contact, then makes their rows here
            self.post_message(DataChanged())  # the panes start over from the records
        self._loading_what = "the diary"
        self.store.load_conversations_in_slices()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name == "sync":
            self._sync_done(event)
            return
        if event.worker.name != "load-diary":
            return
        if event.state is WorkerState.SUCCESS:
            self._loading = False
            startup_gc.resume()
            self.sync(force=True)
        elif event.state is WorkerState.ERROR:
            self._loading = False
            startup_gc.resume()
            self.notify(
                f"Could not load {self._loading_what}: {event.worker.error}",
                severity="error",
                markup=False,
            )

    @property
    def diary_loading(self) -> bool:
        """True while the diary is still loading in the background."""
        return self._loading

    def poll(self) -> None:
        """Pick up what another process (a `netui add` elsewhere) wrote."""
        if self._loading:
            return
        try:
            self.store.refresh()
        except StorageError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.sync()

    def on_screen_resume(self) -> None:
        self.sync()

    def on_data_changed(self, _: DataChanged) -> None:
        self.sync(force=self.followups.summaries)

    def sync(self, force: bool = False) -> None:
        """Redraw what changed since the panes were drawn (the store's version tells)."""
        today = dates.today()
        if not force and self.store.version == self._shown_version and today == self.today:
            return
        self._first_page = False
        self.today = today
        self._shown_version = self.store.version
        delta = self.followups.update(today)
        rows = self.followups.rows
        self.contacts.include_archived = self.show_archived
        self.contacts.set_rows(rows, delta, today, self.followups.active, keep=self.selected_id)
        changed = None if delta.full else delta.changed_ids
        self.queue.set_items(
            self.followups.queue(changed),
            self.followups.referral_thanks(changed),
            today,
            lambda i: rows[i].name_key,
            changed,
        )
        selected = rows.get(self.selected_id or "")  # not the store: it may not be read yet
        if selected is None or (selected.contact.archived and not self.show_archived):
            self.selected_id = self.contacts.current_id or self.queue.current_id
        self.detail.show(self.selected_id, today)
        shown = len(rows) if self.show_archived else self.followups.active
        self._show_counts(shown, self.followups.unsorted)

    def _show_counts(self, shown: int, unsorted: int) -> None:
        """The header: the queue's counts, how many contacts are listed, the unsorted."""
        counts = f"{self.queue.overdue:,} overdue · {self.queue.due_today:,} due today"
        if self.queue.cold:
            counts += f" · {self.queue.cold:,} gone cold"
        self.query_one(CountsHeader).show_counts(f"{counts} · {shown:,} contacts", unsorted)

    def _follow(self, contact_id: str) -> None:
        """A list's cursor moved: the detail shows that contact in the same frame."""
        if contact_id != self.selected_id:
            self.selected_id = contact_id
            self.detail.show(contact_id, self.today)

    @on(ContactChosen)
    def _choose(self, event: ContactChosen) -> None:
        self.select(event.contact_id, event.conversation_id)

    def select(self, contact_id: str, conversation_id: str | None = None) -> None:
        """Select a contact in every pane (from the queue, the palette or a search)."""
        if contact_id not in self.store.contacts_by_id:
            return
        if self.store.contacts_by_id[contact_id].archived and not self.show_archived:
            self.action_toggle_archived()
        self.selected_id = contact_id
        self.contacts.select(contact_id)
        self.queue.select(contact_id)
        self.detail.show(contact_id, self.today, conversation_id)

    # -- actions ------------------------------------------------------------------------------

    def _selected(self) -> Contact | None:
        """The contact under the cursor of the focused list (else the one shown in detail).

        Read from the list itself, not from the last highlight message: keys typed fast
        (`j j t`) arrive before the messages that follow the cursor."""
        focused = self.focused
        if (
            focused is self.contacts.table
            and not self.contacts.current_id
            and self.contacts.filtering
        ):
            # The filter hides everyone: a key acts on nobody, never on a card out of sight.
            self.notify("No contact matches the filter: escape in it clears it", severity="warning")
            return None
        if focused is self.contacts.table and self.contacts.current_id:
            self.selected_id = self.contacts.current_id
        elif focused is self.queue.table and self.queue.current_id:
            self.selected_id = self.queue.current_id
        contact = self.store.contacts_by_id.get(self.selected_id or "")
        if contact is None:
            self.notify("No contact selected: press n to add one", severity="warning")
        return contact

    def _write(self, change: Callable[[], Any], done: Callable[[Any], str] | None = None) -> bool:
        """Run one store write; say what happened (and that u undoes it) on the status line,
        in the frame that shows the change, or why it failed (a toast).

        True when the write went through."""
        try:
            result = change()
        except NetuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return False
        finally:
            self.sync()
        if done is not None:
            say(self, done(result))
        return True

    def action_capture(self) -> None:
        from netui.tui.screens.capture import CaptureScreen

        event = ""
        contact = self.store.contacts_by_id.get(self.selected_id or "")
        if contact is not None and contact.met_on == self.today:
            event = contact.met_at  # people met today were most likely met at the same event
        self.app.push_screen(CaptureScreen(self.store, event), self._captured)

    def _captured(self, captured: Captured | None) -> None:
        self.sync()
        if captured is None:
            return
        if captured.saved:
            names = ", ".join(safe(self.store.get(i).name) for i in captured.saved)
            say(self, f"Added {names}; thank-you due tomorrow — u to undo")
        if captured.open_id is not None:
            self.select(captured.open_id)
        elif captured.saved:
            self.select(captured.saved[-1])

    def action_log(self) -> None:
        from netui.tui.screens.log import LogScreen

        if (contact := self._selected()) is not None:
            self.app.push_screen(LogScreen(self.store, contact.id), self._logged)

    def _logged(self, conversation_id: str | None) -> None:
        self.sync()
        if conversation_id:
            self.detail.show(self.selected_id, self.today, conversation_id)
            say(self, "Conversation logged — u to undo")

    def action_mark(self, stage: str) -> None:
        """t / c / o: the stage at once, dated today; after `t`, the note to send."""
        from netui.core.followup import review

        target = Stage(stage)
        if target is Stage.THANKED and (item := self._introduction_row()) is not None:
            self._thank_referrer(item)
            return
        contact = self._selected()
        if contact is None:
            return
        if contact.stage is target:
            say(self, f"{safe(contact.name)} is already {target.label}")
            return
        if target in review.STEP_CHANNELS and self.store.settings.log_on_step:
            self._log_step(contact, target)
            return
        marked = self._write(
            lambda: self.store.set_stage(contact.id, target, on=self.today),
            lambda c: f"{safe(c.name)}: {target.label} today — u to undo",
        )
        if marked and target is Stage.THANKED:
            self._draft_thank_you(contact.id)

    def _log_step(self, contact: Contact, target: Stage) -> None:
        """c / o: the log form with the step pending; escape makes the step alone."""
        from netui.core.followup import review
        from netui.tui.screens.step_log import StepLogScreen

        def perform(notes: review.StepNotes) -> None:
            self.store.step_and_log(
                contact.id, target, notes.conversation, needs=notes.needs, offers=notes.offers
            )

        def closed(conversation_id: str | None) -> None:
            if conversation_id is not None:
                self.sync()
                self.detail.show(contact.id, self.today, conversation_id)
                name = safe(contact.name)
                say(self, f"{name}: {target.label}, with notes — u to undo")
                return
            self._write(
                lambda: self.store.set_stage(contact.id, target, on=self.today),
                lambda c: f"{safe(c.name)}: {target.label} today (nothing logged) — u to undo",
            )

        label, channel = f"Mark {target.label}", review.STEP_CHANNELS[target]
        self.app.push_screen(StepLogScreen(self.store, contact.id, label, channel, perform), closed)

    def _introduction_row(self) -> QueueItem | None:
        """The queue row under the cursor if it asks to thank someone for an introduction."""
        if self.focused is not self.queue.table:
            return None
        item = self.queue.current_item
        return item if item is not None and item.kind == "thank-referrer" else None

    def _thank_referrer(self, item: QueueItem) -> None:
        """The same step as `d` in the daily review: the referral is marked thanked."""
        from netui.core.followup import review

        name = safe(item.contact.name)
        if self._write(
            lambda: review.perform(self.store, item, self.today),
            lambda _: f"{name}: thanked for the introduction today — u to undo",
        ):
            self._draft_thank_you(item.contact.id, item.referral_id)

    def _draft_thank_you(self, contact_id: str, referral_id: str | None = None) -> None:
        from netui.tui.screens.thank_you import ThankYouScreen

        screen = ThankYouScreen(self.store, contact_id, referral_id)
        self.app.push_screen(screen, self._screen_closed)

    def action_step(self, delta: int) -> None:
        if (contact := self._selected()) is not None:
            self._write(
                lambda: self.store.step_stage(contact.id, delta, on=self.today),
                lambda c: f"{safe(c.name)}: now {c.stage.label} — u to undo",
            )

    def action_snooze(self) -> None:
        from netui.tui.screens.snooze import Snooze, SnoozeScreen

        contact = self._selected()
        if contact is None:
            return

        def snoozed(choice: Snooze | None) -> None:
            if choice is None:
                return
            self._write(
                lambda: self.store.snooze(contact.id, choice.until),
                lambda c: (
                    f"{safe(c.name)}: follow up "
                    + (dates.humanize(choice.until, self.today) if choice.until else "as usual")
                    + " — u to undo"
                ),
            )

        screen = SnoozeScreen(safe(contact.name), self.today, contact.follow_up_on is not None)
        self.app.push_screen(screen, snoozed)

    def action_view_all(self) -> None:
        from netui.tui.screens.text_view import TextViewScreen
        from netui.tui.widgets.detail import whole_text

        if (contact := self._selected()) is not None:
            text = whole_text(contact, self.store.conversations_of(contact.id), self.today)
            self.app.push_screen(TextViewScreen(contact.name, text))

    def action_edit(self) -> None:
        from netui.tui.screens.edit import EditScreen

        if (contact := self._selected()) is not None:
            self.app.push_screen(EditScreen(self.store, contact.id), self._edited)

    def _edited(self, contact_id: str | None) -> None:
        self.sync()
        if contact_id:
            say(self, "Saved — u to undo")

    def action_archive(self) -> None:
        if (contact := self._selected()) is not None:
            archive = not contact.archived
            self._write(
                lambda: self.store.archive(contact.id, archive),
                lambda c: (
                    f"{safe(c.name)} archived as a dud (a shows archived) — u to undo"
                    if archive
                    else f"{safe(c.name)} is back — u to undo"
                ),
            )

    def action_delete(self) -> None:
        """D: asks first, saying what goes with them; one change, so u brings all back."""
        from netui.tui.screens.confirm import ConfirmScreen

        contact = self._selected()
        if contact is None:
            return
        traces = self.store.traces(contact.id)

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(
                    lambda: self.store.delete_contact(contact.id),
                    lambda _: f"Deleted {safe(contact.name)} — u to undo",
                )

        question = f"Delete {safe(contact.name)} and {traces.describe()}?\n(u undoes it)"
        self.app.push_screen(ConfirmScreen(question), answered)

    def action_undo(self) -> None:
        self._write(self.store.undo, lambda description: f"Undone: {safe(description)}")

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.followups.today = None  # redraw everything
        self.sync(force=True)
        say(
            self,
            "Showing archived contacts too" if self.show_archived else "Archived contacts hidden",
        )

    def action_focus_pane(self, step: int) -> None:
        panes: list[Widget] = [self.contacts.table, self.queue.table, self.detail]
        focused = self.focused
        current = next((i for i, p in enumerate(panes) if focused is p), -1)
        if current < 0 and focused is not None and focused in self.contacts.walk_children():
            current = 0
        panes[(current + step) % len(panes)].focus()

    def help_sections(self) -> list[HelpSection]:
        from netui.tui.screens.capture import CaptureScreen
        from netui.tui.screens.form import FormScreen
        from netui.tui.screens.log import LogScreen

        return [
            ("Everywhere on the main screen", self.BINDINGS),
            ("In the contacts pane", ContactsPane.BINDINGS),
            ("In the detail pane", DetailPane.BINDINGS),
            ("In a list", RowTable.BINDINGS),
            ("In a form", [*FormScreen.BINDINGS, *CaptureScreen.BINDINGS, *LogScreen.BINDINGS]),
        ]

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.help_sections()))

    def action_search(self) -> None:
        from netui.tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self.store), self._screen_closed)

    def action_review(self) -> None:
        from netui.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.store), self._screen_closed)

    def action_stats(self) -> None:
        from netui.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.store), self._screen_closed)

    def action_import_contacts(self) -> None:
        from netui.tui.screens.import_ import ImportScreen

        self.app.push_screen(ImportScreen(self.store), self._screen_closed)

    def action_sort_inbox(self) -> None:
        from netui.tui.screens.sort import SortScreen

        if not self.followups.unsorted:
            say(self, "Nobody is unsorted: imported people wait here until sorted")
            return
        self.app.push_screen(SortScreen(self.store), self._screen_closed)

    def action_import_mail(self) -> None:
        from netui.tui.screens.mail import MailScreen

        self.app.push_screen(MailScreen(self.store), self._screen_closed)

    def action_thank_you(self) -> None:
        from netui.tui.screens.thank_you import ThankYouScreen

        if (contact := self._selected()) is not None:
            self.app.push_screen(ThankYouScreen(self.store, contact.id), self._screen_closed)

    def action_referral(self) -> None:
        from netui.tui.screens.referral import ReferralScreen

        if (contact := self._selected()) is not None:
            self.app.push_screen(ReferralScreen(self.store, contact.id), self._screen_closed)

    def action_introduce(self) -> None:
        from netui.tui.screens.introduction import IntroductionScreen

        if (contact := self._selected()) is not None:
            self.app.push_screen(IntroductionScreen(self.store, contact.id), self._screen_closed)

    def action_merge(self) -> None:
        from netui.tui.screens.merge import MergeScreen

        if (contact := self._selected()) is not None:
            self.app.push_screen(MergeScreen(self.store, contact.id), self._screen_closed)

    def _screen_closed(self, result: object) -> None:
        """A screen may answer with a contact id, or (contact id, conversation id)."""
        self.sync()
        if isinstance(result, str):
            self.select(result)
        elif isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], str):
            self.select(result[0], result[1])

    # -- sync (from the palette) --------------------------------------------------------------

    def sync_title(self) -> str:
        """The palette's sync command, saying when this device last synced."""
        from netui.core.sync import git as git_sync

        root = self.store.path
        if not git_sync.is_synced(root):
            return "Sync with other devices (set up once: netui sync --remote URL)"
        when = git_sync.last_sync(root)
        if when is None:
            return "Sync now (not finished yet on this device)"
        return f"Sync now (last synced {when.astimezone().strftime('%a %-d %b %H:%M')})"

    def action_sync(self) -> None:
        say(self, "Syncing…")
        self.run_sync()

    @work(thread=True, exit_on_error=False, group="sync", name="sync", exclusive=True)
    def run_sync(self) -> str:
        """Network and git take seconds: off the UI thread; the merge lands like any write."""
        from netui.core.sync import git as git_sync

        return git_sync.sync(self.store.database).summary()

    def _sync_done(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.SUCCESS:
            say(self, f"Synced: {event.worker.result}")
            self.poll()
        elif event.state is WorkerState.ERROR:
            self.notify(f"Sync failed: {event.worker.error}", severity="error", markup=False)

    def jump_to(self, contact_id: str) -> None:
        """From the command palette: select the contact and put the focus on the list."""
        self.select(contact_id)
        self.contacts.table.focus()
