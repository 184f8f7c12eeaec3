"""`netui mail` through the real entry point: report lines, --json, stdin, and the [me] setting."""

from __future__ import annotations

import io
import json
import mailbox
import sys
from email.message import EmailMessage

import pytest

from netui.cli import main
from netui.core.config import load_my_emails
from netui.core.db import store as store_module

ME = "me@home.example"


def message(sender: str, to: str, subject: str, message_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Date"] = "Mon, 16 Nov 2026 10:00:00 +0000"
    msg["Message-ID"] = message_id
    msg.set_content("Thank you for yesterday.\n")
    return msg


class Terminal(io.TextIOWrapper):
    """Standard input that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def cli(tmp_path, capsys, frozen_today):
    """Run `netui --db <tmp> ...` in-process with bytes on stdin; (code, out, err)."""
    db = str(tmp_path / "db")

    def run(*args: str, stdin: bytes = b"", tty: bool = False) -> tuple[int, str, str]:
        sys.stdin = (Terminal if tty else io.TextIOWrapper)(io.BytesIO(stdin))
        try:
            code = main(["--db", db, *args])
        finally:
            sys.stdin = sys.__stdin__
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def mbox(tmp_path, cli):
    assert cli("add", "Dana Kim", "--email", "dana@pine.example", "--met-on", "2026-11-15")[0] == 0
    path = tmp_path / "mail.mbox"
    box = mailbox.mbox(path)
    box.add(message(ME, "Dana <dana@pine.example>", "Thanks!", "<1@x>"))
    box.add(message("Eve <eve@else.example>", ME, "Hi", "<2@x>"))
    box.add(message("Eve <eve@else.example>", ME, "Hi again", "<3@x>"))
    box.flush()
    box.close()
    return str(path)


def test_dry_run_prints_what_would_be_filed_and_writes_nothing(cli, mbox):
    code, out, _ = cli("mail", mbox, "--me", ME, "--dry-run")
    assert code == 0
    assert "would file 2026-11-16 sent     Dana Kim: Thanks!  (mail.mbox: message 1)" in out
    assert "1 contact(s) at 'met' got an email from you: --advance marks them thanked" in out
    assert out.rstrip().endswith("Nothing was written.")
    assert "No conversations yet." in cli("show", "Dana")[1]


def test_filing_then_again_files_nothing_and_undo_takes_it_back(cli, mbox):
    code, out, _ = cli("mail", mbox, "--me", ME, "--advance", "--suggest")
    assert code == 0
    assert "marked thanked on 2026-11-16: Dana Kim" in out
    assert "2 messages, last 2026-11-16  Eve <eve@else.example>" in out
    shown = cli("show", "Dana")[1]
    assert "email sent" in shown and "Thank you for yesterday." in shown
    again = cli("mail", mbox, "--me", ME)[1]
    assert "0 filed (0 conversations), 1 already filed" in again
    assert cli("undo")[0] == 0
    assert "No conversations yet." in cli("show", "Dana")[1]


def test_a_run_too_big_to_undo_gives_the_store_s_reason(cli, mbox, monkeypatch):
    """One source of truth: the store's undo refusal, in the words `netui import` uses."""
    monkeypatch.setattr(store_module, "UNDO_MAX_CHANGES", 1)
    code, out, _ = cli("mail", mbox, "--me", ME, "--advance")
    assert code == 0
    last = out.splitlines()[-1]
    assert last.startswith("3 messages: 1 filed (1 conversations)")
    assert last.endswith(
        " Not undoable: it changed 2 records, more than the undo log keeps "
        "(1 MB or 1 records a change); an export taken before such a change is the way back."
    )
    assert cli("undo")[0] == 1


def test_json_report(cli, mbox):
    code, out, _ = cli("mail", mbox, "--me", ME, "--json", "--suggest")
    assert code == 0
    report = json.loads(out)
    assert report["counts"] == {
        "messages": 3,
        "filed": 1,
        "conversations": 1,
        "already_filed": 0,
        "older": 0,
        "no_contact": 2,
        "skipped": 0,
        "thanked": 0,
    }
    assert report["filed"][0]["direction"] == "sent"
    assert report["suggestions"][0] == {
        "address": "eve@else.example",
        "name": "Eve",
        "count": 2,
        "last": "2026-11-16",
    }
    assert report["dry_run"] is False
    conv = json.loads(cli("show", "Dana", "--json")[1])["conversations"][0]
    assert (conv["subject"], conv["direction"], conv["message_id"]) == ("Thanks!", "sent", "<1@x>")


def test_one_message_on_stdin(cli, mbox):
    raw = bytes(message("Dana <DANA@pine.example>", ME, "From mutt", "<stdin@x>"))
    code, out, _ = cli("mail", "-", "--me", ME, stdin=raw)
    assert code == 0
    assert "filed 2026-11-16 received Dana Kim: From mutt  (-)" in out


def test_without_my_addresses_and_no_terminal_it_says_how_to_set_them(cli, mbox):
    code, out, err = cli("mail", mbox)
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert "[me] emails" in err and "--me ADDRESS" in err


def test_my_addresses_are_asked_once_on_a_terminal_and_saved(cli, mbox, monkeypatch):
    answers = iter([f"{ME}, Other@Home.example"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    code, out, err = cli("mail", mbox, "--dry-run", tty=True)
    assert code == 0, err
    assert "Saved in" in err and "would file" in out
    assert load_my_emails() == [ME, "other@home.example"]
    assert cli("mail", mbox, "--dry-run", tty=True)[0] == 0  # not asked again: no answers left


def test_a_path_that_is_not_mail_is_one_line_and_non_zero(cli, tmp_path):
    (tmp_path / "notes.txt").write_text("shopping list\n")
    code, _, err = cli("mail", str(tmp_path / "notes.txt"), "--me", ME)
    assert code == 1
    assert err.strip().endswith("notes.txt: not an mbox or a mail message; skipped")


def test_without_advance_the_review_points_at_the_email_that_was_the_thank_you(cli, mbox):
    assert cli("mail", mbox, "--me", ME)[0] == 0
    out = cli("review", "--list")[1]
    assert "you emailed them on 2026-11-16 (Thanks!): the thank-you?" in out
    assert "thanked --on 2026-11-16" in out
    [item] = json.loads(cli("review", "--json")[1])
    assert item["emailed_thank_you"]["subject"] == "Thanks!"


def test_standard_input_beyond_the_import_limit_is_refused(cli, monkeypatch):
    from netui.core.io import files

    monkeypatch.setattr(files, "MAX_IMPORT_BYTES", 1000)  # stands for 256 MB of /dev/zero
    code, _, err = cli("mail", "-", "--me", ME, stdin=b"\0" * 1001)
    assert code == 1 and "standard input holds more" in err
    assert "Traceback" not in err
