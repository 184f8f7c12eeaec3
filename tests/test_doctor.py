"""`netui doctor`: what it finds in a database, what --restore does, and what it never does."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.faults.helpers import open_store, populate, snapshot
from netui.cli import main
from netui.core.db import doctor
from netui.core.db.storage import JOURNAL, TMP_MARK, contact_file


@pytest.fixture
def db(tmp_path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "db"
    return root, populate(root)


@pytest.fixture
def doctor_cli(capsys):
    def run(root: Path, *args: str) -> tuple[int, str, str]:
        code = main(["--db", str(root), "doctor", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def rewrite(path: Path, change) -> None:
    data = json.loads(path.read_bytes())
    change(data)
    path.write_text(json.dumps(data))


def errors_in(report: doctor.Report) -> dict[str, str]:
    return {f.file: f.message for f in report.errors}


def test_a_healthy_database_is_healthy_and_untouched(db, doctor_cli):
    root, _ = db
    files = snapshot(root)
    code, out, err = doctor_cli(root)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == (
        f"{len(files) - len(list(root.rglob('*.bak')))} files checked, 0 errors, 0 warnings: "
        "netui can use this database"
    )
    assert snapshot(root) == files
    assert doctor_cli(root, "--restore")[0] == 0
    assert snapshot(root) == files


def test_a_missing_folder_is_one_line(tmp_path, doctor_cli):
    code, out, err = doctor_cli(tmp_path / "nowhere")
    assert code == 1 and out == ""
    assert err.startswith("netui: error: no database folder at") and err.count("\n") == 1
    assert not (tmp_path / "nowhere").exists()


def test_a_contact_in_the_wrong_shard_is_an_error(db):
    root, ids = db
    home = contact_file(ids["ann"])
    elsewhere = next(
        f"contacts/{n:02d}.json" for n in range(32) if f"contacts/{n:02d}.json" != home
    )
    doc = json.loads((root / home).read_bytes())["contacts"][ids["ann"]]
    (root / elsewhere).write_text(json.dumps({"contacts": {ids["ann"]: doc}}))
    found = errors_in(doctor.check(root))
    assert f"belongs in {home}" in found[elsewhere]
    assert list(found) == [elsewhere]


def test_a_diary_entry_in_the_wrong_month_is_an_error(db):
    root, ids = db
    rewrite(
        root / "conversations/2026-03.json",
        lambda d: d["conversations"][ids["conversation"]].update(on="2026-04-02"),
    )
    found = errors_in(doctor.check(root))
    assert "belongs in conversations/2026-04.json" in found["conversations/2026-03.json"]


def test_a_file_netui_never_names_so_is_an_error(db):
    root, _ = db
    (root / "contacts/extra.json").write_text('{"contacts": {}}')
    assert (
        "never writes a file of this name" in errors_in(doctor.check(root))["contacts/extra.json"]
    )


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        ({"abc": {"description": "x", "changes": []}}, "not a 9-digit sequence number"),
        ({"000000001": {"changes": []}}, "has no description"),
        ({"000000001": {"description": "x", "changes": "all"}}, "no list of changes"),
        (
            {"000000001": {"description": "x", "changes": [{"kind": "planet", "id": "p"}]}},
            "malformed change",
        ),
    ],
)
def test_malformed_undo_entries_are_errors(db, entries, problem):
    root, _ = db
    (root / "undo.json").write_text(json.dumps({"undo": entries}))
    assert problem in errors_in(doctor.check(root))["undo.json"]


def test_references_to_missing_contacts_are_warnings_not_errors(db, doctor_cli):
    root, ids = db
    shard = root / contact_file(ids["ann"])
    rewrite(shard, lambda d: d["contacts"].pop(ids["ann"]))
    report = doctor.check(root)
    assert report.healthy
    messages = " | ".join(f.message for f in report.warnings)
    assert "diary entry" in messages and "belongs to a missing contact" in messages
    assert "the referrer contact is missing" in messages
    assert "referred by a missing contact" in messages
    assert doctor_cli(root)[0] == 0


def test_leftovers_of_an_interrupted_save_are_warnings(db):
    root, _ = db
    (root / JOURNAL).write_text('{"renames": []}')
    (root / f"contacts/05.json{TMP_MARK}4242").write_text("{")
    found = {(f.file, f.message.split(";")[0]) for f in doctor.check(root).warnings}
    assert (JOURNAL, "an interrupted save is pending") in found
    assert (f"contacts/05.json{TMP_MARK}4242", "a temporary file from an interrupted save") in found
    (root / JOURNAL).write_text('{"renam')
    found = {(f.file, f.message.split(";")[0]) for f in doctor.check(root).warnings}
    assert (JOURNAL, "a torn journal (never committed)") in found


def test_restore_keeps_every_file_and_the_damaged_one_aside(db, doctor_cli):
    root, ids = db
    rel = contact_file(ids["ann"])
    (root / rel).write_bytes(b'{"contacts": ')
    before = snapshot(root)
    code, out, _ = doctor_cli(root, "--restore")
    assert code == 0, out
    assert f"restored {rel} from {rel}.bak" in out
    after = snapshot(root)
    assert set(before) < set(after), "a file disappeared"
    (aside,) = [f for f in set(after) - set(before)]
    assert aside.startswith(f"{rel}.corrupt-") and after[aside] == b'{"contacts": '
    assert after[rel] == after[f"{rel}.bak"] == before[f"{rel}.bak"]
    with open_store(root) as store:
        assert store.get(ids["ann"]).name == "Ann Archer"


def test_restore_refuses_a_damaged_backup_and_changes_nothing(db, doctor_cli):
    root, ids = db
    rel = contact_file(ids["ann"])
    (root / rel).write_bytes(b"")
    (root / f"{rel}.bak").write_bytes(b"[]")
    before = snapshot(root)
    code, out, _ = doctor_cli(root, "--restore")
    assert code == 1
    assert f"its backup {rel}.bak is damaged too (the top level is not a JSON object)" in out
    assert snapshot(root) == before


def test_restore_without_a_backup_says_so(db):
    root, _ = db
    (root / "referrals.json.bak").unlink()
    (root / "referrals.json").write_bytes(b"\x00\x00")
    report = doctor.restore(root)
    assert "there is no backup of it" in errors_in(report)["referrals.json"]
    assert report.actions == []


def test_two_restores_in_one_second_keep_both_damaged_files(db):
    root, ids = db
    rel = contact_file(ids["ann"])
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    for damage in (b"{1", b"{2"):
        (root / rel).write_bytes(damage)
        os.link(root / f"{rel}.bak", root / "keep.tmp")  # restore leaves the .bak itself alone
        doctor.restore(root, now=now)
        os.unlink(root / "keep.tmp")
    kept = sorted(p.read_bytes() for p in root.glob(f"{rel}.corrupt-*"))
    assert kept == [b"{1", b"{2"]


def test_file_names_are_printed_escaped(db, doctor_cli):
    root, _ = db
    (root / "contacts/\x1b[2J.json").write_text("{}")
    code, out, _ = doctor_cli(root)
    assert code == 1
    assert "\x1b" not in out and "contacts/\\x1b[2J.json" in out


def test_the_doctor_waits_for_a_writer_instead_of_reading_half_a_save(db):
    import fcntl

    root, _ = db
    fd = os.open(root / ".lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a writer in the middle of a commit
    import threading

    result: list[doctor.Report] = []
    reader = threading.Thread(target=lambda: result.append(doctor.check(root)))
    reader.start()
    reader.join(0.3)
    assert reader.is_alive(), "the doctor read while a writer held the lock"
    os.close(fd)
    reader.join(5)
    assert result and result[0].healthy


def test_an_unreadable_file_is_an_error_not_a_crash(db):
    root, _ = db
    free = next(
        f"contacts/{n:02d}.json"
        for n in range(32)
        if not (root / f"contacts/{n:02d}.json").exists()
    )
    (root / free).mkdir()  # root reads anything, but a folder cannot be read as a file
    assert "cannot be read (Is a directory)" in errors_in(doctor.check(root))[free]
