"""Issue 17.3: a date near 9999-12-31 once poisoned the database (every due date overflowed).

Dates are kept inside DATE_RANGE at every door: typed (CLI, TUI forms), imported (CSV, LinkedIn,
netui JSON), written by code (the store checks), and read back from a hand-edited file (the
store refuses it naming the file and record; doctor reports it). No command or the TUI start
may crash on date arithmetic.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bench.faults.helpers import snapshot
from netui.core.config import Settings
from netui.core.db import doctor
from netui.core.db.storage import contact_file
from netui.core.errors import ValidationError
from netui.core.io import ics
from netui.core.model import Contact, Conversation, Referral, Stage
from netui.core.rules import QueueItem, next_action, queue
from tests.conftest import error, ok

FAR = "9999-12-31"
A, B = "a" * 32, "b" * 32


def import_error(result: tuple[int, str, str]) -> str:
    """An import says what failed on its first line, then its usual summary line."""
    code, _, err = result
    assert code != 0 and err.startswith("netui: error: ") and "Traceback" not in err, err
    return err.splitlines()[0]


def files_of(db: Path) -> dict[str, bytes]:
    return snapshot(db) if db.exists() else {}


@pytest.mark.parametrize(
    "args",
    [
        ("add", "Bo", "--met-on", FAR),
        ("add", "Bo", "--met-on", "1066-10-14"),
        ("stage", "Ann", "thanked", "--on", FAR),
        ("log", "Ann", "--note", "hi", "--on", FAR),
        ("snooze", "Ann", FAR),
        ("snooze", "Ann", "+300y"),
        ("add", "Bo", "--met-on", "2201-01-01"),
    ],
)
def test_every_typed_date_is_checked_and_nothing_changes(cli, tmp_path, args):
    ok(cli("add", "Ann", "--met-on", "2026-01-02"))
    before = files_of(tmp_path / "db")
    assert "out of range" in error(cli(*args))
    assert files_of(tmp_path / "db") == before


def test_the_range_ends_are_accepted(cli):
    ok(cli("add", "Old", "--met-on", "1900-01-01"))
    ok(cli("add", "Far", "--met-on", "2200-12-31"))
    for command in ("list", "queue", "stats", "review"):
        ok(cli(command))


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("people.csv", f"Name,Met on\nAnn,2026-01-02\nBo,{FAR}\n", "line 3"),
        (
            "Connections.csv",
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            "Bo,Far,,,,,31 Dec 9999\n",
            "line 2",
        ),
    ],
)
def test_imported_dates_are_checked_naming_the_line(cli, tmp_path, name, text, where):
    """Out of range: the date is left out and the line reported (the rest of the row lands,
    as with any unreadable value); `--strict` refuses the file instead."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    message = import_error(cli("import", "--strict", str(path)))
    assert where in message and "out of range" in message
    assert ok(cli("list", "--json")).strip() == "[]"
    report = ok(cli("import", str(path)))
    assert f"mended {where}: date 9999-12-31 is out of range" in report
    met = [c["met_on"] for c in json.loads(ok(cli("list", "--json")))]
    assert "9999-12-31" not in met and all(d is None or d < "2200" for d in met)


@pytest.mark.parametrize(
    ("kind", "record"),
    [
        ("contacts", {"id": "a" * 32, "name": "Bo", "met_on": FAR}),
        ("contacts", {"id": A, "name": "Bo", "stage_history": [{"stage": "met", "on": FAR}]}),
        ("conversations", {"id": "c" * 32, "contact_id": "b" * 32, "on": FAR}),
        ("referrals", {"id": "d" * 32, "referrer_id": B, "referred_id": B, "on": FAR}),
    ],
)
def test_a_netui_json_archive_with_an_absurd_date_is_refused(cli, tmp_path, kind, record):
    archive = {
        "format": "netui",
        "version": 1,
        "contacts": [{"id": "b" * 32, "name": "Ann"}],
        "conversations": [],
        "referrals": [],
    }
    archive[kind] = [*archive[kind], record]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(archive), encoding="utf-8")
    assert "out of range" in import_error(cli("import", str(path)))
    assert ok(cli("list", "--json")).strip() == "[]"


