"""The two groups that wait outside the day's work: unsorted people and gone-cold follow-ups.

Both are found here the same way for the CLI (`netui list --unsorted`, `netui cold`) and the
TUI (the Sort screen, the review's gone-cold group); what sorting or a bulk action does to
a contact is the rules' (`rules.sort_out`, `rules.keep_in_touch`), written by the store as
one undoable change per group.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from netui.core.db.store import Store
from netui.core.model import Contact
from netui.core.rules import QueueItem, SortChoice

COLD_ACTIONS = ("snooze", "archive", "keep")


def unsorted_contacts(store: Store) -> list[Contact]:
    """Unsorted contacts not archived, by name: the Sort screen's walk."""
    return [c for c in store.contacts() if c.unsorted]


class Waiting(Protocol):
    """What counting the unsorted reads: a `Contact`, or the TUI's summary of one."""

    @property
    def unsorted(self) -> bool: ...
    @property
    def archived(self) -> bool: ...


def count_unsorted(contacts: Iterable[Waiting]) -> int:
    return sum(1 for c in contacts if c.unsorted and not c.archived)


def matching(contacts: list[Contact], query: str, today: date | None = None) -> list[Contact]:
    """The contacts a search query finds (`company:acme`, `tag:linkedin`, any words), in
    the given order; a blank query finds them all. QueryError for a malformed query."""
    if not query.strip():
        return list(contacts)
    # Imported here: the TUI's first screen counts the unsorted (`count_unsorted`) and
    # should not load the search engine for it.
    from netui.core.search.engine import search_records

    found = {hit.contact_id for hit in search_records(query, contacts, (), today=today)}
    return [c for c in contacts if c.id in found]


def cold_items(store: Store, today: date) -> list[QueueItem]:
    """The gone-cold group: follow-ups overdue by more than the setting, oldest first."""
    return [item for item in store.queue(today) if item.cold]


def handle_cold(
    store: Store, items: Iterable[QueueItem], action: str, today: date, until: date | None = None
) -> int:
    """One bulk action on the gone-cold group (one undoable change); how many contacts."""
    ids = [item.contact.id for item in items]
    if not ids:
        return 0
    if action == "snooze":
        assert until is not None, "snoozing needs a date"
        return store.snooze_all(ids, until)
    if action == "archive":
        return store.archive_all(ids)
    if action == "keep":
        return store.keep_in_touch(ids, today)
    raise ValueError(f"unknown bulk action {action!r}")


class SortWalk:
    """The Sort screen's walk: the unsorted people a query finds, one at a time, by name.

    The list is fixed when the walk starts (or its query changes): someone sorted
    meanwhile (elsewhere, or as part of a group) is passed over, someone imported meanwhile
    joins at the next filter. Each step is one store
    change, so undo works as everywhere; `undo` puts the walk back on whom it restored.
    """

    def __init__(self, store: Store, today: date, query: str = "") -> None:
        self.store = store
        self.today = today
        self.query = ""
        self.ids: list[str] = []
        self.position = 0
        self.sorted = 0  # people this walk sorted (one by one or in groups)
        self.restart(query)

    def restart(self, query: str = "") -> None:
        """Walk the unsorted people `query` finds (QueryError for a malformed one)."""
        found = matching(unsorted_contacts(self.store), query, self.today)
        self.query = query.strip()
        self.ids = [c.id for c in found]
        self.position = 0
        self._pass_sorted()

    @property
    def current(self) -> Contact | None:
        if self.position < len(self.ids):
            return self.store.contacts_by_id.get(self.ids[self.position])
        return None

    def group(self) -> list[Contact]:
        """Everyone in the walk still unsorted: what a group action sorts.

        Read from the walk's list, not searched again: after each key at 10,000 unsorted,
        listing them again took 240 ms (the store re-sorts every name after a write)."""
        everyone = self.store.contacts_by_id
        return [
            c
            for c in map(everyone.get, self.ids)
            if c is not None and c.unsorted and not c.archived
        ]

    def _pass_sorted(self) -> None:
        everyone = self.store.contacts_by_id
        while self.position < len(self.ids):
            contact = everyone.get(self.ids[self.position])
            if contact is not None and contact.unsorted and not contact.archived:
                return
            self.position += 1

    def sort(self, choice: SortChoice) -> Contact:
        """Sort the current person as `choice`, then move on; returns them as they were."""
        contact = self.current
        if contact is None:
            raise LookupError("nobody left to sort")
        self.store.sort_out([contact.id], choice, self.today)
        self.sorted += 1
        self.position += 1
        self._pass_sorted()
        return contact

    def skip(self) -> None:
        if self.current is not None:
            self.position += 1
            self._pass_sorted()

    def sort_group(self, choice: SortChoice) -> int:
        """Sort everyone in the group as `choice` (one undoable change); how many."""
        ids = [c.id for c in self.group()]
        count = self.store.sort_out(ids, choice, self.today) if ids else 0
        self.sorted += count
        self._pass_sorted()
        return count

    def undo(self) -> str:
        """Undo the newest change; the walk starts over on the people it made unsorted again."""
        before = {c.id for c in self.group()}
        description = self.store.undo()
        self.restart(self.query)
        back = [i for i, cid in enumerate(self.ids) if cid not in before]
        if back:
            self.position = back[0]
        return description
