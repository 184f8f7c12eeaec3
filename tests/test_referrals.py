"""Recording referrals: create or link the referred contact, in one undoable change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from netui.core.errors import AmbiguousContact, ValidationError
from netui.core.followup.referrals import describe, existing_contact, ladder, record_referral
from netui.core.model import Contact, Introduce
from tests.conftest import TODAY


@pytest.fixture
def ann(store):
    return store.add_contact(Contact("Ann Lee", met_on=TODAY))


def test_a_new_name_becomes_a_contact_referred_by_the_referrer(store, ann):
    ref, created = record_referral(
        store,
        ann.id,
        "Carol King",
        on=TODAY,
        company="Acme",
        introduce=Introduce.AGREED,
        call_ahead=True,
        shared_details=True,
        reach="mornings, by phone",
        may_use_name=False,
        note="knows everyone in logistics",
    )
    assert created
    carol = store.get(ref.referred_id)
    assert (carol.name, carol.company, carol.referred_by) == ("Carol King", "Acme", ann.id)
    assert carol.reach == ref.reach == "mornings, by phone"
    assert ref.introduce is Introduce.AGREED and ref.call_ahead and ref.shared_details
    assert ref.may_use_name is False and ref.note == "knows everyone in logistics"
    # Shown on both contacts.
    assert store.referrals_of(ann.id) == [ref] == store.referrals_of(carol.id)


def test_recording_is_one_change_that_one_undo_takes_back(store, ann):
    record_referral(store, ann.id, "Carol King", on=TODAY)
    assert store.undo_description == "Ann Lee referred Carol King"
    store.undo()
    assert store.referrals() == []
    assert [c.name for c in store.contacts()] == ["Ann Lee"]


def test_the_referrer_is_queued_for_thanks_the_next_day(store, ann):
    record_referral(store, ann.id, "Carol King", on=TODAY)
    assert not [i for i in store.queue(TODAY) if i.kind == "thank-referrer"]
    (item,) = [i for i in store.queue(TODAY + timedelta(days=1)) if i.kind == "thank-referrer"]
    assert item.contact.id == ann.id
    assert item.action == "Thank Ann Lee for the introduction to Carol King"


def test_an_exact_name_links_the_existing_contact(store, ann):
    bo = store.add_contact(Contact("Bö Smith"))
    ref, created = record_referral(store, ann.id, "  bo   SMITH ", on=TODAY)
    assert not created and ref.referred_id == bo.id
    assert store.get(bo.id).referred_by == ann.id
    assert len(store.contacts()) == 2


def test_a_partial_name_does_not_link(store, ann):
    store.add_contact(Contact("Bo Smith"))
    _, created = record_referral(store, ann.id, "Bo", on=TODAY)
    assert created and len(store.contacts()) == 3


def test_an_id_links_even_when_names_repeat(store, ann):
    first = store.add_contact(Contact("Bo"))
    store.add_contact(Contact("Bo"))
    with pytest.raises(AmbiguousContact):
        record_referral(store, ann.id, "Bo", on=TODAY)
    ref, created = record_referral(store, ann.id, first.id, on=TODAY)
    assert not created and ref.referred_id == first.id
    assert existing_contact(store, "nobody") is None


def test_no_one_refers_themselves_and_blank_names_are_refused(store, ann):
    with pytest.raises(ValidationError):
        record_referral(store, ann.id, "Ann Lee", on=TODAY)
    with pytest.raises(ValidationError):
        record_referral(store, ann.id, "   ", on=TODAY)
    assert store.referrals() == []


def test_the_ladder_reads_as_short_phrases(store, ann):
    ref, _ = record_referral(
        store, ann.id, "Cy", on=TODAY, introduce=Introduce.DECLINED, call_ahead=False,
        may_use_name=True, reach="email",
    )  # fmt: skip
    assert ladder(ref) == [
        "introduction declined",
        "won't call ahead",
        "you may use their name",
        "reach: email",
    ]
    people = store.contacts_by_id
    assert describe(ref, people, ref.referred_id).startswith("referred by Ann Lee on Tue 24 Nov")
    on_referrer = describe(ref, people, ann.id)
    assert on_referrer.startswith("referred Cy on") and on_referrer.endswith("not thanked yet")
    store.update_referral(ref.id, thanked_on=TODAY)
    assert describe(store.referral(ref.id), people, ann.id).endswith("thanked Tue 24 Nov 2026")
