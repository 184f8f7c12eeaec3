"""Finding likely duplicates, and `netui dupes` / `netui merge` with undo."""

from __future__ import annotations

import json
from datetime import date

import pytest

from netui.core.io.dupes import (
    ContactIndex,
    compatible_names,
    duplicates_of,
    find_duplicates,
    folded,
    likely_same,
    near_ratio,
    phone_key,
)
from netui.core.model import Contact, Conversation, Referral, Stage


def pairs_of(*contacts: Contact) -> list[tuple[str, str, list[str]]]:
    return [(p.first.name, p.second.name, p.reasons) for p in find_duplicates(contacts)]


def test_phone_keys_compare_digits_and_ignore_short_numbers():
    assert phone_key("+44 (20) 7946-0958") == phone_key("+44 20 7946 0958") == "442079460958"
    assert phone_key("112") is None and phone_key("ext. 12") is None


def test_shared_email_or_phone_makes_a_pair_with_the_value_as_reason():
    a = Contact(name="Ann Lee", emails=["Ann@Example.com"], created="2024-01-01T00:00:00+00:00")
    b = Contact(
        name="A. Lee",
        emails=["ann@example.com"],
        phones=["555 010 0100"],
        created="2024-01-02T00:00:00+00:00",
    )
    c = Contact(name="Somebody", phones=["(555) 010-0100"], created="2024-01-03T00:00:00+00:00")
    assert pairs_of(a, b, c) == [
        ("A. Lee", "Somebody", ["same phone 555 010 0100"]),
        ("Ann Lee", "A. Lee", ["same email Ann@Example.com"]),
    ]


def test_near_identical_names_at_one_company_are_flagged():
    jon = Contact(name="Jon Smith", company="Acme", created="2024-01-01T00:00:00+00:00")
    john = Contact(name="John Smith", company="ACME ")
    elsewhere = Contact(name="John Smyth", company="Globex")
    assert pairs_of(jon, john, elsewhere) == [("Jon Smith", "John Smith", ["similar names (0.95)"])]


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("jon smith", "john smith", True),
        ("ann lee", "anne lee", True),
        ("zoe martin", "zoë martin", True),  # accents are folded before comparing
        ("ann lee", "bob lee", False),
        ("maria garcia", "mario garcia", True),  # a likely typo or a sibling: shown for review
        ("li wei", "wei li", False),
    ],
)
def test_name_similarity_threshold(a, b, similar):
    ratio = near_ratio(folded(a), folded(b)) if folded(a) != folded(b) else 1.0
    assert (ratio is not None) is similar


def test_same_name_counts_unless_two_different_companies_are_named():
    a = Contact(name="Dana Kim", company="Pine & Oak", created="2024-01-01T00:00:00+00:00")
    b = Contact(name="dana kim", created="2024-01-02T00:00:00+00:00")
    c = Contact(name="Dana Kim", company="Other Firm", created="2024-01-03T00:00:00+00:00")
    assert pairs_of(a, b, c) == [
        ("Dana Kim", "dana kim", ["same name"]),
        ("dana kim", "Dana Kim", ["same name"]),
    ]


def test_different_people_are_not_paired():
    assert pairs_of(Contact(name="Ann Lee"), Contact(name="Bob Stone"), Contact(name="Cara")) == []


def test_duplicates_of_one_contact_for_the_merge_key():
    ann = Contact(name="Ann Lee", company="Acme", emails=["ann@acme.example"])
    twin = Contact(name="Anne Lee", company="ACME")
    by_mail = Contact(name="A. L.", emails=["ANN@acme.example"])
    stranger = Contact(name="Bob Stone", company="Acme")
    found = duplicates_of(ann, [ann, twin, by_mail, stranger])
    assert [(p.second.name, p.reasons) for p in found] == [
        ("Anne Lee", ["similar names (0.93)"]),
        ("A. L.", ["same email ann@acme.example"]),
    ]


def test_index_matches_email_then_phone_under_a_compatible_name_then_name_and_company():
    known = Contact(name="Ann Lee", company="Acme", emails=["a@x.example"], phones=["5550100123"])
    index = ContactIndex([known])
    assert index.match(Contact(name="A. Lee", emails=["A@X.example"])) == (
        known.id,
        "same email A@X.example",
    )
    assert index.match(Contact(name="ann", phones=["555-010-0123"]))[1] == "same phone 555-010-0123"
    # An entry filed under its email has no name to disagree with.
    assert index.match(Contact(name="a@x.example", emails=["a@x.example"])) is not None
    assert index.match(Contact(name="ann  LEE", company="ACME"))[1] == "same name ann LEE at ACME"
    assert index.match(Contact(name="Ann Lee")) is None  # same name, but Acme vs no company


