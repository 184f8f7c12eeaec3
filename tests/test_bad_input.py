"""Hostile and strange text through the Store and the CLI: stored exactly and shown literally
(control characters escaped), or refused with one clear line; never a traceback, and nothing
half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.faults.helpers import open_store, snapshot, temp_files
from netui.core.errors import StorageError, ValidationError
from netui.core.model import Contact, Conversation
from netui.core.text import cell_width, is_unsafe, printable
from tests.conftest import error, ok

D = date(2026, 3, 10)

HOSTILE = {
    "markup": "[bold]Ann[/bold] [/] [/ [link=https://evil.example]click[/link] [red",
    "ansi escapes": "\x1b[31mRed\x1b[0m \x1b]0;pwned\x07 \x1b[2J",
    "control characters": "bell\x07 back\x08 del\x7f c1\x9b[1m cr\rend",
    "bidi override": "invoice \u202egnp.exe \u2066iso\u2069",
    "emoji": "Zoë 👩‍💻 🇺🇦 ✨",
    "combining marks": "e\u0301\u0301 Åström Z\u0335a\u0336l\u0337g\u0338o",
    "right to left": "مرحبا بالعالم שלום",
    "wide CJK": "山田太郎 김민준",
}


def cleaned(name: str) -> str:
    return " ".join(name.split())


# -- the store ------------------------------------------------------------------------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200), name=st.text(min_size=1, max_size=50).filter(str.strip))
def test_any_text_is_stored_exactly_and_survives_a_reopen(tmp_path_factory, text, name):
    root = tmp_path_factory.mktemp("db") / "db"
    with open_store(root) as store:
        contact = store.add_contact(
            Contact(name=name, met_on=D, notes=text, mention=text, company=text, tags=[text])
        )
        conv = store.log(
            Conversation(contact_id=contact.id, on=D, note=text, did=text, correspondence=[text])
        )
    with open_store(root) as store:
        got = store.get(contact.id)
        assert (got.name, got.notes, got.mention, got.company) == (cleaned(name), text, text, text)
        assert got.tags == [text]
        (back,) = store.conversations_of(contact.id)
        assert (back.id, back.note, back.did) == (conv.id, text, text)
        assert back.correspondence == [text]


def test_huge_values_are_stored_exactly(tmp_path):
    root = tmp_path / "db"
    note = ("A megabyte of diary. \x00 Ω " * 40_000)[:1_000_000]
    tags = [f"tag-{i}" for i in range(10_000)]
    name = "N" * 100_000
    with open_store(root) as store:
        contact = store.add_contact(Contact(name=name, met_on=D, tags=tags))
        store.log(Conversation(contact_id=contact.id, on=D, note=note))
    with open_store(root) as store:
        got = store.get(contact.id)
        assert (got.name, got.tags) == (name, tags)
        assert store.conversations_of(contact.id)[0].note == note


@pytest.mark.parametrize("blank", ["", " ", "\t\n", "\u3000\u00a0", "\x1c\x1d\x1e\x1f"])
def test_blank_names_are_refused_before_anything_is_written(tmp_path, blank):
    root = tmp_path / "db"
    with open_store(root) as store:
        before = snapshot(root)
        with pytest.raises(ValidationError, match="cannot be blank"):
            store.add_contact(Contact(name=blank, met_on=D))
    assert snapshot(root) == before


@pytest.mark.parametrize("text", ["\ud800", "caf\udce9"])
def test_a_lone_surrogate_is_refused_cleanly(tmp_path, text):
    root = tmp_path / "db"
    with open_store(root) as store:
        ann = store.add_contact(Contact(name="Ann", met_on=D))
        before = snapshot(root)
        with pytest.raises((ValidationError, StorageError)):
            store.add_contact(Contact(name=f"Bad {text}", met_on=D))
        with pytest.raises((ValidationError, StorageError)):
            store.log(Conversation(contact_id=ann.id, on=D, note=text))
    assert snapshot(root) == before and not temp_files(root)


# -- the command line -----------------------------------------------------------------------


def shown_safely(output: str) -> None:
    """Nothing that could steer the terminal: every such character arrives escaped."""
    raw = sorted({f"U+{ord(ch):04X}" for ch in output if is_unsafe(ch)})
    assert not raw, f"raw control characters reached the terminal: {raw}"


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_is_stored_exactly_and_shown_literally(cli, name):
    text = HOSTILE[name]
    contact_id = ok(
        cli("add", f"Zed {text}", "--company", text, "--tag", text, "--mention", text,
            "--note", text, "--met-on", "2026-11-20")
    ).strip()  # fmt: skip
    ok(cli("log", contact_id, "--note", text, "--did", text))
    data = json.loads(ok(cli("show", contact_id, "--json")))
    assert data["name"] == cleaned(f"Zed {text}")
    assert (data["company"], data["tags"], data["mention"]) == (text.strip(), [text.strip()], text)
    assert [c["note"] for c in data["conversations"]] == [text, text]

    for args in (["list"], ["show", contact_id], ["queue"], ["log", contact_id, "--note", "x"]):
        output = ok(cli(*args))
        shown_safely(output)
        assert "Zed" in output or args[0] == "log"
    assert f"talked about: {printable(text)}\n" in ok(cli("show", contact_id))


def test_list_stays_within_80_columns_whatever_the_names(cli):
    for text in [*HOSTILE.values(), "W" * 10_000, "山" * 500]:
        ok(cli("add", f"Zed {text}", "--company", text))
    for line in ok(cli("list")).splitlines():
        assert cell_width(line) <= 80, line


def test_huge_inputs_through_the_cli_are_stored_exactly(cli):
    note = "line of a very long diary entry\n" * 32_000  # ~1 MB, through stdin
    tags = [f"t{i}" for i in range(10_000)]
    args = ["add", "Tagged"]
    for tag in tags:
        args += ["--tag", tag]
    contact_id = ok(cli(*args)).strip()
    ok(cli("log", contact_id, stdin=note))
    data = json.loads(ok(cli("show", contact_id, "--json")))
    assert data["tags"] == tags
    assert data["conversations"][0]["note"] == note.strip()
    assert "Tagged" in ok(cli("list", "--tag", "t9999"))


BAD_DATES = [
    ("add", "X", "--met-on", "2026-02-30"),
    ("add", "X", "--met-on", "2026-13-01"),
    ("log", "Ann", "--note", "x", "--on", "2026-02-30"),
    ("log", "Ann", "--note", "x", "--on", "30/02/2026"),
    ("stage", "Ann", "thanked", "--on", "2026-02-29"),  # 2026 is not a leap year
    ("snooze", "Ann", "2026-04-31"),
    ("queue", "--on", "0000-00-00"),
]
BLANK_REFERENCES = [
    ("add", ""),
    ("add", " \t "),
    ("log", "", "--note", "x"),
    ("log", "   ", "--note", "x"),
    ("stage", " ", "thanked"),
    ("show", ""),
    ("archive", "\t"),
]


@pytest.mark.parametrize("args", BAD_DATES + BLANK_REFERENCES, ids=" ".join)
def test_bad_dates_and_blank_names_are_one_line_and_change_nothing(cli, tmp_path, args):
    ok(cli("add", "Ann"))
    before = snapshot(tmp_path / "db")
    error(cli(*args))
    assert snapshot(tmp_path / "db") == before
    assert not temp_files(tmp_path / "db")


def test_non_utf8_arguments_get_one_line_not_a_traceback(tmp_path):
    env = {**os.environ, "NETUI_DB": str(tmp_path / "db")}
    run = subprocess.run(
        [sys.executable, "-m", "netui", "add", b"Caf\xe9 Latin-1"], capture_output=True, env=env
    )
    assert b"Traceback" not in run.stderr
    assert run.returncode == 0 or run.stderr.count(b"\n") == 1


def test_json_output_carries_no_raw_control_characters(cli):
    contact_id = ok(cli("add", "Zed " + HOSTILE["control characters"] + HOSTILE["bidi override"]))
    output = ok(cli("show", contact_id.strip(), "--json"))
    assert "\x1b" not in output
    shown_safely(output)
