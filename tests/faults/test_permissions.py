"""Personal data: every file 0600 and every folder 0700, whatever the umask, backups too."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from bench.faults.helpers import open_store, populate
from netui.core.db import doctor, storage
from netui.core.db.storage import SCHEMA_VERSION, contact_file


@pytest.fixture
def open_umask():
    """The loosest umask a user could have: only the modes netui asks for protect the data."""
    old = os.umask(0)
    yield
    os.umask(old)


def loose(root: Path) -> list[str]:
    """Every file not 0600 and every folder not 0700, with its mode."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        wanted = 0o700 if path.is_dir() else 0o600
        if mode != wanted:
            found.append(f"{path.relative_to(root)} {mode:o}")
    return found


def test_data_backups_lock_and_doctor_files_are_private(tmp_path, open_umask):
    root = tmp_path / "db"
    ids = populate(root)
    with open_store(root) as store:
        store.merge(ids["ann"], ids["bob"])
        store.undo()
    assert list(root.rglob("*.bak")) and (root / ".lock").exists()
    (root / contact_file(ids["ann"])).write_bytes(b"{")  # an editor may leave it 0644
    os.chmod(root / contact_file(ids["ann"]), 0o644)
    report = doctor.restore(root)
    assert report.healthy
    assert list(root.rglob("*.corrupt-*"))
    assert loose(root) == []


def test_the_doctor_reports_and_tightens_loose_modes(tmp_path):
    root = tmp_path / "db"
    populate(root)
    os.chmod(root / "referrals.json", 0o644)
    os.chmod(root / "contacts", 0o755)
    report = doctor.check(root)
    assert {f.file for f in report.warnings} == {"referrals.json", "contacts"}
    doctor.restore(root)
    assert loose(root) == []


def test_a_migration_backup_is_private(tmp_path, monkeypatch, open_umask):
    root = tmp_path / "db"
    populate(root)
    meta = root / "meta.json"
    meta.write_text(json.dumps({"meta": {"schema": {"schema_version": SCHEMA_VERSION - 1}}}))
    os.chmod(meta, 0o600)
    monkeypatch.setitem(storage.MIGRATIONS, SCHEMA_VERSION - 1, lambda db: {})
    open_store(root).close()
    (backup,) = (root / "backups").iterdir()
    assert (backup / "referrals.json").read_bytes() == (root / "referrals.json").read_bytes()
    assert loose(root) == []
