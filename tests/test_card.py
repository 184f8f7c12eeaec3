"""One card: `netui show` prints every field the core's contact_card lists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from netui.core.followup.card import contact_card
from netui.core.model import Contact, Referral
from tests.conftest import TODAY, ok


@pytest.fixture
def full(store, frozen_today) -> Contact:
    """A contact with something in every card field."""
    ann = store.add_contact(
        Contact(
            "Ann Lee",
            title="CTO",
            company="Acme",
            emails=["ann@acme.example"],
            phones=["555-0100"],
            reach="text first",
            met_at="Expo",
            met_on=TODAY - timedelta(days=3),
            mention="her dog Rex",
            tags=["law"],
            needs=["designer"],
            offers=["intros"],
            cadence_days=30,
            notes="line one\nline two",
        )
    )
    bob = store.add_contact(Contact("Bob Stone"))
    store.add_referral(Referral(referrer_id=ann.id, referred_id=bob.id, on=TODAY))
    return store.get(ann.id)


def test_the_card_has_every_field(store, full):
    card = contact_card(store, full, TODAY)
    keys = [f.key for f in card.fields]
    assert keys == [
        "role",
        "reach",
        "best way",
        "met",
        "ladder",
        "next",
        "mention",
        "referral",
        "tags",
        "needs",
        "offers",
        "keep in touch",
        "notes",
    ]
    assert card.fields[1].text == "ann@acme.example · 555-0100"


def test_netui_show_prints_every_field_of_the_card(cli, store, full):
    shown = ok(cli("show", "Ann Lee"))
    for field in contact_card(store, full, TODAY).fields:
        label = f"{field.label.lower()}: " if field.label else ""
        assert f"  {label}{field.text}" in shown, field.key