def test_a_shared_phone_or_email_under_another_name_is_a_doubt_not_a_match():
    known = Contact(name="Ann Lee", emails=["office@x.example"], phones=["555 010 0123"])
    index = ContactIndex([known])
    match, doubts = index.place(Contact(name="Bob Stone", phones=["5550100123"]))
    assert match is None
    assert doubts == [(known.id, "same phone 5550100123, names differ")]
    match, doubts = index.place(Contact(name="Cara Diaz", emails=["OFFICE@x.example"]))
    assert match is None and doubts[0][0] == known.id


def test_the_same_external_id_matches_whatever_the_name():
    known = Contact(name="Priya Raman", external_ids=["linkedin:linkedin.com/in/priya"])
    index = ContactIndex([known])
    renamed = Contact(name="Priya R. Iyer", external_ids=["linkedin:linkedin.com/in/priya"])
    assert index.match(renamed) == (known.id, "same id linkedin:linkedin.com/in/priya")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Ann Lee", "ann  LEE", True),
        ("Ann Lee", "A. Lee", True),
        ("Ann Lee", "Ann Lee-Smith", True),
        ("Jon Smith", "John Smith", True),
        ("Ann Lee", "ann@x.example", True),
        ("Ann Lee", "Bob Stone", False),
        ("Ann Lee", "Bob Lee", False),
        ("𝓖𝓲𝓾𝓵𝓲𝓸 Rossi", "Giulio Rossi", True),
    ],
)
def test_compatible_names(a, b, same):
    assert compatible_names(a, b) is same


def test_dupes_then_merge_keeps_everything_and_undo_restores_both(cli, store, db_path):
    jon = store.add_contact(
        Contact(name="Jon Smith", company="Acme", created="2026-01-01T00:00:00+00:00")
    )
    john = store.add_contact(
        Contact(name="John Smith", company="Acme", phones=["555 010 0100"], tags=["board"])
    )
    store.set_stage(john.id, Stage.CALLED, date(2026, 11, 10))
    store.log(Conversation(john.id, date(2026, 11, 10), note="call"))
    other = store.add_contact(Contact(name="Referrer"))
    store.add_referral(Referral(other.id, john.id, date(2026, 11, 1)))
    store.close()

    code, out, _ = cli("dupes")
    assert code == 0
    assert out.splitlines()[0].startswith(f"Jon Smith ({jon.id[:8]}, Acme)  and  John Smith")
    assert "similar names (0.95)" in out
    listed = json.loads(cli("dupes", "--json")[1])
    assert listed == [
        {
            "first": {"id": jon.id, "name": "Jon Smith"},
            "second": {"id": john.id, "name": "John Smith"},
            "reasons": ["similar names (0.95)"],
        }
    ]

    code, out, _ = cli("merge", jon.id[:8], "John Smith")
    assert code == 0
    assert out.startswith(f"Merged John Smith into Jon Smith ({jon.id[:8]}, Acme).\n")
    assert "phones: 555 010 0100" in out and "stage: called" in out
    assert "conversations: 1" in out
    assert cli("dupes")[1] == "No likely duplicates.\n"

    code, out, _ = cli("undo")
    assert code == 0 and "Merge John Smith into Jon Smith" in out
    assert "similar names" in cli("dupes")[1]


def test_merge_errors_are_one_line(cli, store):
    store.add_contact(Contact(name="Ann Lee"))
    store.close()
    code, _, err = cli("merge", "Ann", "Ann Lee")
    assert code == 1 and err == "netui: error: 'Ann' and 'Ann Lee' are the same contact\n"
    code, _, err = cli("merge", "Ann", "Nobody")
    assert code == 1 and err == "netui: error: no contact matches 'Nobody'\n"


def test_styled_letters_are_the_same_name():
    styled = Contact(name="𝓖𝓲𝓾𝓵𝓲𝓸 Ｒｏｓｓｉ", company="Acme")
    assert likely_same(styled, Contact(name="giulio rossi", company="ACME")) == ["same name"]
