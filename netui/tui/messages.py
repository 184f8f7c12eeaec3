"""Messages the panes and screens send each other; the main screen routes them, and the app
those a detail pane sends on any screen (open or delete the entry at its top).

Panes never reach into each other: a pane says what the user did, and the main screen
decides what the other panes show. (Where the cursor is, is said by a pane's
`contact_highlighted` signal instead: the detail must follow in the same frame.)
"""

from __future__ import annotations

from textual.message import Message


class ContactChosen(Message):
    """The user picked a contact (enter in the queue, the palette, search): select it everywhere."""

    def __init__(self, contact_id: str, conversation_id: str | None = None) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.conversation_id = conversation_id


class DataChanged(Message):
    """The database changed under a screen (a diary entry deleted from its detail pane):
    the screen redraws what it shows."""


class EntryDeleteAsked(Message):
    """The user asked to delete a diary entry (D in a detail pane): the app confirms, deletes,
    and posts DataChanged to that screen."""

    def __init__(self, conversation_id: str, title: str) -> None:
        super().__init__()
        self.conversation_id = conversation_id
        self.title = title


class EntryOpened(Message):
    """The user opened a diary entry (enter in the detail pane): show its whole text."""

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title = title
        self.text = text


class Notice(Message):
    """What a change did, said to the user ("Dana Kim: now coffee — u to undo"): posted to
    the app, shown on the status line of the screen the user sees (widgets/status.py)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
