"""Delete (undoable) and forget (for good): a person and every trace of them.

The person has a diary with correspondence, referrals in both directions, a contact merged
into them, edits that rotated their records into `*.bak`, a copy under `backups/`, and a
search cache; after `forget` a grep of every file finds none of their strings.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from netui.core.db import doctor
from netui.core.db.store import Store
from netui.core.errors import UndoError
from netui.core.followup.referrals import record_referral
from netui.core.model import Contact, Conversation, Referral
from netui.core.search.cached import search_database
from tests.conftest import TODAY

DANA = ["Dana Quillfeather", "dana@quill.example", "+1 555 0199", "sailing to Tromsø in May"]
MERGED = ["Dana Q. (old card)", "dq@old.example"]  # a card merged into hers long ago
SAID = ["Estate-planning referrals for founders", "Dear Dana, thank you for the chat"]


def everything(db_path: Path) -> bytes:
    """Every byte of every file under the folder (backups and caches included)."""
    return b"".join(p.read_bytes() for p in sorted(db_path.rglob("*")) if p.is_file())


@pytest.fixture
def world(store: Store, frozen_today):
    """Dana with everything hanging on her, and Ann and Gus who stay."""
    ann = store.add_contact(Contact("Ann Lee", emails=["ann@lee.example"], notes="met via Dana"))
    dana = store.add_contact(
        Contact(DANA[0], emails=[DANA[1]], phones=[DANA[2]], mention=DANA[3], referred_by=ann.id)
    )
    old = store.add_contact(Contact(MERGED[0], emails=[MERGED[1], DANA[1]], notes="old card"))
    store.log(Conversation(old.id, TODAY - timedelta(days=40), note="first coffee at the old card"))
    store.merge(dana.id, old.id)
    store.log(Conversation(dana.id, TODAY, note=SAID[0], correspondence=[SAID[1]]))
    store.add_referral(Referral(ann.id, dana.id, TODAY - timedelta(days=2), note="call her"))
    gus_ref, _ = record_referral(store, dana.id, "Gus Hale", on=TODAY)
    store.update_contact(dana.id, notes="likes long walks; Dana's boat is the Quillfeather")
    store.update_contact(dana.id, title="Partner")  # her old versions rotate into *.bak
    (store.path / "backups").mkdir(mode=0o700, exist_ok=True)
    shard = next((store.path / "contacts").glob("*.json"))
    for rel in sorted((store.path / "contacts").glob("*.json")):
        if DANA[0].encode() in rel.read_bytes():
            shard = rel
    shutil.copy(shard, store.path / "backups" / "contacts-copy.json")  # e.g. a conflict copy
    (store.path / "backups" / "damaged.json").write_bytes(b"{not json " + DANA[1].encode())
    assert search_database(store.database, "quillfeather")  # builds the search cache
    gus = next(c for c in store.contacts_by_id.values() if c.name == "Gus Hale")
    return store, ann, dana, gus, gus_ref


def test_delete_takes_the_diary_and_referrals_and_undo_brings_all_back(world):
    store, ann, dana, gus, _ = world
    traces = store.traces(dana.id)
    assert traces.describe() == "2 conversations, 2 referrals and 1 link from a contact"
    store.delete_contact(dana.id)
    assert dana.id not in store.contacts_by_id
    assert store.conversations_of(dana.id) == [] and store.referrals() == []
    assert store.get(gus.id).referred_by is None  # the link is cleared, not left dangling
    assert store.get(ann.id).name == "Ann Lee"
    assert doctor.check(store.path).warnings == []
    assert store.undo() == f"Delete {DANA[0]}"
    assert store.get(dana.id).emails == [DANA[1], MERGED[1]]
    assert len(store.conversations_of(dana.id)) == 2 and len(store.referrals()) == 2
    assert store.get(gus.id).referred_by == dana.id


def test_forget_leaves_no_file_holding_any_of_her_strings(world, db_path):
    store, ann, dana, gus, _ = world
    assert DANA[0].encode() in everything(db_path)
    forgotten = store.forget(dana.id)
    assert forgotten.leftovers == []
    assert forgotten.scrub.undo_entries_dropped > 0
    assert not forgotten.in_git
    data = everything(db_path)
    for text in (*DANA, *MERGED, *SAID, "Quillfeather"):
        assert text.encode() not in data, text
    # The others stay whole, their links cleared, and the database is sound.
    assert {c.name for c in store.contacts_by_id.values()} == {"Ann Lee", "Gus Hale"}
    assert store.get(gus.id).referred_by is None
    assert store.get(ann.id).notes == "met via Dana"  # "Dana" alone is not her name
    assert doctor.check(db_path).healthy
    with Store.open(db_path, settings=store.settings) as again:
        assert {c.name for c in again.contacts_by_id.values()} == {"Ann Lee", "Gus Hale"}
        assert search_database(again.database, "quillfeather") == []


def test_forget_is_not_undoable_and_the_undo_log_still_works_for_the_rest(world):
    store, _, dana, _, _ = world
    store.forget(dana.id)
    with pytest.raises(UndoError):  # whatever is left to undo must not bring her back
        for _ in range(10):
            store.undo()
            assert DANA[0] not in {c.name for c in store.contacts_by_id.values()}


def test_forget_says_a_git_folder_still_holds_her(world, db_path):
    store, _, dana, _, _ = world
    (db_path / ".git").mkdir()
    assert store.forget(dana.id).in_git
