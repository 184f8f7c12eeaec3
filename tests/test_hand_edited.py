"""Issue 17.8: a record hand-edited into a wrong shape is one line naming the file and record,
for every reader (list, dupes, queue, stats...), and doctor finds it; nested JSON is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netui.core.db import doctor
from netui.core.db.storage import contact_file, conversation_file
from tests.conftest import error, ok

READERS = [
    ("list",),
    ("list", "--json"),
    ("dupes",),
    ("queue", "--json"),
    ("stats", "--json"),
    ("show", "Ann", "--json"),
    ("search", "ann"),
    ("export", "-", "--format", "json"),
]


def add_ann(cli) -> str:
    cid = ok(cli("add", "Ann Lee", "--met-on", "2026-01-02", "--company", "Acme")).strip()
    ok(cli("add", "Ann Lea", "--company", "Acme"))  # a likely duplicate, so dupes compares
    ok(cli("log", "Ann Lee", "--note", "coffee chat", "--on", "2026-01-03"))
    return cid


def hand_edit(path: Path, kind: str, record_id: str, key: str, value: object) -> None:
    data = json.loads(path.read_bytes())
    data[kind][record_id][key] = value
    path.write_text(json.dumps(data), encoding="utf-8")  # ensure_ascii: "\udcff" stays escaped


def outcome(result: tuple[int, str, str]) -> str:
    """Fine (exit 0) or one line on stderr: never a traceback."""
    code, out, err = result
    if code != 0:
        error(result)
    else:
        json.loads(out) if out.lstrip().startswith(("[", "{")) else None
    return err


@pytest.mark.parametrize("command", READERS)
@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("created", 5, "created 5 is not a timestamp"),
        ("created", "yesterday", "created 'yesterday' is not a YYYY-MM-DD date"),
        ("updated", [1], "updated [1] is not a timestamp"),
        ("notes", "caf\udce9", "notes holds a lone surrogate"),
        ("tags", ["ok", "\ud800"], "tags holds a lone surrogate"),
        ("cadence_days", 10**12, "cadence_days"),
        ("emails", {"a": 1}, "list of text"),
        ("id", 5, "carries the id 5"),
    ],
)
def test_a_hand_edited_contact_is_one_line_for_every_reader(
    cli, tmp_path, command, key, value, says
):
    cid = add_ann(cli)
    rel = contact_file(cid)
    hand_edit(tmp_path / "db" / rel, "contacts", cid, key, value)
    message = error(cli(*command))
    assert rel in message and cid in message and says in message


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [("created", 5, "created 5"), ("note", "\udcff", "lone surrogate"), ("contact_id", 7, "")],
)
def test_a_hand_edited_diary_entry_is_one_line(cli, tmp_path, key, value, says):
    add_ann(cli)
    path = tmp_path / "db" / conversation_file(__import__("datetime").date(2026, 1, 3))
    (conv_id,) = json.loads(path.read_bytes())["conversations"]
    hand_edit(path, "conversations", conv_id, key, value)
    message = error(cli("show", "Ann Lee"))
    assert conv_id in message and says in message


@pytest.mark.parametrize(
    ("key", "value"), [("created", 5), ("notes", "caf\udce9"), ("met_on", "9999-12-31")]
)
def test_doctor_reports_what_the_store_refuses(cli, tmp_path, key, value):
    cid = add_ann(cli)
    rel = contact_file(cid)
    hand_edit(tmp_path / "db" / rel, "contacts", cid, key, value)
    report = doctor.check(tmp_path / "db")
    assert [f.file for f in report.errors] == [rel]
    assert cid in report.errors[0].message and not report.healthy


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [100_000, 5_000])
def test_deeply_nested_json_imports_are_one_line(cli, tmp_path, depth):
    archive = tmp_path / "deep.json"
    archive.write_text('{"format": "netui", "version": 1, "contacts": ' + nested(depth) + "}")
    code, _, err = cli("import", str(archive))
    assert code != 0 and "nested too deeply" in err and "Traceback" not in err
    forced = tmp_path / "deep.txt"
    forced.write_text(nested(depth))
    code, _, err = cli("import", str(forced), "--format", "json")
    assert code != 0 and err.startswith("netui: error: ") and "Traceback" not in err
    assert ok(cli("list", "--json")).strip() == "[]"


def test_nesting_inside_a_record_is_refused_by_name(cli, tmp_path):
    contact = {"id": "a" * 32, "name": "Ann", "tags": json.loads(nested(900))}
    archive = tmp_path / "x.json"
    archive.write_text(json.dumps({"format": "netui", "version": 1, "contacts": [contact]}))
    code, _, err = cli("import", str(archive))
    assert code != 0 and "contact 1" in err and "Traceback" not in err


def test_a_deeply_nested_shard_is_one_line_and_doctor_says_so(cli, tmp_path):
    cid = add_ann(cli)
    path = tmp_path / "db" / contact_file(cid)
    path.write_text('{"contacts": ' + nested(100_000) + "}")
    assert "nested too deeply" in error(cli("list"))
    report = doctor.check(tmp_path / "db")
    assert any("nested too deeply" in f.message for f in report.errors)


BAD_VALUES = [5, -1, 1e308, True, None, [], {}, "", "x", [[1]], {"a": [1]}, "\udcff", "9999-12-31"]
CONTACT_KEYS = [
    "name", "id", "company", "emails", "phones", "tags", "met_on", "stage", "stage_history",
    "archived", "referred_by", "notes", "cadence_days", "follow_up_on", "last_contact_on",
    "created", "updated",
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("key", CONTACT_KEYS)
def test_any_wrong_value_in_any_field_never_crashes_a_reader(cli, tmp_path, key):
    """The adversarial loop: 17 fields x 13 values x 8 readers, each fine or one line."""
    cid = add_ann(cli)
    path = tmp_path / "db" / contact_file(cid)
    pristine = path.read_bytes()
    for value in BAD_VALUES:
        path.write_bytes(pristine)
        hand_edit(path, "contacts", cid, key, value)
        for command in READERS:
            outcome(cli(*command))
        assert isinstance(doctor.check(tmp_path / "db").healthy, bool)


def test_a_hand_edited_referral_is_one_line_where_referrals_are_read(cli, tmp_path):
    """A command reads referrals.json only when it needs referrals (log and add never do,
    ~2 ms at 10,000 contacts): those that read it refuse a broken record in one line."""
    add_ann(cli)
    ok(cli("refer", "Ann Lee", "Bo Chen"))
    path = tmp_path / "db" / "referrals.json"
    (ref_id,) = json.loads(path.read_bytes())["referrals"]
    hand_edit(path, "referrals", ref_id, "created", 5)
    ok(cli("log", "Ann Lee", "--note", "a call"))
    ok(cli("add", "Cy Dunn", "--quiet"))
    for command in (("queue", "--json"), ("show", "Ann Lee")):
        message = error(cli(*command))
        assert "referrals.json" in message and ref_id in message


def test_a_hand_edited_referral_is_one_line_before_the_tui_starts(cli, tmp_path, monkeypatch):
    import netui.tui.app

    add_ann(cli)
    ok(cli("refer", "Ann Lee", "Bo Chen"))
    path = tmp_path / "db" / "referrals.json"
    (ref_id,) = json.loads(path.read_bytes())["referrals"]
    hand_edit(path, "referrals", ref_id, "created", 5)

    def no_app(*args: object, **kwargs: object) -> None:
        raise AssertionError("the TUI started on a database it should refuse")

    monkeypatch.setattr(netui.tui.app, "make_app", no_app)
    message = error(cli())
    assert "referrals.json" in message and ref_id in message
