"""vCard reading (2.1, 3.0, 4.0 and their quirks) and writing (4.0), without a store."""

from __future__ import annotations

from pathlib import Path

import pytest
import vobject

from netui.core.errors import BadRecords
from netui.core.io.files import read_text
from netui.core.io.vcard import read_vcards, scan_vcards, write_vcards
from netui.core.model import Contact

FIXTURES = Path(__file__).parent / "fixtures"


def contacts_in(name: str) -> list[Contact]:
    return [record.contact for record in read_vcards(read_text(FIXTURES / name))]


def test_vcard_21_quoted_printable_in_utf8_and_latin1_with_soft_line_breaks():
    juergen, andre = contacts_in("phone_21.vcf")
    assert juergen.name == "Jürgen Müller"
    assert juergen.company == "Stadtwerke Berlin"
    assert juergen.phones == ["+49 170 1234567", "+49 30 1234 5678"]
    assert juergen.emails == ["juergen@example.de"]
    # =0D=0A becomes one newline; the soft break (= at the end of a line) joins the lines.
    assert juergen.notes == "Met at the energy fair.\nAsk about the pilot project in Spandau."
    # No FN: the name comes from N, decoded from ISO-8859-1; 2.1 categories split on ";".
    assert andre.name == "André Lefèvre"
    assert andre.tags == ["Clients", "Paris"]


def test_vcard_30_apple_groups_escapes_and_folded_lines():
    [siobhan] = contacts_in("apple_30.vcf")
    assert siobhan.name == "Siobhan O'Neil"
    assert siobhan.company == "Smith, Jones ; Partners"  # escaped , and ; ; department dropped
    assert siobhan.title == "Partner, Litigation"
    # item1./item2. grouped emails are read; the repeated work address is kept once.
    assert siobhan.emails == ["siobhan@sjp.example", "siobhan.oneil@home.example"]
    assert siobhan.phones == ["(555) 010-2030", "+1 555 010 4040"]
    assert siobhan.tags == ["lawyers", "conference, 2024"]
    assert siobhan.notes == (
        "Introduced by Dan. Wants to hear about the mentoring programme once it starts; "
        "follow up in spring.\nSecond line."
    )


def test_vcard_40_non_latin_names_tel_uris_and_email_only_cards():
    taro, alexey, nameless = contacts_in("modern_40.vcf")
    assert (taro.name, taro.company, taro.title) == ("山田 太郎", "株式会社サンプル", "部長")
    assert taro.phones == ["+81-90-1234-5678"]  # the tel: URI scheme is dropped
    assert taro.tags == ["tokyo"]
    assert (alexey.name, alexey.notes) == ("Алексей Смирнов", "Говорили о конференции")
    assert nameless.name == "someone@example.org"  # filed under its email rather than refused


def test_a_broken_line_is_reported_with_its_card_and_line_number():
    with pytest.raises(BadRecords) as caught:
        read_vcards(read_text(FIXTURES / "broken.vcf"))  # strict: anything mended refuses
    assert caught.value.problems == [
        "card 2 (line 5): line 8: unreadable, skipped (Failed to parse line: this line has no "
        "colon)"
    ]


def test_a_broken_line_costs_only_itself():
    bundle = scan_vcards(read_text(FIXTURES / "broken.vcf"))
    assert [r.contact.name for r in bundle.contacts] == ["Good Card", "Bad Card"]
    assert [where for where, _ in bundle.repaired] == ["card 2 (line 5)"]


def test_a_card_with_nothing_to_name_it_by_is_skipped_with_its_number():
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n"
    text += "BEGIN:VCARD\r\nVERSION:3.0\r\nTITLE:Boss\r\nEND:VCARD\r\n"
    bundle = scan_vcards(text, origin="team.vcf")
    assert [r.contact.name for r in bundle.contacts] == ["Ann"]
    assert bundle.skipped == [
        ("team.vcf: card 2 (line 5)", "skipped: no name, company, email or phone")
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no vCard found (expected BEGIN:VCARD)"),
        ("just some text\n", "no vCard found (expected BEGIN:VCARD)"),
        ("NOTE:hello\n", "no vCard found (expected BEGIN:VCARD)"),
        ("BEGIN:VEVENT\nEND:VEVENT\n", "no vCard found (expected BEGIN:VCARD)"),
    ],
)
def test_text_without_cards_is_refused(text, problem):
    with pytest.raises(BadRecords) as caught:
        read_vcards(text)
    assert caught.value.problems[0].startswith(problem)


def test_written_cards_are_vcard_40_with_escapes_and_a_urn_uid():
    contact = Contact(
        name="Ann; Lee, Jr.",
        id="0123456789abcdef0123456789abcdef",
        company="Smith, Jones; Partners",
        emails=["ann@example.com", "lee@example.com"],
        phones=["+1 555 0100"],
        tags=["a,b", "c"],
        notes="line one\nline two",
    )
    text = write_vcards([contact])
    assert "VERSION:4.0\r\n" in text
    assert "UID:urn:uuid:01234567-89ab-cdef-0123-456789abcdef\r\n" in text
    assert "FN:Ann\\; Lee\\, Jr.\r\n" in text
    assert "ORG:Smith\\, Jones\\; Partners\r\n" in text
    assert "NOTE:line one\\nline two\r\n" in text
    card = vobject.readOne(text)
    assert [e.value for e in card.contents["email"]] == contact.emails
