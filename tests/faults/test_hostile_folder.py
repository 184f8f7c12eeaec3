"""A folder someone else wrote: a forged journal, a user's own files, links, odd names.

A database folder may be shared, synced or unpacked from an archive, and `--db` may be a typo
for someone's documents: opening it must never move, overwrite or delete anything that is not
netui's own, and every refusal is one line (a StorageError), never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.faults.helpers import populate, snapshot
from netui.cli import main
from netui.core.config import Settings
from netui.core.db import doctor
from netui.core.db.storage import JOURNAL, TMP_MARK, Database, contact_file
from netui.core.db.store import Store
from netui.core.errors import NotADatabase, StorageError
from netui.core.model import Contact


@pytest.fixture
def root(tmp_path) -> Path:
    root = tmp_path / "db"
    populate(root)
    return root


def forge(root: Path, renames: object) -> None:
    (root / JOURNAL).write_text(json.dumps({"renames": renames}))


def files_outside(tmp_path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(tmp_path)): p.read_bytes()
        for p in tmp_path.rglob("*")
        if p.is_file() and not p.is_relative_to(tmp_path / "db")
    }


def test_a_journal_cannot_overwrite_a_file_outside_the_database(root, tmp_path):
    victim = tmp_path / "victim" / "authorized_keys"
    victim.parent.mkdir()
    victim.write_text("ssh-ed25519 mine")
    (root / f"undo.json{TMP_MARK}1").write_text("ssh-ed25519 attacker")
    forge(root, [[f"undo.json{TMP_MARK}1", "../victim/authorized_keys"]])
    before = snapshot(root)
    with pytest.raises(StorageError, match="not a journal netui wrote"):
        Store.open(root, settings=Settings())
    assert victim.read_text() == "ssh-ed25519 mine"
    assert snapshot(root) == before  # nothing moved, the journal is still there to look at


def test_a_journal_cannot_pull_a_file_into_the_database(root, tmp_path):
    secret = tmp_path / "home" / ".ssh" / "id_rsa"
    secret.parent.mkdir(parents=True)
    secret.write_text("PRIVATE KEY")
    forge(root, [[str(secret), "undo.json"], ["../home/.ssh/id_rsa", "referrals.json"]])
    with pytest.raises(StorageError, match="not a journal netui wrote"):
        Store.open(root, settings=Settings())
    assert secret.read_text() == "PRIVATE KEY"


def test_one_bad_rename_stops_every_rename_of_the_journal(root):
    """Checked before anything moves: a good first entry is not applied either."""
    shard = contact_file("x")
    (root / f"{shard}{TMP_MARK}7").write_text('{"contacts": {}}')
    forge(root, [[f"{shard}{TMP_MARK}7", shard], ["/etc/passwd", "undo.json"]])
    before = snapshot(root)
    with pytest.raises(StorageError):
        Store.open(root, settings=Settings())
    assert snapshot(root) == before


def test_a_journal_through_a_linked_folder_is_refused(root, tmp_path):
    """contacts/ swapped for a link to elsewhere: a rename there would land outside."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "05.json").write_text("theirs")
    (elsewhere / f"05.json{TMP_MARK}3").write_text('{"contacts": {}}')
    os.rename(root / "contacts", tmp_path / "real-contacts")
    (root / "contacts").symlink_to(elsewhere)
    forge(root, [[f"contacts/05.json{TMP_MARK}3", "contacts/05.json"]])
    with pytest.raises(StorageError, match="not a plain folder"):
        Database.open(root)
    assert (elsewhere / "05.json").read_text() == "theirs"


def test_a_journal_onto_a_link_is_refused(root, tmp_path):
    target = tmp_path / "target"
    target.write_text("theirs")
    (root / "referrals.json").unlink()
    (root / "referrals.json").symlink_to(target)
    (root / f"referrals.json{TMP_MARK}9").write_text('{"referrals": {}}')
    forge(root, [[f"referrals.json{TMP_MARK}9", "referrals.json"]])
    with pytest.raises(StorageError, match="not a plain file"):
        Database.open(root)
    assert target.read_text() == "theirs"


