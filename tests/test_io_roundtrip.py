"""Property tests: any field text survives vCard and CSV, and any input is read or refused."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from netui.core.errors import BadRecords
from netui.core.io.csv_contacts import read_csv, write_csv
from netui.core.io.records import unique
from netui.core.io.vcard import read_vcards, write_vcards
from netui.core.model import Contact

# Text that has broken naive exporters: markup, formula triggers, escapes, control chars.
NASTY = st.sampled_from(
    ["[/]", "[b]bold", "<script>x</script>", "=HYPERLINK(1)", "@SUM(A1)", '"quoted"', "a,b",
     "a\\nb", "\\;", "\x1b[31m", "\r\n", "é"]
)  # fmt: skip
FIELD = st.one_of(st.text(max_size=30), NASTY, st.text(st.characters(codec="utf-8"), max_size=30))
# CSV list cells are joined with "; " and split on ";", "," and ":::"; a vCard TEL drops a
# "tel:" scheme. List items here avoid those characters; the fixtures cover the escapes.
ITEM = st.text(st.characters(codec="utf-8", exclude_characters=";,:"), max_size=15)
WORD = st.text("abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=10)
# Only addresses come back as emails (anything else in the column becomes a note).
EMAIL = st.builds("{}@{}.example".format, WORD, WORD.filter(lambda w: w[-1] not in "._-"))
FORMATS = {"vcard": (write_vcards, read_vcards), "csv": (write_csv, read_csv)}


def _lines(text: str) -> str:
    return re.sub(r"\r\n?", "\n", text).strip()


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=300, deadline=None)
@example(name="x", company="", title="", notes="", tags=["* 0"], emails=[], phones=[])
@given(
    name=FIELD.filter(lambda s: s.strip()),
    company=FIELD,
    title=FIELD,
    notes=FIELD,
    tags=st.lists(ITEM, max_size=3),
    emails=st.lists(EMAIL, max_size=2),
    phones=st.lists(ITEM, max_size=2),
)
def test_any_field_text_round_trips(fmt, name, company, title, notes, tags, emails, phones):
    """Everything comes back (netui's CSV exactly; a vCard trims edges and makes breaks \\n)."""
    write, read = FORMATS[fmt]
    contact = Contact(
        name=name, company=company, title=title, notes=notes, tags=tags, emails=emails,
        phones=phones,
    )  # fmt: skip
    [back] = read(write([contact]))
    got = back.contact
    assert got.name == contact.name
    kept = str if fmt == "csv" else _lines
    assert (got.company, got.title, got.notes) == (kept(company), kept(title), kept(notes))
    assert (got.tags, got.emails, got.phones) == (unique(tags), unique(emails), unique(phones))


VCARD_PROPERTY = st.sampled_from(
    ["FN", "N", "ORG", "NOTE;ENCODING=QUOTED-PRINTABLE", "CATEGORIES", "PHOTO;ENCODING=BASE64",
     "TEL", "item1.EMAIL", "BEGIN", "END"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(VCARD_PROPERTY, st.text(max_size=80)), max_size=6))
def test_arbitrary_card_content_is_read_or_cleanly_refused(properties):
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\n"
    text += "".join(f"{key}:{value}\r\n" for key, value in properties) + "END:VCARD\r\n"
    try:
        records = read_vcards(text)
    except BadRecords as refused:
        assert all(re.match(r"card \d+|no vCard|nothing usable", p) for p in refused.problems)
    else:
        assert records and all(r.contact.name.strip() for r in records)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_csv_text_is_read_or_cleanly_refused(body):
    try:
        records = read_csv("name,email,met on,stage\n" + body)
    except BadRecords as refused:
        assert all(re.match(r"lines? \d+(-\d+)?: |nothing usable", p) for p in refused.problems)
    else:
        assert all(r.contact.name.strip() for r in records)
