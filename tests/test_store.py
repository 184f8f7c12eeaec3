"""The repository: transactions, lookups, undo, other processes, and what lands on disk."""

from __future__ import annotations

import json
import os
import stat
from datetime import date

import pytest

from netui.core.config import Settings
from netui.core.db.storage import SCHEMA_VERSION, contact_file
from netui.core.db.store import Store
from netui.core.errors import (
    AmbiguousContact,
    ContactNotFound,
    StorageError,
    UndoError,
    ValidationError,
)
from netui.core.model import Channel, Contact, Conversation, Referral, Stage

D = date(2026, 11, 10)


def add(store: Store, name: str, **kw) -> Contact:
    return store.add_contact(Contact(name=name, met_on=D, **kw))


def test_add_starts_at_met_dated_the_day_met(store):
    c = add(store, "Dana Kim")
    assert c.stage is Stage.MET
    assert [(s.stage, s.on) for s in c.stage_history] == [(Stage.MET, D)]


def test_add_with_first_note_records_an_in_person_conversation(store):
    note = Conversation(contact_id="", on=D, note="estate planning")
    c = store.add_contact(Contact(name="Dana", met_on=D), first_note=note)
    (conv,) = store.conversations_of(c.id)
    assert (conv.contact_id, conv.note, conv.channel) == (
        c.id,
        "estate planning",
        Channel.IN_PERSON,
    )
    assert store.get(c.id).last_contact_on == D


def test_blank_names_are_refused():
    with pytest.raises(ValidationError):
        Contact(name="  \t ")


def test_set_stage_keeps_a_dated_history_and_allows_skipping(store):
    c = add(store, "Dana")
    store.set_stage(c.id, Stage.COFFEE, date(2026, 11, 20))
    got = store.get(c.id)
    assert got.stage is Stage.COFFEE
    assert [(s.stage.value, s.on.day) for s in got.stage_history] == [("met", 10), ("coffee", 20)]


def test_step_stage_moves_one_rung_and_stops_at_the_ends(store):
    c = add(store, "Dana")
    assert store.step_stage(c.id, +1).stage is Stage.THANKED
    assert store.step_stage(c.id, -1).stage is Stage.MET
    with pytest.raises(ValidationError, match="first stage"):
        store.step_stage(c.id, -1)


def test_set_stage_date_corrects_the_latest_step(store):
    c = add(store, "Dana")
    store.set_stage(c.id, Stage.THANKED, date(2026, 11, 11))
    store.set_stage_date(c.id, Stage.THANKED, date(2026, 11, 12))
    assert store.get(c.id).reached_on(Stage.THANKED) == date(2026, 11, 12)


def test_log_restarts_keep_in_touch_and_clears_a_snooze(store):
    c = add(store, "Dana")
    store.snooze(c.id, date(2027, 1, 1))
    store.log(Conversation(contact_id=c.id, on=date(2026, 11, 21), note="coffee"))
    got = store.get(c.id)
    assert got.follow_up_on is None and got.last_contact_on == date(2026, 11, 21)


def test_find_by_id_exact_name_unique_part_accent_and_case_blind(store):
    jose = add(store, "José Núñez")
    add(store, "Dana Kim")
    add(store, "Dana Kimball")
    assert store.find(jose.id) is store.get(jose.id)
    assert store.find("jose nunez").id == jose.id
    assert store.find("NUÑ").id == jose.id
    assert store.find("dana kim").name == "Dana Kim"  # the exact name wins over partial
    with pytest.raises(AmbiguousContact) as err:
        store.find("dana")
    assert "Dana Kim (" in str(err.value) and "Dana Kimball" in str(err.value)
    with pytest.raises(ContactNotFound):
        store.find("nobody")


def test_archive_takes_a_contact_out_of_the_queue_and_keeps_history(store):
    c = add(store, "Dana")
    store.log(Conversation(contact_id=c.id, on=D, note="x"))
    store.archive(c.id)
    assert store.queue(date(2026, 12, 1)) == []
    assert store.contacts() == [] and len(store.contacts(include_archived=True)) == 1
    assert len(store.conversations_of(c.id)) == 1
    store.archive(c.id, False)
    assert len(store.queue(date(2026, 12, 1))) == 1


def test_undo_reverts_several_levels_in_order(store):
    c = add(store, "Dana")
    store.set_stage(c.id, Stage.THANKED)
    store.set_stage(c.id, Stage.CALLED)
    assert store.undo_description.endswith("thanked → called")
    store.undo()
    assert store.get(c.id).stage is Stage.THANKED
    store.undo()
    assert store.get(c.id).stage is Stage.MET
    store.undo()
    assert c.id not in store.contacts_by_id
    with pytest.raises(UndoError):
        store.undo()


