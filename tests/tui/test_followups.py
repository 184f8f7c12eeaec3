"""The panes are updated by difference; after any mix of changes they equal a fresh computation."""

from __future__ import annotations

from typing import Generic, Protocol, cast

from netui.core.config import Settings
from netui.core.db.store import Store
from netui.core.model import Contact, Stage
from netui.tui.followups import ContactRow, ContactSummary, FollowUps, PaneContact
from netui.tui.screens.main import QUEUE_DAYS
from netui.tui.sorted_rows import SortedRows
from tests.conftest import TODAY
from tests.tui.conftest import drive, press


def test_sorted_rows_keeps_order_through_replacements():
    rows = SortedRows(key=lambda pair: pair)
    rows.reset([(3, "c"), (1, "a"), (2, "b")])
    rows.replace(old=[(1, "a"), (9, "missing")], new=[(0, "z"), (2, "bb")])
    assert rows.rows == [(0, "z"), (2, "b"), (2, "bb"), (3, "c")]


def test_panes_match_the_rules_after_many_changes(demo_store, frozen_today):
    async def scenario(pilot, app, main):
        for keys in (
            ("t", "escape"), ("j", "c", "escape"), ("j", "z", "3"), ("j", "j", "x"),
            ("n", *"New Person", "enter"),
            ("u",), ("tab", "j", "o", "escape"), ("shift+tab", "s", "j", "right_square_bracket"),
        ):  # fmt: skip
            await press(pilot, *keys)
        expected = demo_store.queue(TODAY, horizon_days=QUEUE_DAYS)
        shown = main.queue.table.rows
        as_tuples = lambda items: sorted((i.contact.id, i.action, i.due) for i in items)  # noqa: E731
        assert as_tuples(shown) == as_tuples(expected)
        order = [(i.cold, i.due) for i in shown]
        assert order == sorted(order)  # overdue first, the gone-cold group last
        active = [c for c in demo_store.contacts_by_id.values() if not c.archived]
        listed = main.contacts.table.rows
        assert {r.contact.id for r in listed} == {c.id for c in active}
        assert all(r.contact is demo_store.contacts_by_id[r.contact.id] for r in listed)
        dues = [r.next.due for r in listed if r.next]  # the unsorted have none: last
        assert dues == sorted(dues)  # still sorted by due after the changes
        assert all(r.next is None for r in listed[len(dues) :])

    drive(demo_store, scenario)


class Blind:
    """The store, except that it cannot say which contacts changed (as after a long time)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    def contacts_changed_since(self, mark: int | None) -> tuple[None, int]:
        return None, 0


def test_rows_from_the_store_change_log_equal_those_of_comparing_every_record(demo_store):
    """After each kind of change (this process's, another's, undo), the rows found from the
    store's change log equal those found by comparing every record (the reference path,
    taken when the store cannot say what changed)."""
    other = Store.open(demo_store.path, settings=Settings())  # another process
    fast = FollowUps(demo_store, QUEUE_DAYS)
    reference = FollowUps(cast(Store, Blind(demo_store)), QUEUE_DAYS)
    ids = list(demo_store.contacts_by_id)
    changes = [
        lambda: demo_store.set_stage(ids[0], Stage.CALLED, on=TODAY),
        lambda: demo_store.step_stage(ids[1], 1, on=TODAY),
        lambda: demo_store.archive(ids[2]),
        lambda: demo_store.add_contact(Contact(name="Nova Person")),
        lambda: demo_store.delete_contact(ids[3]),
        demo_store.undo,
        lambda: other.set_stage(ids[4], Stage.COFFEE, on=TODAY),
        lambda: (other.delete_contact(ids[5]), other.add_contact(Contact(name="Far Away"))),
        lambda: None,  # nothing changed: no row either
    ]

    def ids_of(rows: list[ContactRow]) -> list[str]:
        return sorted(r.contact.id for r in rows)

    assert fast.update(TODAY).full and reference.update(TODAY).full
    try:
        for change in changes:
            change()
            demo_store.refresh()
            got, expected = fast.update(TODAY), reference.update(TODAY)
            assert not got.full
            assert ids_of(got.old) == ids_of(expected.old)
            assert ids_of(got.new) == ids_of(expected.new)
            assert {i: (r.contact, r.next) for i, r in fast.rows.items()} == {
                i: (r.contact, r.next) for i, r in reference.rows.items()
            }
            assert (fast.active, fast.unsorted) == (reference.active, reference.unsorted)
        assert fast.rows.keys() == demo_store.contacts_by_id.keys()
    finally:
        other.close()


def test_a_digest_summary_reads_as_its_record_for_every_field_the_panes_use(demo_store):
    """`ContactSummary` stands for a `Contact` until the records are read: each field of
    `PaneContact` is the record's, except the three the digest lacks (blank until then)."""
    blank = {"title": "", "met_at": "", "last_contact_on": None}
    fields = [
        name
        for klass in PaneContact.__mro__
        if klass not in (Protocol, Generic, object)
        for name, value in vars(klass).items()
        if isinstance(value, property)
    ]
    assert {"id", "name", "archived", "stage", "unsorted", "keep_since", *blank} <= set(fields)
    demo_store.keep_in_touch([demo_store.contacts()[0].id], TODAY)  # a "keep" row too
    rows = demo_store.digest_rows()
    assert len(rows) == len(demo_store.contacts_by_id)
    for row in rows:
        summary, contact = ContactSummary(row), demo_store.get(row[0])
        for name in fields:
            want = getattr(contact, name)
            if name == "keep_since":  # only whether it is set matters (the "keep" cell)
                assert (summary.keep_since is None) == (want is None), contact.name
            else:
                assert getattr(summary, name) == blank.get(name, want), (contact.name, name)