def hand_edit_met_on(db: Path, contact_id: str, value: str) -> str:
    rel = contact_file(contact_id)
    path = db / rel
    data = json.loads(path.read_bytes())
    data["contacts"][contact_id]["met_on"] = value
    path.write_text(json.dumps(data), encoding="utf-8")
    return rel


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("list", "--json"),
        ("queue",),
        ("stats",),
        ("review",),
        ("export", "-", "--format", "ics"),
        ("show", "Ann"),
    ],
)
def test_a_hand_edited_date_is_one_line_naming_file_and_record(cli, tmp_path, command):
    cid = ok(cli("add", "Ann", "--met-on", "2026-01-02")).strip()
    rel = hand_edit_met_on(tmp_path / "db", cid, FAR)
    message = error(cli(*command))
    assert rel in message and cid in message and "out of range" in message


def test_doctor_reports_the_field_and_record(cli, tmp_path):
    cid = ok(cli("add", "Ann", "--met-on", "2026-01-02")).strip()
    rel = hand_edit_met_on(tmp_path / "db", cid, FAR)
    report = doctor.check(tmp_path / "db")
    (finding,) = report.errors
    assert finding.file == rel and cid in finding.message and f"met_on {FAR}" in finding.message


def test_the_tui_does_not_start_on_a_refused_record(cli, tmp_path, monkeypatch):
    cid = ok(cli("add", "Ann", "--met-on", "2026-01-02")).strip()
    hand_edit_met_on(tmp_path / "db", cid, FAR)

    def never(*args, **kwargs):
        raise AssertionError("the TUI started on a database it cannot show")

    monkeypatch.setattr("netui.tui.app.make_app", never)
    assert cid in error(cli())


def test_the_store_refuses_dates_built_in_code(store):
    ann = store.add_contact(Contact(name="Ann", met_on=date(2026, 1, 2)))
    far = date(9999, 12, 31)
    with pytest.raises(ValidationError, match="out of range"):
        store.add_contact(Contact(name="Bo", met_on=far))
    with pytest.raises(ValidationError):
        store.set_stage(ann.id, Stage.THANKED, on=far)
    with pytest.raises(ValidationError):
        store.set_stage_date(ann.id, Stage.MET, date(1800, 1, 1))
    with pytest.raises(ValidationError):
        store.snooze(ann.id, far)
    with pytest.raises(ValidationError):
        store.log(Conversation(contact_id=ann.id, on=far))
    with pytest.raises(ValidationError):
        store.update_contact(ann.id, follow_up_on=FAR)
    bo = store.add_contact(Contact(name="Bo"))
    with pytest.raises(ValidationError):
        store.add_referral(Referral(referrer_id=ann.id, referred_id=bo.id, on=far))
    assert store.get(ann.id).stage is Stage.MET and store.get(ann.id).follow_up_on is None


def test_due_dates_never_overflow_whatever_a_record_holds(frozen_today):
    """Records built in memory skip every check: the rules and the ICS export still answer."""
    settings = Settings(thank_you_days=3650, call_days=3650, coffee_days=3650)
    far = date(9999, 12, 31)
    contacts = {
        "a": Contact(name="Met", id="a", met_on=far),
        "b": Contact(name="Coffee", id="b", stage=Stage.COFFEE, met_on=far, cadence_days=3650),
        "c": Contact(name="Early", id="c", met_on=date.min),
    }
    for contact in contacts.values():
        assert next_action(contact, settings, frozen_today) is not None
    items = queue(contacts, settings, far, horizon_days=10**6)
    ref = Referral(referrer_id="a", referred_id="b", on=far)
    items += queue(contacts, settings, frozen_today, referrals=[ref])
    far_item = QueueItem(contacts["a"], "Call", date.max, overdue=False)
    assert "BEGIN:VEVENT" in ics.write_ics([*items, far_item], frozen_today)
