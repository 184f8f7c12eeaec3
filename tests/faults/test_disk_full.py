"""Disk full (ENOSPC) at every write of every kind of change, and a read-only folder.

Each must end in one clear StorageError, the files byte-for-byte as before, no temp files,
and a store that still reads (and writes again once the fault is gone).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from bench.faults.disk_full import CHANGES, check_disk_full, count_writes, fresh_copy
from bench.faults.helpers import D, open_store, populate, snapshot, state, temp_files
from netui.core import fs
from netui.core.db import storage
from netui.core.errors import StorageError


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("template") / "db"
    return root, populate(root)


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
