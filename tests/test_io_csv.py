"""CSV reading (header spellings, delimiters, encodings), LinkedIn's export, CSV writing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from netui.core.errors import BadRecords
from netui.core.io.csv_contacts import map_columns, normalise_header, read_csv, write_csv
from netui.core.io.files import read_text
from netui.core.io.linkedin import read_linkedin
from netui.core.model import Contact, Stage

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("header", "meaning"),
    [
        ("E-mail 2 Address", "email"),
        ("E-mail 1 - Value", "email"),
        ("Email", "email"),
        ("Mobile Phone", "phone"),
        ("Business Phone", "phone"),
        ("Organization 1 - Name", "company"),
        ("Organisation", "company"),
        ("Given Name", "first"),
        ("Surname", "last"),
        ("Connected On", "met_on"),
        ("Group Membership", "groups"),
    ],
)
def test_header_spellings_are_recognised(header, meaning):
    assert map_columns([header]) == {meaning: [0]}


@pytest.mark.parametrize("header", ["E-mail 1 - Type", "Home Address", "Business Fax", "Birthday"])
def test_headers_that_are_not_contact_fields_are_ignored(header):
    assert map_columns([header]) == {}


def test_normalising_drops_case_punctuation_numbers_and_qualifiers():
    assert normalise_header("  E-Mail_2 (Work) Address ") == "email"


def test_job_title_wins_over_outlooks_honorific_title():
    assert map_columns(["Title", "Job Title"])["title"] == [1]


def test_google_contacts_export():
    grace, alan = (r.contact for r in read_csv(read_text(FIXTURES / "google_contacts.csv")))
    assert (grace.name, grace.company, grace.title) == ("Grace Hopper", "Navy", "Rear Admiral")
    assert grace.emails == ["grace@navy.example", "grace@home.example"]
    assert grace.phones == ["+1 555 0100", "+1 555 0101"]  # one cell, ":::"-separated
    assert grace.tags == ["Mentors"]  # Google's own "* myContacts" group is not a tag
    assert grace.notes == 'Said: "always ask forgiveness"'
    assert (alan.name, alan.emails, alan.tags) == ("Alan Turing", ["alan@bletchley.example"], [])


def test_outlook_export_with_multiline_cell():
    ada, charles = (r.contact for r in read_csv(read_text(FIXTURES / "outlook.csv")))
    assert (ada.name, ada.title) == ("Ada Lovelace", "Programmer")
    assert ada.phones == ["+44 7700 900123", "+44 20 7946 0000"]
    assert ada.tags == ["Pioneers", "Math"]
    assert charles.emails == ["charles@engines.example", "cb@home.example"]
    assert charles.notes == "Line one\nLine two"


def test_semicolon_delimited_windows_1252_file():
    records = read_csv(read_text(FIXTURES / "semicolons.csv"))
    juergen = records[0].contact
    assert (juergen.name, juergen.company, juergen.title) == (
        "Jürgen Klein",
        "Beispiel GmbH",
        "Leiter",
    )
    assert juergen.tags == ["messe", "2024"]
    assert juergen.met_on == date(2024, 5, 2)
    assert records[1].contact.name == "Zoë Martin"


def test_records_carry_their_line_numbers_across_multiline_cells():
    text = 'name,notes\nAnn,"one\ntwo\nthree"\n\nBob,\n'
    assert [r.where for r in read_csv(text)] == ["line 2", "line 6"]


def test_bad_rows_are_all_reported_with_their_line_numbers():
    text = "name,met on,stage\nAnn,2024-01-05,met\nBob,someday,met\n,,\nCara,,lunch\nDan,,later\n"
    with pytest.raises(BadRecords) as caught:
        read_csv(text)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 6"]
    assert "someday" in problems[0] and "unknown stage 'later'" in problems[1]


def test_a_row_with_more_cells_than_the_header_is_refused():
    with pytest.raises(BadRecords, match=r"line 2: skipped: 3 cells but the header has 2"):
        read_csv("name,email\nSmith, John,john@example.com\n")


def test_a_header_without_name_or_email_column_is_refused():
    with pytest.raises(BadRecords, match="line 1: no name or email column"):
        read_csv("company,title\nAcme,CEO\n")


def test_linkedin_connections_with_bom_and_preamble():
    records = read_linkedin(read_text(FIXTURES / "linkedin_connections.csv"))
    assert [r.where for r in records] == ["line 5", "line 6", "line 7"]
    priya, tomas, mei = (r.contact for r in records)
    assert (priya.name, priya.company, priya.title) == (
        "Priya Raman",
        "Acme, Inc.",
        "Director, Platform",
    )
    assert priya.emails == []
    assert priya.met_on == date(2024, 3, 12)
    assert priya.met_at == "LinkedIn" and priya.tags == ["linkedin"]
    assert priya.urls == ["https://www.linkedin.com/in/priyaraman"]
    assert priya.external_ids == ["linkedin:linkedin.com/in/priyaraman"]
    assert tomas.name == "Tomás Ruiz" and tomas.emails == ["tomas@example.com"]
    assert mei.met_on == date(2022, 2, 28) and mei.company == ""


def test_linkedin_without_header_is_refused():
    with pytest.raises(BadRecords, match="no 'First Name,Last Name"):
        read_linkedin("Notes:\nnothing here\n")


def test_written_csv_reads_back_with_every_contact_field():
    contact = Contact(
        name="Ann Lee",
        company="Acme, Inc.",
        title="CTO",
        emails=["ann@acme.example", "ann@home.example"],
        phones=["+1 555 0100"],
        tags=["pycon", "mentor"],
        met_at="PyCon",
        met_on=date(2024, 5, 17),
        stage=Stage.CALLED,
        reach="mornings",
        mention="her talk",
        needs=["a designer"],
        offers=["intros to investors"],
        notes='Said "hi",\nthen left.',
    )
    [back] = read_csv(write_csv([contact]))
    fields = ("name", "company", "title", "emails", "phones", "tags", "met_at", "met_on",
              "stage", "reach", "mention", "needs", "offers", "notes")  # fmt: skip
    assert {f: getattr(back.contact, f) for f in fields} == {f: getattr(contact, f) for f in fields}
