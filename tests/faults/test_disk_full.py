"""Disk full (ENOSPC) at every write of every kind of change, and a read-only folder.

Each must end in one clear StorageError, the files byte-for-byte as before, no temp files,
and a store that still reads (and writes again once the fault is gone).
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from netui.core import fs
from netui.core.db import storage
from netui.core.db.cache_folder import CacheFolder
from netui.core.db.store import Store
from netui.core.errors import StorageError
from netui.core.model import Contact, Conversation, Referral
from tests.faults.helpers import D, open_store, populate, snapshot, state, temp_files

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


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("template") / "db"
    return root, populate(root)


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


@pytest.mark.parametrize("name", CHANGES)
def test_disk_full_at_every_write_of_a_change_leaves_everything_as_it_was(name, template, tmp_path):
    writes = count_writes(template, tmp_path / "count", CHANGES[name])
    assert writes >= 2  # at least one data file and the journal
    for k in range(1, writes + 1):
        check_disk_full(template, tmp_path / f"at-{k}", name, k)


class ReadOnlyOs:
    """`os` as storage.py and fs.py see it in a read-only folder (root ignores chmod)."""

    def __init__(self, root: Path) -> None:
        self._root = str(root)

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    def _refuse(self, *paths: object) -> None:
        if any(str(p).startswith(self._root) for p in paths):
            raise PermissionError(errno.EACCES, "Permission denied", str(paths[0]))

    def open(self, path, flags, mode=0o777, **kw):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            self._refuse(path)
        return os.open(path, flags, mode, **kw)

    def replace(self, src, dst, **kw):
        self._refuse(src, dst)
        return os.replace(src, dst, **kw)

    def link(self, src, dst, **kw):
        self._refuse(dst)
        return os.link(src, dst, **kw)

    def unlink(self, path, **kw):
        self._refuse(path)
        return os.unlink(path, **kw)


def chmod_stops_writes(where: Path) -> bool:
    probe = where / "probe"
    probe.mkdir(mode=0o500)
    try:
        (probe / "x").touch()
    except PermissionError:
        return True
    finally:
        probe.chmod(0o700)
    return False


@pytest.fixture(params=["chmod", "simulated"])
def make_read_only(request, monkeypatch):
    """Make a database folder read-only: really (chmod), or by refusing writes in `os`."""
    chmodded: list[Path] = []

    def apply(root: Path) -> None:
        if request.param == "simulated":
            monkeypatch.setattr(storage, "os", ReadOnlyOs(root))
            monkeypatch.setattr(fs, "os", ReadOnlyOs(root))
            return
        for path in [root, *root.rglob("*")]:
            path.chmod(0o500 if path.is_dir() else 0o400)
            chmodded.append(path)

    if request.param == "chmod" and not chmod_stops_writes(request.getfixturevalue("tmp_path")):
        pytest.skip("running as root, which chmod doesn't stop; the simulated variant covers it")
    yield apply
    for path in chmodded:
        path.chmod(0o700 if path.is_dir() else 0o600)


def test_a_folder_turned_read_only_under_an_open_store_refuses_writes_cleanly(
    template, tmp_path, make_read_only
):
    root, ids = fresh_copy(template, tmp_path)
    store = open_store(root)
    before_bytes, before = snapshot(root), state(store)
    make_read_only(root)
    for name, change in CHANGES.items():
        with pytest.raises(StorageError) as caught:
            change(store, ids)
        message = str(caught.value)
        assert str(root) in message and "nothing was changed" in message, name
        assert "permission denied" in message or "read-only" in message, message
        assert snapshot(root) == before_bytes, name
        assert state(store) == before, name
    assert not temp_files(root)
    store.close()


def test_a_read_only_database_opens_for_reading_and_refuses_writes(
    template, tmp_path, make_read_only
):
    root, ids = fresh_copy(template, tmp_path)
    with open_store(root) as store:
        before = state(store)
    before_bytes = snapshot(root)
    make_read_only(root)
    with open_store(root) as store:
        assert state(store) == before
        assert store.find("Ann").id == ids["ann"]
        with pytest.raises(StorageError, match=r"read-only|permission denied"):
            store.set_stage(ids["ann"], "coffee", D)
        assert state(store) == before
    assert snapshot(root) == before_bytes
