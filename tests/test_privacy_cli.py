"""`netui delete`, `netui forget`, `netui log --delete` and doctor's reference repair."""

from __future__ import annotations

import json

from tests.conftest import error, ok


def setup_two(cli):
    ok(cli("add", "Dana Kim", "--email", "dana@kim.example", "--note", "sailing"))
    ok(cli("refer", "Dana", "Gus Hale"))
    return json.loads(ok(cli("show", "Dana", "--json")))


def test_delete_without_a_terminal_or_yes_refuses_and_changes_nothing(cli):
    setup_two(cli)
    assert "add --yes" in error(cli("delete", "Dana"))
    assert json.loads(ok(cli("show", "Dana", "--json")))["name"] == "Dana Kim"


def test_delete_then_undo(cli):
    setup_two(cli)
    out = ok(cli("delete", "Dana", "--yes"))
    assert "Deleted Dana Kim and 1 conversation, 1 referral and 1 link from a contact" in out
    assert "no contact" in error(cli("show", "Dana")).lower()
    gus = json.loads(ok(cli("show", "Gus", "--json")))
    assert gus["referrals"] == [] and gus.get("referred_by") in (None, "")
    ok(cli("undo"))
    dana = json.loads(ok(cli("show", "Dana", "--json")))
    assert dana["emails"] == ["dana@kim.example"] and len(dana["conversations"]) == 1


def test_forget_leaves_nothing_and_says_what_it_cannot_reach(cli, tmp_path):
    setup_two(cli)
    out = ok(cli("forget", "Dana", "--yes"))
    assert "Forgot Dana Kim" in out and "Exports you made" in out
    data = b"".join(p.read_bytes() for p in (tmp_path / "db").rglob("*") if p.is_file())
    assert b"Dana Kim" not in data and b"dana@kim.example" not in data
    assert "Gus Hale" in ok(cli("list"))


def test_log_delete_takes_one_entry_by_the_id_show_prints(cli):
    ok(cli("add", "Dana Kim"))
    ok(cli("log", "Dana", "--note", "wrong person"))
    ok(cli("log", "Dana", "--note", "right person"))
    shown = ok(cli("show", "Dana"))
    convs = json.loads(ok(cli("show", "Dana", "--json")))["conversations"]
    wrong = next(c["id"] for c in convs if c["note"] == "wrong person")
    assert f"[{wrong[:8]}]" in shown
    assert "at least 6" in error(cli("log", "--delete", wrong[:3]))
    assert "entry of" in ok(cli("log", "--delete", wrong[:8]))
    notes = [c["note"] for c in json.loads(ok(cli("show", "Dana", "--json")))["conversations"]]
    assert notes == ["right person"]
    ok(cli("undo"))
    assert len(json.loads(ok(cli("show", "Dana", "--json")))["conversations"]) == 2
    assert "not a contact" in error(cli("log", "Dana", "--delete", wrong))


def test_doctor_reports_and_restore_clears_links_to_a_missing_contact(cli, tmp_path):
    setup_two(cli)
    db = tmp_path / "db"
    dana = json.loads(ok(cli("show", "Dana", "--json")))
    # Hand-edit: remove Dana's record from her shard, leaving her referral and link dangling.
    for shard in (db / "contacts").glob("*.json"):
        doc = json.loads(shard.read_text())
        if dana["id"] in doc.get("contacts", {}):
            del doc["contacts"][dana["id"]]
            shard.write_text(json.dumps(doc))
    code, out, _ = cli("doctor")
    assert "the referrer contact is missing" in out
    code, out, _ = cli("doctor", "--restore")
    assert code == 0 and "removed referral" in out and "cleared Gus Hale's referrer" in out
    code, out, _ = cli("doctor")
    assert "referral" not in out and "referred by a missing contact" not in out
    assert "diary entry" in out  # her diary entry is kept, for the user to look at