def test_undo_survives_a_restart_and_is_shared_by_every_process(db_path):
    with Store.open(db_path) as a:
        c = add(a, "Dana")
        a.set_stage(c.id, Stage.THANKED)
    with Store.open(db_path) as b:
        assert b.undo().endswith("met → thanked")
        assert b.get(c.id).stage is Stage.MET
    with Store.open(db_path) as a, Store.open(db_path) as b:
        a.update_contact(c.id, company="From A")
        assert b.undo() == "Edit Dana"  # the newest change, whoever made it
        a.refresh()
        assert a.get(c.id).company == ""


def test_undo_refuses_when_the_record_was_changed_outside_netui(store, db_path):
    c = add(store, "Dana")
    store.set_stage(c.id, Stage.THANKED)
    path = db_path / contact_file(c.id)
    data = json.loads(path.read_text())
    data["contacts"][c.id]["company"] = "edited by hand"
    path.write_text(json.dumps(data))
    with pytest.raises(UndoError, match="changed since"):
        store.undo()
    assert store.get(c.id).company == "edited by hand"
    assert store.get(c.id).stage is Stage.THANKED


def test_merge_keeps_every_conversation_referral_and_stage_date_and_undoes(store):
    keep = add(store, "Jon Smith", emails=["jon@x.com"])
    drop = add(store, "John Smith", phones=["555"])
    other = add(store, "Ann")
    store.set_stage(drop.id, Stage.CALLED, date(2026, 11, 15))
    store.log(Conversation(contact_id=drop.id, on=date(2026, 11, 15), note="call"))
    store.add_referral(Referral(drop.id, other.id, on=date(2026, 11, 16)))
    merged = store.merge(keep.id, drop.id)
    assert drop.id not in store.contacts_by_id
    assert (
        merged.stage is Stage.CALLED and merged.emails == ["jon@x.com"] and merged.phones == ["555"]
    )
    assert {s.stage for s in merged.stage_history} == {Stage.MET, Stage.CALLED}
    assert [c.note for c in store.conversations_of(keep.id)] == ["call"]
    assert store.referrals_of(keep.id)[0].referrer_id == keep.id
    assert store.get(other.id).referred_by == keep.id
    store.undo()
    assert store.get(drop.id).name == "John Smith"
    assert [c.note for c in store.conversations_of(drop.id)] == ["call"]
    assert store.conversations_of(keep.id) == []


def test_a_second_store_sees_the_first_ones_writes_and_both_land(db_path):
    with Store.open(db_path) as tui, Store.open(db_path) as cli:
        a = add(tui, "From TUI")
        b = add(cli, "From CLI")
        assert tui.refresh() is True
        assert {c.name for c in tui.contacts()} == {"From TUI", "From CLI"}
        tui.set_stage(b.id, Stage.THANKED)  # writes on top of the other's write
        cli.refresh()
        assert cli.get(b.id).stage is Stage.THANKED and cli.get(a.id).name == "From TUI"
        assert tui.refresh() is False


def test_conversations_load_lazily_and_logging_does_not_need_them(db_path):
    with Store.open(db_path) as s:
        c = add(s, "Dana")
        s.log(Conversation(contact_id=c.id, on=D, note="first"))
    with Store.open(db_path) as s:
        assert not s.conversations_loaded
        s.log(Conversation(contact_id=c.id, on=D, note="second"))
        assert not s.conversations_loaded
        assert {x.note for x in s.conversations_of(c.id)} == {"first", "second"}


def test_the_diary_loads_in_slices_and_keeps_what_was_written_meanwhile(db_path):
    """Writes between two slices (this store's and another process's) are all kept."""
    months = [date(2026, m, 5) for m in (1, 2, 3)]
    with Store.open(db_path) as s:
        c = add(s, "Dana")
        first = [s.log(Conversation(contact_id=c.id, on=d, note=f"old {d}")) for d in months]
    with Store.open(db_path) as tui, Store.open(db_path) as other:
        slices = tui.diary_slices()
        assert next(slices) == "conversations/2026-01.json"
        mine = tui.log(Conversation(contact_id=c.id, on=months[0], note="mine, in a read month"))
        theirs = other.log(Conversation(contact_id=c.id, on=months[2], note="theirs, unread"))
        other.delete_conversation(first[1].id)
        assert not tui.conversations_loaded
        assert list(slices) == ["conversations/2026-02.json", "conversations/2026-03.json"]
        assert tui.conversations_loaded
        got = {x.id for x in tui.conversations_of(c.id)}
        assert got == {first[0].id, first[2].id, mine.id, theirs.id}


