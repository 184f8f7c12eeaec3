"""Issue 17.5: CSV export never hands a spreadsheet a formula, and netui's own import undoes
the guard exactly, so export -> import gives back the same text."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netui.cli import main
from netui.core.db.store import Store
from netui.core.io.csv_contacts import guard_formula, read_csv, unguard_formula, write_csv
from netui.core.model import Contact
from tests.conftest import ok

TRIGGERS = "=+-@\t\r"
HOSTILE = [
    '=HYPERLINK("http://x","click")',
    "@SUM(A1)",
    "+1 555 0100",
    "-2+3",
    "\t=cmd|' /C calc'!A0",
    "\r=1+1",
    "'=already quoted",
    "''@twice",
    "'plain apostrophe",
    "=",
]
TEXT_FIELDS = ("company", "title", "met_at", "reach", "mention", "notes")


def data_cells(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [cell for row in rows[1:] for cell in row]


@pytest.mark.parametrize("value", HOSTILE)
def test_no_exported_cell_starts_a_formula(value):
    contact = Contact(
        name=f"{value} Ann" if value.strip() else "Ann",
        company=value,
        notes=value,
        phones=[value],
        tags=[value, "b"],
        emails=[value],
    )
    cells = data_cells(write_csv([contact]))
    assert all(not cell.startswith(tuple(TRIGGERS)) for cell in cells)
    assert guard_formula("+1 555") == "'+1 555"


@given(st.text())
def test_guard_then_unguard_is_exact(text):
    assert unguard_formula(guard_formula(text)) == text
    assert not guard_formula(text).startswith(tuple(TRIGGERS))


@given(
    st.fixed_dictionaries({name: st.text(max_size=40) for name in TEXT_FIELDS}),
    st.text(min_size=1, max_size=30).filter(lambda s: s.strip() and s == " ".join(s.split())),
    st.sampled_from(HOSTILE),
)
def test_a_netui_csv_round_trip_is_exact(fields, name, hostile):
    original = Contact(name=name, phones=["+1 555 0100"], emails=[hostile.strip("\t\r")], **fields)
    (back,) = read_csv(write_csv([original]))
    got = back.contact
    assert got.name == original.name
    assert {f: getattr(got, f) for f in TEXT_FIELDS} == fields
    assert got.phones == original.phones


def test_round_trip_through_the_commands(cli, tmp_path, capsys):
    ok(cli("add", "=HYPERLINK(x)", "--company", "@SUM(A1)", "--phone", "+1 555", "--mention=-x"))
    ok(cli("add", "Bea", "--mention", "'=quoted", "--tag", "+plus"))
    path = tmp_path / "out.csv"
    ok(cli("export", str(path), "--format", "csv"))
    assert not any(c.startswith(tuple(TRIGGERS)) for c in data_cells(path.read_text()))
    assert main(["--db", str(tmp_path / "other"), "import", str(path)]) == 0
    with Store.open(tmp_path / "other") as store:
        theirs = {c.name: c for c in store.contacts()}
    assert set(theirs) == {"=HYPERLINK(x)", "Bea"}
    ann = theirs["=HYPERLINK(x)"]
    assert (ann.company, ann.phones, ann.mention) == ("@SUM(A1)", ["+1 555"], "-x")
    assert (theirs["Bea"].mention, theirs["Bea"].tags) == ("'=quoted", ["+plus"])


def test_another_program_s_apostrophes_are_kept(tmp_path):
    """Only netui's own header says the guard is ours to take away."""
    (back,) = read_csv("Name,Company\nAnn,'=kept\n")
    assert back.contact.company == "'=kept"
