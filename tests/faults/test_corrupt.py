"""Corrupt or hand-edited files: refused with a message naming the file and its backup,
nothing overwritten, one line from the CLI, found by `netui doctor`, mended by `--restore`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.faults.helpers import D, open_store, populate, snapshot, state
from netui.cli import main
from netui.core.db import doctor
from netui.core.db.storage import SCHEMA_VERSION, contact_file
from netui.core.errors import StorageError
from netui.core.model import Contact
from tests.conftest import error


def edit(change: Callable[[dict, dict[str, str]], None]) -> Callable[[bytes, dict], bytes]:
    def mutate(raw: bytes, ids: dict[str, str]) -> bytes:
        data = json.loads(raw)
        change(data, ids)
        return json.dumps(data).encode()

    return mutate


def set_ann(field: str, value: object) -> Callable[[bytes, dict], bytes]:
    return edit(lambda data, ids: data["contacts"][ids["ann"]].__setitem__(field, value))


@dataclass(frozen=True)
class Case:
    file: str  # "ann" = Ann's contact shard, else a relative path
    mutate: Callable[[bytes, dict[str, str]], bytes]
    restorable: bool = True  # a good .bak exists and --restore brings it back


CASES = {
    "truncated JSON": Case("ann", lambda raw, ids: raw[: len(raw) // 2]),
    "empty file": Case("ann", lambda raw, ids: b""),
    "only white space": Case("ann", lambda raw, ids: b" \n\t\n"),
    "not UTF-8": Case("ann", lambda raw, ids: raw.replace(b"Ann", b"\xff\xfe")),
    "top level is a list": Case("ann", lambda raw, ids: b"[]"),
    "missing table": Case("ann", lambda raw, ids: b"{}"),
    "TinyDB's default table instead": Case(
        "ann", edit(lambda d, i: d.update(_default=d.pop("contacts")))
    ),
    "an extra table": Case("ann", edit(lambda d, i: d.update(other={}))),
    "table is a list": Case("ann", edit(lambda d, i: d.update(contacts=[]))),
    "record is a number": Case("ann", edit(lambda d, i: d["contacts"].update({i["ann"]: 5}))),
    "record carries another id": Case("ann", set_ann("id", "someone-else")),
    "unknown stage": Case("ann", set_ann("stage", "boss")),
    "impossible date": Case("ann", set_ann("met_on", "2026-02-30")),
    "stage history not a list of steps": Case("ann", set_ann("stage_history", [1, 2])),
    "tags is a number": Case("ann", set_ann("tags", 7)),
    "referrals truncated": Case("referrals.json", lambda raw, ids: raw[:-3]),
    "undo truncated": Case("undo.json", lambda raw, ids: raw[: len(raw) // 3]),
    "diary month truncated": Case("conversations/2026-03.json", lambda raw, ids: raw[:-1]),
    "diary entry without a date": Case(
        "conversations/2026-03.json",
        edit(lambda d, i: d["conversations"][i["conversation"]].update(on=None, channel="fax")),
    ),
    "meta truncated": Case("meta.json", lambda raw, ids: raw[:-2], restorable=False),
    "meta without a schema version": Case(
        "meta.json", lambda raw, ids: b'{"meta": {"schema": {}}}', restorable=False
    ),
}


@pytest.fixture
def db(tmp_path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "db"
    return root, populate(root)


def target(case: Case, ids: dict[str, str]) -> str:
    return contact_file(ids["ann"]) if case.file == "ann" else case.file


def open_and_read(root: Path) -> None:
    """What any use of the store does: open it and read everything (the diary is lazy)."""
    with open_store(root) as store:
        store.load_conversations()


def run_cli(root: Path, *args: str, capsys) -> tuple[int, str, str]:
    code = main(["--db", str(root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("name", CASES)
def test_a_damaged_file_is_refused_reported_and_restorable(name, db, capsys):
    root, ids = db
    case = CASES[name]
    rel = target(case, ids)
    path = root / rel
    damaged = case.mutate(path.read_bytes(), ids)
    path.write_bytes(damaged)
    before = snapshot(root)

    with pytest.raises(StorageError) as caught:
        open_and_read(root)
    message = str(caught.value)
    assert str(path) in message, message
    if case.restorable:
        assert f"{path}.bak" in message, message
    assert snapshot(root) == before, "opening a damaged database changed its files"

    code, out, _ = run_cli(root, "doctor", capsys=capsys)
    assert code == 1
    assert f"ERROR   {rel}:" in out, out
    assert snapshot(root) == before, "doctor without --restore changed the files"

    report = doctor.restore(root)
    assert report.healthy, report.findings
    if case.restorable:
        assert path.read_bytes() == (root / f"{rel}.bak").read_bytes()
    (aside,) = path.parent.glob(f"{path.name}.corrupt-*")
    assert aside.read_bytes() == damaged
    open_and_read(root)


RECORD_LEVEL = {
    "unknown stage",
    "impossible date",
    "stage history not a list of steps",
    "tags is a number",
}


@pytest.mark.parametrize("name", [pytest.param(n) if n in RECORD_LEVEL else n for n in CASES])
def test_the_cli_refuses_a_damaged_file_in_one_line_and_writes_nothing(name, db, capsys):
    root, ids = db
    case = CASES[name]
    path = root / target(case, ids)
    path.write_bytes(case.mutate(path.read_bytes(), ids))
    before = snapshot(root)
    err = error(run_cli(root, "show", "Ann Archer", capsys=capsys))
    assert str(path) in err
    assert snapshot(root) == before


def state_of(root: Path) -> dict[str, object]:
    with open_store(root) as store:
        return state(store)


def test_a_future_schema_is_refused_and_the_doctor_leaves_it_alone(db, capsys):
    root, _ = db
    meta = root / "meta.json"
    meta.write_text(json.dumps({"meta": {"schema": {"schema_version": SCHEMA_VERSION + 1}}}))
    before = snapshot(root)
    with pytest.raises(StorageError, match="newer netui"):
        open_store(root)
    err = error(run_cli(root, "list", capsys=capsys))
    assert "upgrade netui" in err
    code, out, _ = run_cli(root, "doctor", "--restore", capsys=capsys)
    assert code == 1 and "upgrade netui" in out
    assert snapshot(root) == before


def test_missing_meta_with_data_present_is_refused_and_rebuilt_by_the_doctor(db, capsys):
    root, _ = db
    good = state_of(root)
    (root / "meta.json").unlink()
    before = snapshot(root)
    with pytest.raises(StorageError, match=r"meta\.json is missing"):
        open_store(root)
    error(run_cli(root, "list", capsys=capsys))
    assert snapshot(root) == before
    code, out, _ = run_cli(root, "doctor", "--restore", capsys=capsys)
    assert code == 0, out
    assert "wrote a new meta.json" in out
    assert state_of(root) == good


def test_the_doctor_does_not_rebuild_meta_while_another_file_is_beyond_repair(db, capsys):
    root, ids = db
    (root / "meta.json").unlink()
    shard = root / contact_file(ids["ann"])
    shard.write_bytes(b"{")
    (root / f"{contact_file(ids['ann'])}.bak").write_bytes(b"")
    before = snapshot(root)
    code, out, _ = run_cli(root, "doctor", "--restore", capsys=capsys)
    assert code == 1
    assert "is damaged too" in out
    assert snapshot(root) == before


def same_shard_id(rel: str) -> str:
    """A new contact id that lands in the shard `rel`."""
    return next(f"new{i}" for i in range(10_000) if contact_file(f"new{i}") == rel)


WRITES_INTO_DAMAGE = {
    "add into a truncated shard": ("ann", CASES["truncated JSON"].mutate, "add"),
    "add into a shard with a table missing": ("ann", CASES["missing table"].mutate, "add"),
    "log into a truncated diary month": ("diary", CASES["diary month truncated"].mutate, "log"),
    "add into a shard with an invalid record": pytest.param(
        "ann", CASES["unknown stage"].mutate, "add"
    ),
    "log into a diary month with an invalid record": pytest.param(
        "diary", CASES["diary entry without a date"].mutate, "log"
    ),
}


@pytest.mark.parametrize(
    ("where", "mutate", "write"), WRITES_INTO_DAMAGE.values(), ids=list(WRITES_INTO_DAMAGE)
)
def test_a_write_into_a_damaged_file_is_refused_and_keeps_its_good_backup(
    where, mutate, write, db, capsys
):
    """The CLI opens lazily (it reads only the file it writes): that file must be checked too."""
    root, ids = db
    rel = contact_file(ids["ann"]) if where == "ann" else "conversations/2026-03.json"
    path = root / rel
    path.write_bytes(mutate(path.read_bytes(), ids))
    before = snapshot(root)
    if write == "add":  # as `netui add` does it, with an id that lands in the damaged shard
        with open_store(root, lazy=True) as store, pytest.raises(StorageError, match=str(path)):
            store.add_contact(Contact(name="Zed", id=same_shard_id(rel), met_on=D))
    else:
        log = ["log", ids["bob"], "--note", "x", "--on", "2026-03-12"]
        error(run_cli(root, *log, capsys=capsys))
    assert snapshot(root) == before, "the write went through, and the good backup is gone"


@pytest.mark.parametrize(
    "entry",
    [{"abc": {"description": "x", "changes": []}}, {"000000099": {"changes": []}}],
    ids=["key not a number", "no description"],
)
def test_a_hand_edited_undo_log_is_refused_at_open(db, entry):
    root, _ = db
    path = root / "undo.json"
    data = json.loads(path.read_bytes())
    data["undo"].update(entry)
    path.write_text(json.dumps(data))
    with pytest.raises(StorageError, match=r"undo\.json"), open_store(root) as store:
        store.undo_description  # noqa: B018 - what the TUI shows in its status line
        store.set_stage(next(iter(store.contacts_by_id)), "coffee", D)