def test_editing_a_conversation_date_moves_it_between_month_files(store, db_path):
    c = add(store, "Dana")
    conv = store.log(Conversation(contact_id=c.id, on=date(2026, 1, 5), note="x"))
    store.update_conversation(conv.id, on=date(2026, 3, 5))
    jan = json.loads((db_path / "conversations/2026-01.json").read_text())
    mar = json.loads((db_path / "conversations/2026-03.json").read_text())
    assert conv.id not in jan["conversations"] and conv.id in mar["conversations"]
    assert store.get(c.id).last_contact_on == date(2026, 3, 5)


def test_a_stage_change_rewrites_only_that_contacts_shard(store, db_path):
    people = [add(store, f"Person {i}") for i in range(40)]
    store.log(Conversation(contact_id=people[0].id, on=D, note="x"))
    before = {p: os.stat(p).st_ino for p in db_path.rglob("*.json")}
    store.set_stage(people[5].id, Stage.THANKED)
    changed = {p.relative_to(db_path).as_posix() for p in before if os.stat(p).st_ino != before[p]}
    assert changed == {contact_file(people[5].id), "undo.json"}


def test_files_are_tinydb_documents_private_to_the_user(store, db_path):
    from tinydb import TinyDB

    from netui.core.db.tinydb_table import StrIdTable

    c = add(store, "Dana")
    path = db_path / contact_file(c.id)
    with TinyDB(path) as plain:
        plain.table_class = StrIdTable
        (doc,) = plain.table("contacts").all()
    assert doc["name"] == "Dana"
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o700
    for f in db_path.rglob("*.json*"):
        assert stat.S_IMODE(os.stat(f).st_mode) == 0o600, f


def test_previous_version_is_kept_as_backup(store, db_path):
    c = add(store, "Dana")
    store.update_contact(c.id, company="New Co")
    backup = json.loads((db_path / (contact_file(c.id) + ".bak")).read_text())
    assert backup["contacts"][c.id]["company"] == ""


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "is empty"),
        (b'{"contacts": {"a": ', "not valid JSON"),
        (b"[]", "top level is not a JSON object"),
        (b'{"other": {}}', "table 'contacts' is missing"),
        (b'{"contacts": {"abc": {"id": "zzz", "name": "x"}}}', "carries the id"),
        (b'{"contacts": {"abc": {"id": "abc", "name": "x", "stage": "bogus"}}}', "invalid"),
    ],
)
def test_a_damaged_file_is_refused_naming_it_and_its_backup_and_left_alone(
    db_path, content, problem
):
    with Store.open(db_path) as s:
        c = add(s, "Dana")
        s.update_contact(c.id, company="x")  # so a backup exists
    target = db_path / contact_file(c.id)
    target.write_bytes(content)
    with pytest.raises(StorageError) as err:
        Store.open(db_path)
    assert problem in str(err.value) and str(target) in str(err.value)
    if "invalid" not in problem:
        assert ".bak" in str(err.value)
    assert target.read_bytes() == content


def test_a_future_schema_version_is_refused(db_path):
    Store.open(db_path).close()
    meta = db_path / "meta.json"
    meta.write_text(json.dumps({"meta": {"schema": {"schema_version": SCHEMA_VERSION + 1}}}))
    with pytest.raises(StorageError, match="newer netui"):
        Store.open(db_path)


def test_an_older_schema_is_migrated_after_a_full_backup(db_path, monkeypatch):
    from netui.core.db import storage

    with Store.open(db_path) as s:
        add(s, "Dana")
    meta = db_path / "meta.json"
    meta.write_text(json.dumps({"meta": {"schema": {"schema_version": SCHEMA_VERSION - 1}}}))
    calls = []
    monkeypatch.setitem(storage.MIGRATIONS, SCHEMA_VERSION - 1, lambda db: calls.append(1) or {})
    with Store.open(db_path) as s:
        assert [c.name for c in s.contacts()] == ["Dana"]
    assert calls == [1]
    (backup,) = (db_path / "backups").iterdir()
    assert (backup / "meta.json").exists()
    assert json.loads(meta.read_text())["meta"]["schema"]["schema_version"] == SCHEMA_VERSION


