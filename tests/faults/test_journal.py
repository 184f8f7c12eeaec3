"""A crash between the commit point (the journal) and the renames, and leftovers of a crash
before it: the next open finishes a committed change whole, and drops an uncommitted one."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from bench.faults.crashes import (
    CHANGES,
    Crash,
    after_change,
    check_crash_before_rename,
    copy_of,
    crash,
    data_renames,
    state_at,
)
from bench.faults.helpers import (
    RenameTrap,
    collect,
    go,
    open_store,
    populate,
    snapshot,
    start_writer,
    temp_files,
    undo_log,
)
from bench.faults.writer import DYING_ON
from netui.core import fs
from netui.core.db import storage
from netui.core.db.storage import JOURNAL, TMP_MARK
from netui.core.db.store import Store


@pytest.fixture
def template(tmp_path, frozen_today) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "template"
    return root, populate(root)


@pytest.mark.parametrize("name", CHANGES)
def test_a_crash_right_after_the_journal_is_finished_by_the_next_open(
    name, template, tmp_path, monkeypatch
):
    change = CHANGES[name]
    new = after_change(template, tmp_path / "expected", change)
    root = copy_of(template, tmp_path / "db")
    old = state_at(root)
    store = open_store(root)

    monkeypatch.setattr(storage.Database, "_apply_journal", lambda self: crash())
    with pytest.raises(Crash):
        change(store, template[1])
    monkeypatch.undo()
    store.close()
    assert (root / JOURNAL).exists() and temp_files(root)
    assert state_at(root) == new != old
    assert not (root / JOURNAL).exists() and not temp_files(root)


@pytest.mark.parametrize("name", CHANGES)
def test_a_crash_between_any_two_renames_is_finished_by_the_next_open(name, template, tmp_path):
    new = after_change(template, tmp_path / "expected", CHANGES[name])
    renames = data_renames(template, tmp_path / "count", CHANGES[name])
    assert renames >= 2
    for k in range(1, renames + 1):
        check_crash_before_rename(template, tmp_path / f"crash-{k}", name, k, new)


def test_torn_temp_files_without_a_journal_are_ignored_and_removed(template, tmp_path):
    root = copy_of(template, tmp_path / "db")
    old, files = state_at(root), snapshot(root)
    shard = next(root.glob("contacts/*.json"))
    torn = {
        shard.with_name(f"{shard.name}{TMP_MARK}999999"): b'{"contacts": {"x": {"na',
        root / f"undo.json{TMP_MARK}999999": b"",
        root / f"conversations/2026-03.json{TMP_MARK}999999": b'{"conversations": {}}',
        root / f"{JOURNAL}{TMP_MARK}999999": b'{"renames": [["undo.json.tmp-999999", "undo',
    }
    for path, raw in torn.items():
        path.write_bytes(raw)
    assert state_at(root) == old
    assert not temp_files(root)
    assert snapshot(root) == files


def test_a_torn_journal_was_never_committed_so_its_change_is_dropped(
    template, tmp_path, monkeypatch
):
    root = copy_of(template, tmp_path / "db")
    old, files = state_at(root), snapshot(root)
    with open_store(root) as store:
        monkeypatch.setattr(storage.Database, "_apply_journal", lambda self: None)
        CHANGES["merge"](store, template[1])
        monkeypatch.undo()
    journal = root / JOURNAL
    journal.write_bytes(journal.read_bytes()[:-7])
    assert state_at(root) == old
    assert snapshot(root) == files
    assert not journal.exists() and not temp_files(root)


def test_a_journal_replayed_twice_changes_nothing_more(template, tmp_path, monkeypatch):
    """A crash during the replay itself: the replay starts again and ends the same."""
    root = copy_of(template, tmp_path / "db")
    new = after_change(template, tmp_path / "expected", CHANGES["merge"])
    with open_store(root) as store:
        monkeypatch.setattr(storage.Database, "_apply_journal", lambda self: None)
        CHANGES["merge"](store, template[1])
        monkeypatch.undo()
    saved = (root / JOURNAL).read_bytes()
    monkeypatch.setattr(fs, "os", RenameTrap(2, crash))
    with pytest.raises(Crash):
        open_store(root)
    monkeypatch.undo()
    assert (root / JOURNAL).read_bytes() == saved
    assert json.loads(saved)["renames"]
    assert state_at(root) == new


def die_mid_log(root: Path, contact_id: str) -> None:
    """Another process is killed (-9) between two renames of a committed three-file log."""
    child = start_writer("die-mid-log", str(root), contact_id)
    go(child)
    collect(child)
    assert child.returncode == -signal.SIGKILL
    assert (root / JOURNAL).exists()


def log_landed_whole(root: Path, store: Store, contact_id: str) -> bool:
    """The dead writer's log is all there, or all absent; anything else is a torn commit."""
    parts = (
        "conv-dying" in {c.id for c in store.all_conversations()},
        store.get(contact_id).last_contact_on == DYING_ON,
        any(d.startswith("Log") for d in undo_log(root)[-2:]),
    )
    assert len(set(parts)) == 1, f"a torn commit: (diary, contact, undo) = {parts}"
    return parts[0]


def test_a_store_already_open_finishes_a_dead_writers_journal_before_writing(template, tmp_path):
    root = copy_of(template, tmp_path / "db")
    ids = template[1]
    held = open_store(root)
    die_mid_log(root, ids["ann"])
    CHANGES["stage"](held, ids)
    held.close()
    with open_store(root) as store:
        assert store.get(ids["bob"]).stage.value == "coffee"
        assert log_landed_whole(root, store, ids["ann"]), "a committed change was lost"


def test_a_store_already_open_never_shows_a_half_applied_commit(template, tmp_path):
    root = copy_of(template, tmp_path / "db")
    ids = template[1]
    held = open_store(root)
    held.load_conversations()
    die_mid_log(root, ids["ann"])
    held.refresh()
    log_landed_whole(root, held, ids["ann"])
    held.close()


def test_the_next_open_finishes_a_dead_writers_journal(template, tmp_path):
    root = copy_of(template, tmp_path / "db")
    ids = template[1]
    die_mid_log(root, ids["ann"])
    with open_store(root) as store:
        assert log_landed_whole(root, store, ids["ann"])
