"""The store and the doctor judge a hand-edited file alike (one set of checks: core/db/schema.py).

They used to disagree: the doctor required 9-digit undo keys and checked that a record sits in
its own shard or month, the store accepted both, so `netui list` read a file the doctor called
broken (and a later write left the stray copy behind to come back).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.faults.helpers import populate
from netui.core.config import Settings
from netui.core.db import doctor
from netui.core.db.schema import contact_file
from netui.core.db.store import Store
from netui.core.errors import StorageError


def edit(path: Path, change: Callable[[dict], None]) -> None:
    data = json.loads(path.read_bytes())
    change(data)
    path.write_text(json.dumps(data))


def other_shard(rel: str) -> str:
    return next(f"contacts/{n:02d}.json" for n in range(32) if f"contacts/{n:02d}.json" != rel)


def move_contact(root: Path, ids: dict[str, str]) -> None:
    home = contact_file(ids["ann"])
    doc = json.loads((root / home).read_bytes())["contacts"].pop(ids["ann"])
    edit(root / home, lambda d: d["contacts"].pop(ids["ann"]))
    target = root / other_shard(home)
    current = json.loads(target.read_bytes()) if target.exists() else {"contacts": {}}
    current["contacts"][ids["ann"]] = doc
    target.write_text(json.dumps(current))


def redate_entry(root: Path, ids: dict[str, str]) -> None:
    edit(
        root / "conversations/2026-03.json",
        lambda d: d["conversations"][ids["conversation"]].update(on="2026-04-02"),
    )


def short_undo_key(root: Path, ids: dict[str, str]) -> None:
    edit(root / "undo.json", lambda d: d["undo"].update({"5": {"description": "x", "changes": []}}))


def wrong_own_id(root: Path, ids: dict[str, str]) -> None:
    edit(root / "referrals.json", lambda d: d["referrals"][ids["referral"]].update(id="other"))


def bad_change(root: Path, ids: dict[str, str]) -> None:
    entry = {"description": "x", "changes": [{"kind": "planet", "id": "p"}]}
    edit(root / "undo.json", lambda d: d["undo"].update({"000000999": entry}))


def nothing(root: Path, ids: dict[str, str]) -> None:
    pass


EDITS = {
    "untouched": nothing,
    "a contact in another shard": move_contact,
    "a diary entry in another month": redate_entry,
    "a short undo key": short_undo_key,
    "a record with another id": wrong_own_id,
    "a malformed undo change": bad_change,
}


def store_opens(root: Path) -> bool:
    try:
        with Store.open(root, settings=Settings()) as store:
            store.load_conversations()
    except StorageError:
        return False
    return True


@pytest.mark.parametrize("name", EDITS)
def test_the_store_refuses_exactly_what_the_doctor_calls_an_error(tmp_path, name):
    root = tmp_path / "db"
    ids = populate(root)
    EDITS[name](root, ids)
    assert store_opens(root) == doctor.check(root).healthy == (name == "untouched")
