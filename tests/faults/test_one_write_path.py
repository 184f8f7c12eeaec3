"""Every writer goes through core/fs.py, so one set of faults covers them all.

A full disk at `fs.write_all` is tried under each writer that is not a database commit (those
are in test_disk_full.py): an export, a doctor restore, the search cache. Each leaves the old
file whole, no temporary behind, and a one-line error or report, never a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import pytest

import netui
from bench.faults.helpers import populate, temp_files
from netui.cli import main
from netui.core import fs
from netui.core.config import Settings
from netui.core.db import doctor
from netui.core.db.store import Store
from netui.core.search.cached import search_database

PACKAGE = Path(netui.__file__).parent


def disk_full(fd: int, payload: bytes) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_one_module_renames_fsyncs_and_locks():
    """`git grep` finds one atomic write: nothing outside fs.py renames, fsyncs or flocks."""
    primitive = re.compile(r"\bos\.(replace|rename|fsync|link)\(|fcntl\.flock\(|mkstemp\(")
    found = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if primitive.search(path.read_text(encoding="utf-8"))
    }
    # The doctor links a damaged file aside (never replacing anything); the editor's scratch
    # file for $EDITOR is not a durable write.
    assert found <= {"core/fs.py", "core/db/doctor.py", "tui/editor.py"}
    assert "core/fs.py" in found
    doctor_src = (PACKAGE / "core/db/doctor.py").read_text(encoding="utf-8")
    assert not re.search(r"os\.(replace|rename|fsync)\(|fcntl\.flock\(", doctor_src)


def test_a_full_disk_during_an_export_keeps_the_old_export(tmp_path, capsys, monkeypatch):
    db = tmp_path / "db"
    populate(db)
    target = tmp_path / "out.csv"
    target.write_text("the old export")
    monkeypatch.setattr(fs, "write_all", disk_full)
    assert main(["--db", str(db), "export", str(target), "--force"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left" in err
    assert target.read_text() == "the old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "out.csv"]


def test_a_full_disk_during_a_restore_is_reported_and_keeps_the_file(tmp_path, monkeypatch):
    root = tmp_path / "db"
    populate(root)
    (root / "referrals.json").write_text("{torn")
    monkeypatch.setattr(fs, "write_all", disk_full)
    report = doctor.restore(root)
    assert any(a.startswith("could not restore referrals.json") for a in report.actions)
    assert (root / "referrals.json").read_text() == "{torn"
    assert not temp_files(root)
    monkeypatch.undo()
    assert doctor.restore(root).healthy  # with room again, the same restore works


def test_a_full_disk_for_the_search_cache_still_answers(tmp_path, monkeypatch):
    root = tmp_path / "db"
    ids = populate(root)
    monkeypatch.setattr(fs, "write_all", disk_full)
    with Store.open(root, settings=Settings()) as store:
        hits = search_database(store.database, "sailing")
        assert [h.contact_id for h in hits] == [ids["bob"]]
    assert not temp_files(root)
    assert not [p for p in root.rglob("*") if ".partial-" in p.name]


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_every_file_the_path_writes_is_private(tmp_path, umask):
    old = os.umask(umask)
    try:
        fs.atomic_write(tmp_path / "x.json", json.dumps({}).encode())
    finally:
        os.umask(old)
    assert (tmp_path / "x.json").stat().st_mode & 0o777 == 0o600


def test_a_file_made_between_the_check_and_the_write_is_not_replaced(tmp_path, monkeypatch):
    """Another process makes the export's file while netui writes its own: it stays."""
    target = tmp_path / "out.csv"
    real = fs.write_synced

    def write_then_another_process_writes(path, payload, mode=0o600, *, sync=True):
        real(path, payload, mode, sync=sync)
        target.write_text("theirs")

    monkeypatch.setattr(fs, "write_synced", write_then_another_process_writes)
    with pytest.raises(FileExistsError):
        fs.atomic_write(target, b"ours", replace=False)
    assert target.read_text() == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@pytest.mark.parametrize("linkable", [True, False])
def test_a_write_that_never_replaces_makes_a_new_file_whole(tmp_path, monkeypatch, linkable):
    """Where hard links are refused (FAT, some network folders) it checks just before."""
    if not linkable:
        monkeypatch.setattr(os, "link", lambda *a, **kw: (_ for _ in ()).throw(PermissionError()))
    target = tmp_path / "out.csv"
    fs.atomic_write(target, b"ours", replace=False)
    assert target.read_bytes() == b"ours" and target.stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        fs.atomic_write(target, b"again", replace=False)
    assert target.read_bytes() == b"ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
