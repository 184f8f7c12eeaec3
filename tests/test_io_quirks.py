"""Real address books' quirks, one fixture each: read what can be read, report the rest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netui.core.errors import BadRecords, UnreadableFile
from netui.core.io.csv_contacts import read_csv, write_csv
from netui.core.io.dupes import find_duplicates
from netui.core.io.files import decode_as
from netui.core.io.importer import apply, plan_import
from netui.core.io.reader import read_path
from netui.core.io.vcard import scan_vcards, structured_name, write_vcards
from netui.core.model import Contact

QUIRKS = Path(__file__).parent / "fixtures" / "quirks"


def one(name: str, **options) -> Contact:
    bundle = read_path(QUIRKS / name, **options)
    [record] = bundle.contacts
    return record.contact


@pytest.mark.parametrize("name", ["commas_21.vcf", "commas_30.vcf", "commas_40.vcf"])
def test_unescaped_commas_keep_the_whole_value_in_every_vcard_version(name):
    bundle = read_path(QUIRKS / name)
    [record] = bundle.contacts
    john = record.contact
    assert john.name == "Mr. John Richter, James Doe Sr."
    assert john.company == "Smith, Jones & Co."
    assert john.title == "VP, Sales"
    assert john.notes == "Met in Lyon, at the fair, with Ann."
    assert bundle.skipped == bundle.repaired == []


def test_a_bad_photo_is_left_out_and_reported_with_its_card():
    bundle = read_path(QUIRKS / "bad_photo.vcf")
    assert [r.contact.emails for r in bundle.contacts] == [["ann@photo.example"]]
    assert bundle.repaired == [("card 1 (line 1)", "PHOTO: bad base64, left out")]


def test_a_mixed_case_profile_line_is_harmless():
    paul = one("profile_mixed_case.vcf")
    assert (paul.name, paul.phones) == ("Paul Profile", ["+44 20 7946 0001"])


def test_a_bare_fn_line_is_skipped_and_the_name_taken_from_n():
    bundle = read_path(QUIRKS / "bare_fn.vcf")
    [record] = bundle.contacts
    assert record.contact.name == "Fiona Bare"
    assert bundle.repaired == [
        ("card 1 (line 1)", "line 3: unreadable, skipped (Failed to parse line: FN)")
    ]


def test_lower_case_keywords_are_read():
    lena = one("lowercase_begin.vcf")
    assert (lena.name, lena.emails) == ("Lena Lower", ["lena@lower.example"])


def test_a_utf8_character_split_by_a_fold_is_rejoined():
    bundle = read_path(QUIRKS / "split_utf8_fold.vcf")
    assert bundle.contacts[0].contact.name == "Renée Fold"
    assert bundle.encoding == ""  # read as UTF-8, not guessed as something else
    assert bundle.repaired == [("line 3", "a UTF-8 character split by a folded line, rejoined")]


def test_a_value_that_is_not_an_email_is_kept_as_a_note_and_reported():
    bundle = read_path(QUIRKS / "not_an_email.vcf")
    uma = bundle.contacts[0].contact
    assert uma.emails == []
    assert "urn:li:member:664293716" in uma.notes
    assert uma.urls == ["https://www.linkedin.com/in/uma-urn"]
    assert uma.external_ids == ["vcard-uid:urn:uuid:7a1d7d3e-4f9b-4d1b-9f3e-0c1a2b3c4d5e"]
    assert "not an email address" in bundle.repaired[0][1]


def test_a_file_with_nothing_usable_is_refused_with_every_card():
    with pytest.raises(BadRecords) as caught:
        read_path(QUIRKS / "nothing_usable.vcf")
    assert caught.value.problems == [
        "card 1 (line 1): skipped: no name, company, email or phone",
        "card 2 (line 5): skipped: no name, company, email or phone",
        "nothing usable in the file",
    ]


def test_strict_refuses_what_would_otherwise_be_mended():
    with pytest.raises(BadRecords, match="PHOTO: bad base64"):
        read_path(QUIRKS / "bad_photo.vcf", strict=True)


def test_linkedin_hidden_profiles_are_skipped_with_a_count():
    bundle = read_path(QUIRKS / "linkedin_hidden_rows.csv")
    assert [r.contact.name for r in bundle.contacts] == ["Priya Raman", "Tomás Ruiz"]
    assert bundle.skipped == [
        ("lines 6-7", "2 rows with no name, email or phone skipped (a hidden profile?)")
    ]


def test_linkedin_2018_dates():
    dana, eli = (r.contact for r in read_path(QUIRKS / "linkedin_2018.csv").contacts)
    assert dana.met_on == date(2018, 1, 8) and dana.met_at == "LinkedIn"
    assert (eli.met_on, eli.title) == (date(2017, 12, 25), "Manager, Sales")


@pytest.mark.parametrize(
    ("name", "first", "company"),
    [
        ("shift_jis.csv", "太郎 山田", "株式会社サンプル"),
        ("gb18030.csv", "伟 王", "北京科技有限公司"),
        ("cp1251.csv", "Иван Петров", "ООО Ромашка"),
        ("latin1.csv", "José Núñez", "Telefónica"),
    ],
)
def test_legacy_encodings_are_detected_and_said(name, first, company):
    bundle = read_path(QUIRKS / name)
    contact = bundle.contacts[0].contact
    assert (contact.name, contact.company) == (first, company)
    assert bundle.encoding.endswith("(detected)")


def test_a_named_encoding_wins_and_a_wrong_one_is_refused():
    bundle = read_path(QUIRKS / "shift_jis.csv", encoding="shift_jis")
    assert bundle.contacts[0].contact.name == "太郎 山田" and bundle.encoding == ""
    with pytest.raises(UnreadableFile, match="not valid utf-8 text"):
        read_path(QUIRKS / "shift_jis.csv", encoding="utf-8")


def test_too_little_text_to_tell_an_encoding_is_refused_not_guessed(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_bytes("name\nИван\n".encode("cp1251"))
    with pytest.raises(UnreadableFile, match="--encoding"):
        read_path(path)


def test_thunderbird_secondary_email_and_web_page():
    hana = one("thunderbird.csv")
    assert hana.emails == ["hana@work.example", "hana@home.example"]
    assert hana.urls == ["https://hana.example"] and hana.company == "Samsung"


def test_outlook_second_and_third_email_and_a_phone_extension():
    olga = one("outlook_emails.csv")
    assert olga.emails == ["olga@volvo.example", "olga.berg@mail.example", "ob@old.example"]
    assert olga.phones == ["+1-418-656-9254;ext=102"]
    assert olga.urls == ["https://olga.example"]


def test_google_numbered_columns_and_labels():
    gina = one("google_labels.csv")
    assert gina.emails == ["gina@work.example", "gina@home.example"]
    assert gina.phones == ["+39 333 000 1111", "+39 02 555 0100"]
    assert gina.tags == ["Friends", "Clients"]  # "* myContacts" and "* starred" are Google's
    assert gina.urls == ["https://gina.example"]


def test_a_phone_extension_and_web_pages_survive_a_csv_round_trip():
    contact = Contact(
        name="Olga Berg", phones=["+1-418-656-9254;ext=102", "555 0100"], urls=["https://a.ex"]
    )
    [back] = read_csv(write_csv([contact]))
    assert back.contact.phones == contact.phones and back.contact.urls == contact.urls


def test_vcard_export_keeps_the_cards_n_and_splits_suffixes_sensibly():
    john = one("suffix_n.vcf")
    assert "N:Doe;John;;;III\r\n" in write_vcards([john])
    assert "N:Doe;John;;;III\r\n" in write_vcards([Contact(name="John Doe III")])
    assert structured_name(Contact(name="Dr. Martin Luther King, Jr.")) == [
        "King",
        "Martin Luther",
        "",
        "Dr.",
        "Jr.",
    ]
    renamed = Contact(name="Jane Roe", name_parts=["Doe", "John", "", "", "III"])
    assert structured_name(renamed)[:2] == ["Roe", "Jane"]  # a stale N is not kept


def test_urls_travel_through_vcard():
    text = write_vcards([Contact(name="Ann", urls=["https://ann.example"])])
    assert "URL:https://ann.example\r\n" in text


def test_a_shared_switchboard_never_merges_two_people(store):
    plan = plan_import(QUIRKS / "shared_switchboard.csv", store)
    assert [entry.action for entry in plan.entries] == ["add", "add"]
    assert plan.doubtful == [
        "line 3: Bob Stone and Ann Lee: same email info@acme.example, names differ; kept apart"
    ]
    apply(plan, store)
    assert sorted(c.name for c in store.contacts()) == ["Ann Lee", "Bob Stone"]


def test_a_merge_keeps_the_incoming_name_and_matches_on_a_linkedin_profile(store):
    store.add_contact(
        Contact(name="Priya R.", external_ids=["linkedin:linkedin.com/in/priyaraman"])
    )
    plan = plan_import(QUIRKS / "linkedin_hidden_rows.csv", store)
    assert [entry.action for entry in plan.entries] == ["merge", "add", "skip"]
    apply(plan, store)
    priya = store.find("Priya R.")
    assert "Also known as: Priya Raman" in priya.notes
    assert priya.company == "Acme, Inc."


def test_pairs_kept_apart_are_listed_by_netui_dupes(store):
    apply(plan_import(QUIRKS / "shared_switchboard.csv", store), store)
    [pair] = find_duplicates(store.contacts())
    assert {pair.first.name, pair.second.name} == {"Ann Lee", "Bob Stone"}
    assert pair.reasons == ["same email info@acme.example", "same phone +1 555 010 0100"]


def test_gmails_own_group_in_a_vcard_is_not_a_tag():
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nCATEGORIES:myContacts,Clients\r\nEND:VCARD\r\n"
    path_bundle = scan_vcards(text)
    assert path_bundle.contacts[0].contact.tags == ["Clients"]


def test_a_netui_vcard_renamed_elsewhere_comes_back_to_its_contact_by_uid(store, tmp_path):
    ann = store.add_contact(Contact(name="Ann Lee", company="Acme"))
    text = write_vcards([ann]).replace("FN:Ann Lee", "FN:Ann Lee-Smith").replace("ORG:Acme", "")
    path = tmp_path / "renamed.vcf"
    path.write_text(text.replace("ORG:\r\n", ""), encoding="utf-8")
    plan = plan_import(path, store)
    assert [(e.action, e.contact_id) for e in plan.entries] == [("merge", ann.id)]
    apply(plan, store)
    assert "Also known as: Ann Lee-Smith" in store.get(ann.id).notes


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_decoded_or_refused_in_one_line(data):
    try:
        decoded = decode_as(data)
    except UnreadableFile as refused:
        assert "\n" not in str(refused)
    else:
        assert isinstance(decoded.text, str)
