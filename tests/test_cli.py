"""The command line through its real entry point: every command, every error."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import error, ok


def test_the_issue_walkthrough(cli):
    cid = ok(
        cli(
            "add",
            "Dana Kim",
            "--company",
            "Pine & Oak Legal",
            "--met-at",
            "Chamber mixer",
            "--note",
            "wants estate-planning referrals",
        )
    ).strip()
    assert len(cid) == 32
    assert "Logged email with Dana Kim" in ok(
        cli("log", "Dana Kim", "--channel", "email", "--note", "Sent thank-you; sailing trip")
    )
    assert "met → thanked" in ok(cli("stage", "Dana Kim", "thanked"))
    assert ok(cli("queue")) == "Nothing due. Nice.\n"
    queue = json.loads(ok(cli("queue", "--on", "+7d", "--json")))
    assert queue == [
        {
            "contact_id": cid,
            "name": "Dana Kim",
            "action": "Call",
            "due": "2026-12-01",
            "overdue": False,
            "cold": False,
        }
    ]


def test_show_json_has_the_contract_keys(cli):
    cid = ok(
        cli(
            "add",
            "Dana",
            "--email",
            "d@x.com",
            "--phone",
            "555",
            "--tag",
            "law",
            "--met-on",
            "yesterday",
            "--mention",
            "sailing",
            "--note",
            "hello",
        )
    ).strip()
    ok(
        cli(
            "log",
            "Dana",
            "--note",
            "call",
            "--channel",
            "call",
            "--recommended",
            "a book",
            "--observations",
            "busy",
            "--did",
            "bought it",
            "--on",
            "today",
        )
    )
    data = json.loads(ok(cli("show", cid, "--json")))
    for key in (
        "id",
        "name",
        "company",
        "title",
        "emails",
        "phones",
        "tags",
        "stage",
        "archived",
        "met_at",
        "met_on",
        "mention",
        "referred_by",
        "next_action",
        "next_due",
        "stage_history",
        "conversations",
    ):
        assert key in data, key
    assert data["met_on"] == "2026-11-23" and data["next_due"] == "2026-11-24"
    assert data["stage_history"] == [{"stage": "met", "on": "2026-11-23"}]
    newest = data["conversations"][0]
    assert {k: newest[k] for k in ("channel", "note", "recommended", "observations", "did")} == {
        "channel": "call",
        "note": "call",
        "recommended": "a book",
        "observations": "busy",
        "did": "bought it",
    }
    assert set(newest) >= {"id", "on"}


def test_list_filters_and_json(cli):
    ok(cli("add", "Ann", "--tag", "law"))
    ok(cli("add", "Bob"))
    ok(cli("stage", "Bob", "called"))
    ok(cli("add", "Cy"))
    ok(cli("archive", "Cy"))
    assert [c["name"] for c in json.loads(ok(cli("list", "--json")))] == ["Ann", "Bob"]
    assert [c["name"] for c in json.loads(ok(cli("list", "--tag", "LAW", "--json")))] == ["Ann"]
    assert [c["name"] for c in json.loads(ok(cli("list", "--stage", "called", "--json")))] == [
        "Bob"
    ]
    archived = json.loads(ok(cli("list", "--archived", "--json")))
    assert [(c["name"], c["archived"], c["next_due"]) for c in archived] == [("Cy", True, None)]
    ok(cli("unarchive", "Cy"))
    assert "Cy" in ok(cli("list"))


def test_text_output_fits_80_columns_and_escapes_control_characters(cli):
    ok(cli("add", "Evil \x1b[31mRed\x1b[0m " + "x" * 100, "--company", "[bold]Co[/]"))
    out = ok(cli("list"))
    assert "\x1b" not in out and "\\x1b[31m" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    shown = ok(cli("show", "evil"))
    assert "\x1b" not in shown and "[bold]Co[/]" in shown


def test_log_reads_the_note_from_stdin(cli):
    ok(cli("add", "Dana"))
    ok(cli("log", "Dana", stdin="from a pipe\nsecond line\n"))
    data = json.loads(ok(cli("show", "Dana", "--json")))
    assert data["conversations"][0]["note"] == "from a pipe\nsecond line"


def test_snooze_and_undo(cli):
    ok(cli("add", "Dana"))
    assert "due in 1 week" in ok(cli("snooze", "Dana", "+7d"))
    assert "Undid: Snooze Dana" in ok(cli("undo"))
    assert "Undid: Add Dana" in ok(cli("undo"))
    assert "nothing to undo" in error(cli("undo"))


@pytest.mark.parametrize(
    "args, message",
    [
        (("add", "   "), "cannot be blank"),
        (("add", "X", "--met-on", "2026-02-30"), "invalid date '2026-02-30'"),
        (("stage", "Dana", "married"), "unknown stage 'married'"),
        (("log", "Dana", "--channel", "pigeon", "--note", "x"), "unknown channel 'pigeon'"),
        (("log", "Nobody", "--note", "x"), "no contact matches 'Nobody'"),
        (("log", "Dan", "--note", "x"), "matches 2 contacts"),
        (("log", "Dana", "--note", "  "), "conversation is empty"),
        (("queue", "--on", "someday"), "invalid date"),
        (("add", "X", "--referred-by", "ghost"), "no contact matches 'ghost'"),
        (("snooze", "Dana"), "give a DATE"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(cli, tmp_path, args, message):
    ok(cli("add", "Dana"))
    ok(cli("add", "Danny"))
    before = {p: p.read_bytes() for p in (tmp_path / "db").rglob("*.json")}
    assert message in error(cli(*args))
    assert {p: p.read_bytes() for p in (tmp_path / "db").rglob("*.json")} == before


def test_an_unreadable_database_is_one_line(cli, tmp_path):
    ok(cli("add", "Dana"))
    shard = next((tmp_path / "db" / "contacts").glob("*.json"))
    shard.write_text("{torn")
    err = error(cli("list"))
    assert str(shard) in err and "not valid JSON" in err


def test_the_installed_entry_point_and_python_m(tmp_path):
    env = {**os.environ, "NETUI_DB": str(tmp_path / "db")}
    run = subprocess.run(
        [sys.executable, "-m", "netui", "add", "Zoë"], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0 and len(run.stdout.strip()) == 32
    listed = subprocess.run(
        [sys.executable, "-m", "netui", "list", "--json"], capture_output=True, text=True, env=env
    )
    assert json.loads(listed.stdout)[0]["name"] == "Zoë"
    version = subprocess.run(
        [sys.executable, "-m", "netui", "--version"], capture_output=True, text=True
    )
    assert version.stdout.startswith("netui ")
    bad = subprocess.run(
        [sys.executable, "-m", "netui", "--db", "/dev/null", "list"], capture_output=True, text=True
    )
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1


def test_the_cli_formats_match_the_cores_and_heavy_libraries_load_only_when_used():
    from netui.cli import io_cmds
    from netui.core.io.export import EXPORT_FORMATS
    from netui.core.io.reader import IMPORT_FORMATS

    assert io_cmds.IMPORT_FORMATS == IMPORT_FORMATS
    assert io_cmds.EXPORT_FORMATS == EXPORT_FORMATS
    heavy = "('vobject', 'icalendar', 'textual', 'pendulum')"
    probe = f"import sys, netui.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]", loaded.stderr


def test_namesakes_are_told_apart_by_company_in_one_line(cli):
    ok(cli("add", "Olivia Walsh", "--company", "Juniper Bank"))
    ok(cli("add", "Olivia Walsh", "--company", "Oak\nSummit"))
    message = error(cli("log", "Olivia Walsh", "--note", "x"))
    assert "matches 2 contacts" in message and "(name one by the id shown)" in message
    assert ", Juniper Bank)" in message and ", Oak Summit)" in message  # error(): one line