def test_missing_meta_with_data_present_is_refused(db_path):
    with Store.open(db_path) as s:
        add(s, "Dana")
    (db_path / "meta.json").unlink()
    with pytest.raises(StorageError, match=r"meta\.json is missing"):
        Store.open(db_path)


def test_a_committed_journal_is_replayed_on_open(db_path, monkeypatch):
    from netui.core.db import storage

    with Store.open(db_path) as s:
        c = add(s, "Dana")
        monkeypatch.setattr(storage.Database, "_apply_journal", lambda self: None)
        s.set_stage(c.id, Stage.THANKED)  # committed, renames not applied ("crash")
        monkeypatch.undo()
    assert (db_path / "journal.json").exists()
    with Store.open(db_path) as s:
        assert s.get(c.id).stage is Stage.THANKED
    assert not (db_path / "journal.json").exists()


def test_a_disk_full_write_fails_cleanly_and_changes_nothing(store, db_path, monkeypatch):
    import errno

    from netui.core import fs

    c = add(store, "Dana")
    snapshot = {p: p.read_bytes() for p in db_path.rglob("*.json")}

    def full(fd, payload):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fs, "write_all", full)
    with pytest.raises(StorageError, match="no space left"):
        store.set_stage(c.id, Stage.THANKED)
    monkeypatch.undo()
    assert store.get(c.id).stage is Stage.MET
    assert {p: p.read_bytes() for p in db_path.rglob("*.json")} == snapshot
    assert not [p for p in db_path.rglob("*") if ".tmp-" in p.name]
    assert store.set_stage(c.id, Stage.THANKED).stage is Stage.THANKED


def test_a_lazy_store_adds_without_reading_other_contacts_and_stays_correct(db_path):
    with Store.open(db_path) as s:
        first = add(s, "Dana")
    with Store.open(db_path, lazy=True) as s:
        new = add(s, "Eve")
        assert s.find(first.id).name == "Dana"
        assert s.find("dan").id == first.id
        assert s.find("EV").id == new.id
        assert s.set_stage(first.id, Stage.CALLED).stage is Stage.CALLED
        s.log(Conversation(contact_id=first.id, on=D, note="lazy"))
        assert not s.contacts_loaded
        assert s.get(first.id).last_contact_on == D
        assert {c.name for c in s.contacts()} == {"Dana", "Eve"}
        assert s.get(first.id).name == "Dana" and s.get(new.id).name == "Eve"
        for _ in range(3):
            s.undo()
        assert {c.name for c in s.contacts()} == {"Dana"}
        assert s.get(first.id).stage is Stage.MET


def test_a_contact_merged_away_by_another_process_is_gone_here_too(db_path, store):
    """Issue 17.9b: ids this process wrote were kept in memory after another one merged them
    away, so a later edit brought the merged contact back."""
    gone = store.add_contact(Contact(name="Ann Gone"))
    kept = store.add_contact(Contact(name="Ann Kept"))
    with Store.open(db_path, settings=Settings()) as other:
        other.merge(kept.id, gone.id)
    with pytest.raises(ContactNotFound, match="is gone: another netui merged it"):
        store.update_contact(gone.id, company="typed meanwhile")
    assert [c.name for c in store.contacts()] == ["Ann Kept"]


def test_the_store_names_the_contacts_changed_since_a_mark(store, db_path, monkeypatch):
    """What the TUI's panes re-read after a key: the contacts this process changed, those
    another process changed (once reloaded), and "unknown" for a mark the log let go."""
    ann = store.add_contact(Contact(name="Ann Lee"))
    bo = store.add_contact(Contact(name="Bo Chen"))
    unknown, mark = store.contacts_changed_since(None)
    assert unknown is None
    assert store.contacts_changed_since(mark) == (set(), mark)
    store.set_stage(ann.id, Stage.CALLED)
    changed, mark = store.contacts_changed_since(mark)
    assert changed == {ann.id}
    with Store.open(db_path, settings=Settings()) as other:
        other.delete_contact(bo.id)
    store.refresh()
    changed, mark = store.contacts_changed_since(mark)
    assert bo.id in changed and bo.id not in store.contacts_by_id
    monkeypatch.setattr("netui.core.db.store.CHANGE_LOG_LIMIT", 1)
    store.set_stage(ann.id, Stage.COFFEE)
    store.undo()  # two entries: the log starts over, so `mark` is too old to answer
    assert store.contacts_changed_since(mark)[0] is None
