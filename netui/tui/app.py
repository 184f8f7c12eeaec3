"""The Textual app, built by one factory (`make_app`) for the CLI, tests and screenshots."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.screen import Screen

from netui.core.db import digest
from netui.core.db.store import Store
from netui.core.errors import NetuiError
from netui.tui.commands import NetuiCommands
from netui.tui.editor import ExternalEditor, TextEditor
from netui.tui.messages import ContactChosen, DataChanged, EntryDeleteAsked, EntryOpened, Notice
from netui.tui.screens.main import MainScreen
from netui.tui.widgets.status import say, show_notice


class NetuiApp(App[None]):
    """Contacts, the selected contact's diary and the follow-up queue, from the keyboard."""

    CSS_PATH = "app.tcss"
    TITLE = "netui"
    COMMANDS = App.COMMANDS | {NetuiCommands}

    def __init__(
        self,
        store: Store,
        *,
        editor: TextEditor,
        poll_seconds: float,
        title: str,
        notices: list[str] | None = None,
        digest_rows: list[digest.Row] | None = None,
    ) -> None:
        super().__init__()
        self.first_frame_painted = False  # Textual's `Ready`: the first frame is shown
        self._digest_rows = digest_rows
        self.store = store
        self.notices = list(notices or [])
        self.editor = editor
        self.poll_seconds = poll_seconds
        self.title = title

    def get_default_screen(self) -> Screen:
        rows, self._digest_rows = self._digest_rows, None  # for the first screen only
        return MainScreen(self.store, poll_seconds=self.poll_seconds, digest_rows=rows)

    def on_mount(self) -> None:
        """What opening the database did that the user should know (conflict copies merged)."""
        for notice in self.notices:
            self.notify(notice, markup=False, timeout=15)

    def on_ready(self) -> None:
        """The first frame is on the terminal: the main screen builds what it left out."""
        self.first_frame_painted = True
        for screen in self._main_screens():
            screen.after_first_frame()

    async def on_event(self, event: events.Event) -> None:
        """A key, the mouse or a paste acts on the whole lists: if the main screen shows only
        their first page yet (the first frame, `screens/main.py`), it builds them first."""
        if isinstance(event, (events.InputEvent, events.Paste)) and not event.is_forwarded:
            for screen in self._main_screens():
                screen.complete_first_page()
        await super().on_event(event)

    def _main_screens(self) -> list[MainScreen]:
        return [s for s in self.screen_stack if isinstance(s, MainScreen)]

    @property
    def main_screen(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    def on_notice(self, event: Notice) -> None:
        """A screen said what a change did: on the status line the user sees, else a toast."""
        if not show_notice(self.screen_stack, event.text):
            self.notify(event.text, markup=False)

    def on_contact_chosen(self, event: ContactChosen) -> None:
        """A screen over the main one (e.g. search) posted a choice to the app: pass it on."""
        self.main_screen.select(event.contact_id, event.conversation_id)

    def on_entry_opened(self, event: EntryOpened) -> None:
        """`enter` on a diary entry, in any screen with a detail pane: show it whole."""
        from netui.tui.screens.text_view import TextViewScreen

        self.push_screen(TextViewScreen(event.title, event.text))

    def on_entry_delete_asked(self, event: EntryDeleteAsked) -> None:
        """`D` on a diary entry, in any screen with a detail pane: ask, delete, and tell that
        screen (DataChanged) so it redraws; one change, which `u` undoes."""
        from netui.tui.screens.confirm import ConfirmScreen

        screen = self.screen
        # The review and the merge have no `u` of their own: the main screen's undoes it.
        undo = "u" if hasattr(screen, "action_undo") else "u on the main screen"

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.store.delete_conversation(event.conversation_id)
            except NetuiError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            finally:
                screen.post_message(DataChanged())
            say(self, f"Deleted the entry of {event.title} — {undo} undoes it")

        question = f"Delete the diary entry of {event.title}?\n({undo} undoes it)"
        self.push_screen(ConfirmScreen(question), answered)


def make_app(
    store: Store,
    *,
    editor: TextEditor | None = None,
    poll_seconds: float = 1.0,
    demo: bool = False,
    notices: list[str] | None = None,
    digest_rows: list[digest.Row] | None = None,
) -> NetuiApp:
    """The app over an opened store; `editor` is the $EDITOR seam tests replace; `notices`
    are shown once at start (what opening the database did, e.g. conflict copies merged);
    `digest_rows` are the store's digest rows if the caller has just read them (the first
    screen is drawn from them instead of reading them again)."""
    title = "netui — demo data" if demo else "netui"
    return NetuiApp(
        store,
        editor=editor or ExternalEditor(),
        poll_seconds=poll_seconds,
        title=title,
        notices=notices,
        digest_rows=digest_rows,
    )
