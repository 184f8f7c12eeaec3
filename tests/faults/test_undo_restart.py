"""Undo across restarts and processes never brings back deleted data incorrectly."""

from __future__ import annotations

import json

import pytest

from bench.faults.helpers import D, open_store, populate, snapshot, state
from netui.core.db import doctor
from netui.core.db.storage import contact_file
from netui.core.errors import UndoError
from netui.core.model import Contact, Conversation


@pytest.fixture
def db(tmp_path, frozen_today):
    root = tmp_path / "db"
    return root, populate(root)


def state_at(root):
    with open_store(root) as store:
        return state(store)


def test_merge_then_restart_then_undo_brings_both_back_exactly(db):
    root, ids = db
    before = state_at(root)
    with open_store(root) as store:
        store.merge(ids["ann"], ids["bob"])
    assert ids["bob"] not in state_at(root)["contacts"]
    with open_store(root) as store:
        assert store.undo().startswith("Merge Bob Baker")
    assert state_at(root) == before  # contacts, moved diary, referral, undo log: all as before


def test_undo_of_an_add_after_restart_removes_it_and_never_brings_it_back(db):
    root, _ = db
    before = state_at(root)
    note = Conversation(contact_id="", on=D, note="met at the fair")
    with open_store(root) as store:
        cy = store.add_contact(Contact(name="Cy", met_on=D), first_note=note)
    with open_store(root) as store:
        store.undo()
    assert state_at(root) == before
    with open_store(root) as store:
        store.undo()  # the change before the add: Cy stays gone
        assert cy.id not in store.contacts_by_id
        assert all(c.contact_id != cy.id for c in store.all_conversations())


def test_two_processes_undoing_at_once_undo_two_changes_not_one_twice(db):
    root, ids = db
    first = state_at(root)
    with open_store(root) as store:
        store.set_stage(ids["ann"], "coffee", D)
        store.merge(ids["ann"], ids["bob"])
    a, b = open_store(root), open_store(root)
    assert a.undo_description == b.undo_description  # both see the merge as the newest
    assert a.undo().startswith("Merge")
    assert b.undo().startswith("Ann Archer")  # b catches up first: the stage, not the merge again
    a.close()
    b.close()
    assert state_at(root) == first


def hand_edit(root, ids):
    path = root / contact_file(ids["ann"])
    data = json.loads(path.read_bytes())
    data["contacts"][ids["ann"]]["company"] = "typed in an editor"
    path.write_text(json.dumps(data))


def restore_older_backup(root, ids):
    shard = root / contact_file(ids["ann"])
    shard.write_bytes(b"{")
    doctor.restore(root)


CHANGED_OUTSIDE = {
    "the kept contact was edited by hand": hand_edit,
    "its shard was restored from the backup": restore_older_backup,
}


@pytest.mark.parametrize("name", CHANGED_OUTSIDE)
def test_undo_of_a_merge_refuses_after_its_records_changed_outside_netui(name, db):
    root, ids = db
    held = open_store(root)  # the TUI, open across all of this
    held.merge(ids["ann"], ids["bob"])
    CHANGED_OUTSIDE[name](root, ids)
    files = snapshot(root)
    with pytest.raises(UndoError, match="changed since"):
        held.undo()
    with open_store(root) as fresh, pytest.raises(UndoError, match="changed since"):
        fresh.undo()
    assert snapshot(root) == files, "a refused undo wrote something"
    held.close()


def test_undo_stops_at_a_change_it_cannot_revert(db):
    root, ids = db
    with open_store(root) as store:
        store.merge(ids["ann"], ids["bob"])
        store.import_batch(
            contacts=[Contact(name="Bob again", id=ids["bob"], met_on=D)], undoable=False
        )
    files = snapshot(root)
    with open_store(root) as store, pytest.raises(UndoError, match="cannot be undone"):
        store.undo()
    assert snapshot(root) == files
    assert state_at(root)["contacts"][ids["bob"]]["name"] == "Bob again"
