"""The panes are updated by difference; after any mix of changes they equal a fresh computation."""

from __future__ import annotations

from typing import Generic, Protocol

from netui.tui.followups import ContactSummary, PaneContact
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
