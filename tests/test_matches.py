"""Needs and offers: which words match, which never do, and the order of suggestions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from netui.core.followup.matches import category, clean_phrase, find_matches, terms
from netui.core.model import Contact


def person(name, needs=(), offers=(), **extra):
    return Contact(name, needs=list(needs), offers=list(offers), **extra)


def pairs(found):
    return [(m.needer.name, m.giver.name) for m in found]


def test_categories_match_whatever_the_spelling():
    assert category("Intros") == "introductions"
    assert category("  CLIENT ") == "clients"
    assert category("customers") == "clients"
    assert category("info") == "information"
    assert category("an idea") == "ideas"
    assert category("clients in Berlin") is None
    assert clean_phrase("  intro ") == "introductions"
    assert clean_phrase("a  designer\tfor the shop") == "a designer for the shop"


def test_terms_are_folded_singular_and_meaningful():
    assert terms("Introductions to Café owners") == {"introduction", "cafe", "owner"}
    assert terms("help with the new website") == {"website"}
    assert terms("Strategies") == {"strategy"}
    assert terms("business") == {"business"}  # not "busines"


def test_a_need_matches_an_offer_sharing_a_word():
    ann = person("Ann", needs=["clients"])
    bo = person("Bo", offers=["client referrals"])
    cy = person("Cy", offers=["ideas"])
    (match,) = find_matches([ann, bo, cy])
    assert (match.needer, match.giver) == (ann, bo)
    assert (match.need, match.offer) == ("clients", "client referrals")
    assert match.shared == ("client",)
    assert match.to_json()["giver"] == "Bo"


def test_free_text_matches_across_accents_and_case():
    found = find_matches(
        [person("Ann", needs=["a CAFÉ owner in Lyon"]), person("Bo", offers=["cafe owners"])]
    )
    assert pairs(found) == [("Ann", "Bo")]


def test_nobody_is_matched_with_themselves_or_with_a_dud():
    found = find_matches(
        [
            person("Ann", needs=["ideas"], offers=["ideas"]),
            person("Dud", offers=["ideas"], archived=True),
        ]
    )
    assert found == []


def test_stopwords_alone_never_match():
    needer = person("Ann", needs=["help with the move"])
    found = find_matches([needer, person("Bo", offers=["help with the taxes"])])
    assert found == []


def test_stronger_matches_first_and_a_cap_per_need():
    needer = person("Ann", needs=["python data engineers"])
    weak = [person(f"W{i}", offers=["data"]) for i in range(8)]
    strong = person("Zed", offers=["python data engineers"])
    found = find_matches([needer, *weak, strong], per_need=3)
    assert pairs(found) == [("Ann", "Zed"), ("Ann", "W0"), ("Ann", "W1")]
    assert found[0].shared == ("data", "engineer", "python")


@given(st.lists(st.text(max_size=20), max_size=4), st.lists(st.text(max_size=20), max_size=4))
def test_matching_any_text_never_fails_and_is_symmetric_in_words(needs, offers):
    found = find_matches([person("A", needs=needs), person("B", offers=offers)])
    for m in found:
        assert set(m.shared) <= terms(m.need) & terms(m.offer)
        assert m.shared