@pytest.mark.parametrize(
    "journal",
    [
        b"[[1,2]]",
        b'{"renames": [[1, 2]]}',
        b'{"renames": "undo.json"}',
        b'{"renames": [["a"]]}',
        b'{"renames": [["undo.json.tmp-1", "undo.json", "x"]]}',
        b'{"renames": {"a": "b"}}',
        b"5",
        b"null",
        b'{"renames": [["undo.json.tmp-1", "undo.json"]]}' + b" " * (2 << 20),
    ],
    ids=lambda j: j[:30].decode(),
)
def test_a_malformed_journal_is_one_line_not_a_traceback(root, journal, capsys):
    (root / JOURNAL).write_bytes(journal)
    assert main(["--db", str(root), "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("netui: error: ") and err.count("\n") == 1
    assert JOURNAL in err


def test_a_journal_that_is_a_link_is_refused(root, tmp_path):
    real = tmp_path / "j.json"
    real.write_text('{"renames": []}')
    (root / JOURNAL).symlink_to(real)
    with pytest.raises(StorageError, match="not a plain file"):
        Database.open(root)


def test_netuis_own_interrupted_commit_is_still_finished(root):
    """The refusal must not cost the crash recovery it guards."""
    shard = contact_file("x")
    doc = {"id": "x", "name": "Replayed"}
    (root / f"{shard}{TMP_MARK}12345").write_text(json.dumps({"contacts": {"x": doc}}))
    forge(root, [[f"{shard}{TMP_MARK}12345", shard]])
    with Store.open(root, settings=Settings()) as store:
        assert store.get("x").name == "Replayed"
    assert not (root / JOURNAL).exists()


_NAMES = st.sampled_from(
    [
        "undo.json",
        "meta.json",
        "contacts/05.json",
        "conversations/2026-03.json",
        "../x",
        "/etc/passwd",
        "contacts/../../x",
        "contacts/05.json.bak",
        ".lock",
        "journal.json",
        "cache/search/x",
        "",
        ".",
        "undo.json.tmp-",
        "undo.json.tmp-1",
        "undo.json.tmp-99/../../x",
        "contacts/05.json.tmp-7",
        "undo.json.tmp-1e3",
        "undo.json.tmp-١٢",
    ]
)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("template") / "db"
    populate(root)
    return root


@pytest.mark.slow
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=st.lists(st.lists(_NAMES, min_size=2, max_size=2), min_size=1, max_size=3))
def test_a_replay_only_ever_renames_a_temp_onto_its_own_data_file(
    template, tmp_path_factory, pairs
):
    """Whatever the journal says, nothing outside the folder changes and no rename is foreign."""
    base = tmp_path_factory.mktemp("j")
    root = base / "db"
    shutil.copytree(template, root)
    (base / "x").write_text("outside")
    for src, _ in pairs:
        path = root / src
        if src and not src.startswith("/") and ".." not in src and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text('{"undo": {}}')
    forge(root, pairs)
    data_files = ("undo.json", "meta.json", "contacts/05.json", "conversations/2026-03.json")
    own = all(
        dst in data_files and src[len(dst) :] in (f"{TMP_MARK}1", f"{TMP_MARK}7")
        for src, dst in pairs
    )
    try:
        Database.open(root).close()
        opened = True
    except StorageError:
        opened = False
    assert (base / "x").read_text() == "outside"
    if not own:
        assert not opened


# -- a folder that is not (yet) a database -------------------------------------------------------


def test_a_users_folder_is_refused_and_nothing_in_it_changes(tmp_path, capsys):
    docs = tmp_path / "Documents"
    docs.mkdir()
    (docs / "letter.txt").write_text("dear")
    (docs / "draft.tmp-1").write_text("mine")
    (docs / "build.tmp-x").mkdir()
    (docs / "undo.json.tmp-5").write_text("mine too")
    before, names = snapshot(docs), sorted(p.name for p in docs.iterdir())
    for command in (["list"], ["add", "Ann"], ["queue"], ["export", "-", "--format", "json"]):
        assert main(["--db", str(docs), *command]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(docs) in err and "netui init" in err
    assert snapshot(docs) == before
    assert sorted(p.name for p in docs.iterdir()) == names  # not even a .lock


def test_store_open_refuses_a_foreign_folder_with_a_typed_error(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(NotADatabase, match="netui init"):
        Store.open(tmp_path, settings=Settings())


def test_a_missing_or_empty_folder_is_still_created_silently(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for root in (empty, tmp_path / "missing" / "db"):
        with Store.open(root, settings=Settings()) as store:
            assert store.contacts() == []
        assert (root / "meta.json").is_file()


def test_only_netuis_exact_temporaries_are_cleaned_up(root):
    keep = {
        "build.tmp-x": None,  # a folder
        "notes.tmp-1": b"user",
        "undo.json.tmp-abc": b"user",
        "contacts/mine.tmp-3": b"user",
        "contacts/05.json.tmp-": b"user",
    }
    for rel, data in keep.items():
        if data is None:
            (root / rel).mkdir()
            (root / rel / "inside.txt").write_text("x")
        else:
            (root / rel).write_bytes(data)
    ours = [f"undo.json{TMP_MARK}4242", f"contacts/05.json{TMP_MARK}4242", f"{JOURNAL}{TMP_MARK}1"]
    for rel in ours:
        (root / rel).write_text("{")
    target = root.parent / "linked"
    target.write_text("theirs")
    (root / f"referrals.json{TMP_MARK}77").symlink_to(target)
    with Store.open(root, settings=Settings()):
        pass
    for rel in keep:
        assert (root / rel).exists(), rel
    assert (root / "build.tmp-x" / "inside.txt").exists()
    for rel in ours:
        assert not (root / rel).exists(), rel
    assert target.read_text() == "theirs"  # a link is never netui's temporary


def test_a_database_named_like_a_temporary_opens(tmp_path):
    root = tmp_path / "build.tmp-x"
    with Store.open(root, settings=Settings()) as store:
        store.add_contact(Contact("Ann"))
    with Store.open(root, settings=Settings()) as store:
        assert [c.name for c in store.contacts()] == ["Ann"]


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_parent_folders_made_for_a_nested_db_are_private(tmp_path, umask):
    old = os.umask(umask)
    try:
        Database.open(tmp_path / "a" / "b" / "db").close()
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "db"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder


def test_the_doctor_reports_a_forged_journal_as_an_error_and_moves_nothing(root, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("mine")
    forge(root, [[f"undo.json{TMP_MARK}1", "../victim"]])
    before = snapshot(root)
    for report in (doctor.check(root), doctor.restore(root)):
        found = {f.file: f.message for f in report.errors}
        assert "netui refuses to replay it" in found[JOURNAL]
    assert victim.read_text() == "mine"
    assert snapshot(root) == before
