"""`doctor --restore` and links, other people's folders, odd files: never out, never a crash.

Tightening permissions must change only what is in the database itself (a link is never
followed, wherever it points), say what it cannot change, and reach a state where a second
run has nothing left to do.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from bench.faults.helpers import populate
from netui.cli import main
from netui.core.db import doctor


@pytest.fixture
def root(tmp_path) -> Path:
    root = tmp_path / "db"
    populate(root)
    return root


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def loosen(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


def outside(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "outside"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    secret = folder / "shared.txt"
    secret.write_text("meant to be readable")
    secret.chmod(0o644)
    return folder, secret


def test_restore_never_changes_what_a_link_points_at(root, tmp_path):
    folder, shared = outside(tmp_path)
    (root / "contacts" / "linked.txt").symlink_to(shared)
    (root / "conversations" / "linked-folder").symlink_to(folder)
    (root / "cache").mkdir(mode=0o700, exist_ok=True)  # the digest may have made it
    (root / "cache" / "out").symlink_to(folder)
    loosen(root)
    report = doctor.restore(root)
    assert mode(shared) == 0o644 and mode(folder) == 0o755
    assert any("tightened contacts" in a for a in report.actions)
    assert not any("linked" in a or "cache/out" in a for a in report.actions)
    assert mode(root / "contacts") == 0o700


def test_dangling_links_are_no_crash(root):
    (root / "contacts" / "gone.txt").symlink_to(root / "nowhere")
    (root / "undo.json.bak").unlink()
    (root / "undo.json.bak").symlink_to(root / "nowhere-either")
    loosen(root)
    report = doctor.restore(root)
    assert report.healthy, report.findings
    assert (root / "contacts" / "gone.txt").is_symlink()


def test_a_second_restore_has_nothing_left_to_do(root, tmp_path):
    _, shared = outside(tmp_path)
    (root / "contacts" / "linked.txt").symlink_to(shared)
    (root / "contacts" / "dangling").symlink_to(tmp_path / "missing")
    loosen(root)
    first = doctor.restore(root)
    assert first.actions
    second = doctor.restore(root)
    assert second.actions == []
    assert second.findings == []


def test_a_folder_owned_by_someone_else_is_reported_not_a_crash(root, monkeypatch, capsys):
    """Simulated refusal (the tests may run as root, whom chmod never refuses)."""
    theirs = root / "conversations"
    loosen(root)
    real_fchmod = os.fchmod
    refused_ino = os.stat(theirs).st_ino

    def fchmod(fd: int, mode: int) -> None:
        if os.fstat(fd).st_ino == refused_ino:
            raise PermissionError(errno.EPERM, "Operation not permitted")
        real_fchmod(fd, mode)

    monkeypatch.setattr(os, "fchmod", fchmod)
    assert main(["--db", str(root), "doctor", "--restore"]) == 0
    out = capsys.readouterr().out
    assert "could not tighten conversations (mode 755): Operation not permitted" in out
    assert "tightened contacts from mode 755 to 700" in out


def test_a_check_says_who_can_fix_a_folder_of_another_user(root):
    theirs = root / "conversations"
    loosen(root)
    try:
        os.chown(theirs, 4242, 4242)
    except PermissionError:
        pytest.skip("needs root to give a folder away")
    found = {f.file: f.message for f in doctor.check(root).warnings}
    assert "belongs to another user" in found["conversations"]
    assert "--restore" in found["contacts"]


def test_a_fifo_in_the_database_is_left_alone_not_a_hang(root):
    fifo = root / "contacts" / "pipe"
    os.mkfifo(fifo, 0o644)
    report = doctor.restore(root)
    assert mode(fifo) == 0o644
    assert not any("pipe" in a and "tightened" in a for a in report.actions)


def test_the_doctor_leaves_a_users_files_in_an_adopted_folder_alone(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "letter.txt").write_text("dear")
    (docs / "letter.txt").chmod(0o644)
    assert main(["init", "--db", str(docs), "--force"]) == 0
    main(["--db", str(docs), "add", "Ann"])
    capsys.readouterr()
    report = doctor.restore(docs)
    assert mode(docs / "letter.txt") == 0o644
    assert not any("letter" in f.file for f in report.findings)


def test_the_doctor_changes_nothing_in_a_folder_that_is_not_a_database(tmp_path):
    (tmp_path / "letter.txt").write_text("dear")
    (tmp_path / "letter.txt").chmod(0o644)
    report = doctor.restore(tmp_path)
    assert not report.healthy and report.actions == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.txt"]  # not even a .lock
    assert mode(tmp_path / "letter.txt") == 0o644
