"""The disk fills up (ENOSPC) at the k-th write of a change: nothing may change on disk or
in the open store, and the same change works once space is back.

`count_writes` finds how many writes a change makes; `check_disk_full` fails the k-th.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bench.faults.helpers import D, open_store, snapshot, state, temp_files
from netui.core import fs
from netui.core.db.cache_folder import CacheFolder
from netui.core.db.store import Store
from netui.core.errors import StorageError
from netui.core.model import Contact, Conversation, Referral

Change = Callable[[Store, dict[str, str]], object]

CHANGES: dict[str, Change] = {
    "add with a first note": lambda s, ids: s.add_contact(
        Contact(name="Cy", met_on=D), first_note=Conversation(contact_id="", on=D, note="hi")
    ),
    "log": lambda s, ids: s.log(Conversation(contact_id=ids["ann"], on=D, note="again")),
    "stage": lambda s, ids: s.set_stage(ids["ann"], "coffee", D),
    "archive": lambda s, ids: s.archive(ids["bob"]),
    "snooze": lambda s, ids: s.snooze(ids["ann"], date(2026, 5, 1)),
    "referral": lambda s, ids: s.add_referral(
        Referral(referrer_id=ids["bob"], referred_id=ids["ann"], on=D)
    ),
    "merge": lambda s, ids: s.merge(ids["ann"], ids["bob"]),
    "undo": lambda s, ids: s.undo(),
}


def fresh_copy(template: tuple[Path, dict[str, str]], where: Path) -> tuple[Path, dict]:
    root, ids = template
    shutil.copytree(root, where / "db")
    return where / "db", ids


def count_writes(template, where: Path, change: Change) -> int:
    """How many times one change calls _write_all (each file and the journal)."""
    root, ids = fresh_copy(template, where)
    calls = []
    real = fs.write_all
    with pytest.MonkeyPatch.context() as patch, open_store(root) as store:
        patch.setattr(CacheFolder, "write", lambda *_: None)  # derived, not the data's writes
        patch.setattr(fs, "write_all", lambda fd, data: (calls.append(1), real(fd, data)))
        change(store, ids)
    return len(calls)


def disk_full_at(k: int) -> Callable[[int, bytes], None]:
    """A _write_all that writes half of the k-th payload, then finds the disk full."""
    seen = [0]

    def write(fd: int, payload: bytes) -> None:
        seen[0] += 1
        if seen[0] == k:
            os.write(fd, payload[: len(payload) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        os.write(fd, payload)

    return write


def check_disk_full(template, where: Path, name: str, k: int) -> None:
    """The disk fills up at the k-th write of the change `name`: nothing may change."""
    change = CHANGES[name]
    root, ids = fresh_copy(template, where)
    store = open_store(root)
    before_bytes, before = snapshot(root), state(store)
    with pytest.MonkeyPatch.context() as patch, pytest.raises(StorageError) as caught:
        patch.setattr(CacheFolder, "write", lambda *_: None)  # its full disk: a cache test
        patch.setattr(fs, "write_all", disk_full_at(k))
        change(store, ids)
    message = str(caught.value)
    assert "no space left" in message and str(root) in message and "\n" not in message
    assert snapshot(root) == before_bytes, f"{name}: files changed by a failed write {k}"
    assert not temp_files(root)
    assert state(store) == before, "the open store shows a change that never landed"
    with open_store(root) as reopened:
        assert state(reopened) == before
    change(store, ids)  # space is back: the same change now works
    assert snapshot(root) != before_bytes
    store.close()
