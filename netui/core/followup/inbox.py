"""The two groups that wait outside the day's work: unsorted people and gone-cold follow-ups.

Both are found here the same way for the CLI (`netui list --unsorted`, `netui cold`) and the
TUI (the Sort screen, the review's gone-cold group); what sorting or a bulk action does to
a contact is the rules' (`rules.sort_out`, `rules.keep_in_touch`), written by the store as
one undoable change per group.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from netui.core.db.store import Store
from netui.core.model import Contact
from netui.core.rules import QueueItem
from netui.core.search.engine import search_records

COLD_ACTIONS = ("snooze", "archive", "keep")


def unsorted_contacts(store: Store) -> list[Contact]:
    """Unsorted contacts not archived, by name: the Sort screen's walk."""
    return [c for c in store.contacts() if c.unsorted]


def count_unsorted(contacts: Iterable[Contact]) -> int:
    return sum(1 for c in contacts if c.unsorted and not c.archived)


def matching(contacts: list[Contact], query: str, today: date | None = None) -> list[Contact]:
    """The contacts a search query finds (`company:acme`, `tag:linkedin`, any words), in
    the given order; a blank query finds them all. QueryError for a malformed query."""
    if not query.strip():
        return list(contacts)
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
