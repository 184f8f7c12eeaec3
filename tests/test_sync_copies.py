"""Conflict copies left by Syncthing, Dropbox and Nextcloud merge back record by record on open."""

from __future__ import annotations

import json
from datetime import date

import pytest

from netui.cli import main
from netui.core.config import Settings
from netui.core.db import doctor
from netui.core.db.storage import contact_file
from netui.core.db.store import Store
from netui.core.model import Contact, Conversation

COPY_NAMES = {
    "syncthing": "{stem}.sync-conflict-20261201-101010-ABCDEF7.json",
    "dropbox": "{stem} (Alice's conflicted copy 2026-12-01).json",
    "nextcloud": "{stem} (conflicted copy 2026-12-01 101010).json",
}


def _copy_of(root, rel: str, tool: str, edit) -> str:
    """Write a conflict copy of `rel` (its JSON changed by `edit`), as `tool` names it."""
    path = root / rel
    data = json.loads(path.read_bytes())
    edit(data)
    name = COPY_NAMES[tool].format(stem=path.stem)
    (path.parent / name).write_text(json.dumps(data))
    (path.parent / name).chmod(0o600)  # as private as netui's own (else doctor warns)
    return f"{path.parent.name}/{name}"


@pytest.mark.parametrize("tool", list(COPY_NAMES))
def test_a_conflict_copy_is_merged_once_kept_in_backups_and_listed_by_doctor(db_path, tool, capsys):
    with Store.open(db_path, settings=Settings()) as store:
        dana = store.add_contact(Contact(name="Dana Kim", title="CEO", tags=["law"]))
        first = store.log(Conversation(contact_id=dana.id, on=date(2026, 11, 20), note="hello"))
        store.update_contact(dana.id, title="Founder")  # this device's newer edit

    def other_device_contacts(data):
        record = data["contacts"][dana.id]
        record.update(title="Partner", tags=["law", "sailing"], updated="2000-01-01T00:00:00")

    def other_device_diary(data):
        data["conversations"]["v-other"] = Conversation(
            contact_id=dana.id, on=date(2026, 11, 21), id="v-other", note="from the laptop"
        ).to_dict()
        data["conversations"][first.id]["note"] = "hello, and boats"

    copies = [
        _copy_of(db_path, contact_file(dana.id), tool, other_device_contacts),
        _copy_of(db_path, "conversations/2026-11.json", tool, other_device_diary),
    ]
    listed = doctor.check(db_path)
    assert {f.file for f in listed.warnings} == set(copies)
    assert all("conflict copy" in f.message for f in listed.warnings)

    assert main(["--db", str(db_path), "show", "Dana", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("merged the conflict copy") == 2
    shown = json.loads(captured.out)
    assert shown["title"] == "Founder"  # the newer edit wins...
    assert shown["conflicts"][0]["field"] == "title"  # ...and the other stays visible
    assert shown["conflicts"][0]["value"] == "Partner"
    assert shown["tags"] == ["law", "sailing"]
    notes = {c["id"]: c["note"] for c in shown["conversations"]}
    assert notes["v-other"] == "from the laptop"
    assert notes[first.id] == "hello, and boats"

    for rel in copies:
        assert not (db_path / rel).exists()
    kept = sorted(p.name for p in (db_path / "backups" / "conflict-copies").iterdir())
    assert len(kept) == 2
    assert doctor.check(db_path).findings == []
    assert main(["--db", str(db_path), "list"]) == 0
    assert "conflict copy" not in capsys.readouterr().err  # said once


def test_a_copy_of_undo_or_meta_only_moves_aside(db_path, capsys):
    with Store.open(db_path, settings=Settings()) as store:
        store.add_contact(Contact(name="Dana Kim"))
    copy = db_path / "undo.sync-conflict-20261201-101010-ABCDEF7.json"
    copy.write_bytes((db_path / "undo.json").read_bytes())
    copy.chmod(0o600)
    assert main(["--db", str(db_path), "list"]) == 0
    assert "merged the conflict copy" in capsys.readouterr().err
    assert not copy.exists()
    assert doctor.check(db_path).findings == []


def test_an_unreadable_copy_is_refused_with_its_name_and_nothing_changes(db_path, capsys):
    with Store.open(db_path, settings=Settings()) as store:
        dana = store.add_contact(Contact(name="Dana Kim"))
    original = db_path / contact_file(dana.id)
    before = original.read_bytes()
    copy = original.with_name(COPY_NAMES["dropbox"].format(stem=original.stem))
    copy.write_text("{ torn")
    assert main(["--db", str(db_path), "list"]) == 1
    err = capsys.readouterr().err
    assert copy.name in err and "conflict copy" in err and "Traceback" not in err
    assert original.read_bytes() == before and copy.exists()


def test_search_merges_a_conflict_copy_before_answering(db_path, capsys):
    """`netui search` opens the database without the store; it merges copies all the same."""
    with Store.open(db_path, settings=Settings()) as store:
        dana = store.add_contact(Contact(name="Dana Kim"))
        store.log(Conversation(contact_id=dana.id, on=date(2026, 11, 20), note="hello"))

    def other_device_diary(data):
        data["conversations"]["v-other"] = Conversation(
            contact_id=dana.id, on=date(2026, 11, 21), id="v-other", note="quillwort talk"
        ).to_dict()

    copy = _copy_of(db_path, "conversations/2026-11.json", "syncthing", other_device_diary)
    assert main(["--db", str(db_path), "search", "quillwort", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("merged the conflict copy") == 1
    assert [hit["conversation_id"] for hit in json.loads(captured.out)] == ["v-other"]
    assert not (db_path / copy).exists()
    assert main(["--db", str(db_path), "search", "quillwort"]) == 0
    assert "conflict copy" not in capsys.readouterr().err  # said once
