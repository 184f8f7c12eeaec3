"""Introductions the user makes: the record, both diaries, the follow-up rule, the drafts,
the stats, the exports, undo, and the CLI."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from netui.core.config import Settings
from netui.core.errors import TemplateError
from netui.core.followup import review
from netui.core.followup.introductions import balances, draft, fields
from netui.core.followup.stats import stats_of
from netui.core.io.archive import read_json
from netui.core.io.export import render
from netui.core.model import Contact, Introduction, IntroStatus, Referral
from tests.conftest import TODAY, error, ok


@pytest.fixture
def pair(store, frozen_today):
    dana = store.add_contact(
        Contact("Dana Kim", title="Partner", company="Pine & Oak", needs=["a customs broker"])
    )
    gus = store.add_contact(Contact("Gus Hale", company="Acme", offers=["customs brokerage"]))
    return store, dana, gus


def test_an_introduction_is_dated_in_both_diaries_and_one_undo(pair):
    store, dana, gus = pair
    intro = store.introduce(dana.id, gus.id, TODAY, note="Dana needs a broker")
    assert (intro.status, intro.note) == (IntroStatus.ASKED, "Dana needs a broker")
    (on_dana,) = store.conversations_of(dana.id)
    (on_gus,) = store.conversations_of(gus.id)
    assert on_dana.note == "Introduction to Gus Hale: asked — Dana needs a broker"
    assert on_gus.note == "Introduction to Dana Kim: asked — Dana needs a broker"
    assert set(intro.conversation_ids) == {on_dana.id, on_gus.id}  # linked to each other
    moved = store.introduce(gus.id, dana.id, TODAY + timedelta(days=2), IntroStatus.INTRODUCED)
    assert moved.id == intro.id  # either order names the same introduction
    assert [s.status for s in moved.history] == [IntroStatus.ASKED, IntroStatus.INTRODUCED]
    assert moved.status_on(IntroStatus.INTRODUCED) == TODAY + timedelta(days=2)
    store.undo()
    assert store.introduction(intro.id).status is IntroStatus.ASKED
    assert len(store.conversations_of(dana.id)) == 1


def test_ask_how_it_went_is_due_after_the_setting_and_d_in_review_logs_it(pair):
    store, dana, gus = pair
    intro = store.introduce(dana.id, gus.id, TODAY - timedelta(days=14), IntroStatus.INTRODUCED)
    items = [i for i in store.queue(TODAY) if i.kind == "ask-introduction"]
    assert [(i.contact.id, i.action, i.due) for i in items] == [
        (dana.id, "Ask Dana Kim how the introduction to Gus Hale went", TODAY)
    ]
    assert not [i for i in store.queue(TODAY - timedelta(days=1)) if i.kind == "ask-introduction"]
    step = review.perform(store, items[0], TODAY)
    assert step.kind is review.StepKind.ASK_INTRODUCTION
    assert store.introduction(intro.id).followed_up_on == TODAY
    assert "went" in store.conversations_of(dana.id)[0].note
    assert not [i for i in store.queue(TODAY) if i.kind == "ask-introduction"]


def test_the_follow_up_interval_is_a_setting(pair):
    store, dana, gus = pair
    store.introduce(dana.id, gus.id, TODAY - timedelta(days=3), IntroStatus.INTRODUCED)
    assert not [i for i in store.queue(TODAY) if i.kind == "ask-introduction"]
    store.settings = Settings(introduction_follow_up_days=3)
    assert [i for i in store.queue(TODAY) if i.kind == "ask-introduction"]


def test_the_ask_and_the_introduction_drafts_use_needs_offers_and_why(pair):
    _, dana, gus = pair
    ask = draft(dana, gus, "", Settings(), IntroStatus.ASKED)
    assert ask.startswith("Hi Dana,")
    assert "introduce you to Gus Hale (Acme)?" in ask
    assert "Dana is looking for a customs broker; Gus Hale offers customs brokerage" in ask
    made = draft(dana, gus, "you both love sailing", Settings(), IntroStatus.INTRODUCED)
    assert "Hi Dana and Gus," in made
    assert "Dana, meet Gus Hale (Acme). Gus, meet Dana Kim (Partner at Pine & Oak)." in made
    assert "I thought of you two because you both love sailing." in made
    assert set(fields(dana, gus, "")) >= {"a_needs", "b_offers", "why"}


def test_a_bad_introduction_template_is_a_clear_error(pair):
    _, dana, gus = pair
    with pytest.raises(TemplateError, match=r"introduction template uses unknown field \{nick\}"):
        draft(dana, gus, "", Settings(introduction_template="Hi {nick}"), IntroStatus.AGREED)


def test_stats_count_per_month_and_the_balance_of_help(pair):
    store, dana, gus = pair
    store.introduce(dana.id, gus.id, TODAY, IntroStatus.INTRODUCED)
    store.add_referral(Referral(gus.id, dana.id, TODAY))
    stats = stats_of(store, TODAY)
    assert stats.introductions_per_month == {"2026-11": {"introduced": 1}}
    texts = [b.text() for b in stats.balances]
    assert "you introduced Dana to 1 person; Dana referred 0 to you" in texts
    assert "you introduced Gus to 1 person; Gus referred 1 to you" in texts
    made = [Introduction(dana.id, gus.id, TODAY, status=IntroStatus.DECLINED)]
    assert balances(store.contacts_by_id, made, []) == []  # declined: no help given


def test_json_export_carries_introductions_and_delete_or_merge_keep_them_whole(pair, tmp_path):
    store, dana, gus = pair
    intro = store.introduce(dana.id, gus.id, TODAY, note="why not")
    bundle = read_json(render(store, "json", TODAY).text)
    assert [i.id for i in bundle.introductions] == [intro.id]
    eve = store.add_contact(Contact("Eve Fox"))
    store.merge(eve.id, gus.id)  # Gus merged into Eve: the introduction follows
    assert store.introduction(intro.id).b_id == eve.id
    store.delete_contact(dana.id)  # and goes with a deleted side
    assert store.introductions() == []


def test_cli_introduce_status_draft_json_and_list(cli):
    ok(cli("add", "Dana Kim", "--company", "Pine & Oak"))
    ok(cli("add", "Gus Hale"))
    ok(cli("needs", "Dana", "--need", "a broker"))
    assert "Would you like me to introduce you to Gus Hale?" in ok(
        cli("introduce", "Dana", "Gus", "--draft")
    )
    assert "asked" in ok(cli("introduce", "Dana", "Gus", "--note", "she needs a broker"))
    data = json.loads(ok(cli("introduce", "Dana", "Gus", "--status", "introduced", "--json")))
    assert (data["a_name"], data["b_name"], data["status"]) == (
        "Dana Kim",
        "Gus Hale",
        "introduced",
    )
    assert "Dana, meet Gus Hale." in ok(cli("introduce", "Dana", "Gus", "--draft"))
    listed = json.loads(ok(cli("introductions", "--json")))
    assert [i["status"] for i in listed] == ["introduced"]
    card = json.loads(ok(cli("show", "Gus", "--json")))
    assert card["introductions"][0]["note"] == "she needs a broker"
    assert "you introduced them to Dana Kim (asked" in ok(cli("show", "Gus"))
    assert "unknown status" in error(cli("introduce", "Dana", "Gus", "--status", "maybe"))
    assert "two different contacts" in error(cli("introduce", "Dana", "Dana"))
