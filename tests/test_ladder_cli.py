"""The ladder commands through the real entry point: review, refer, thank, needs, matches,
cadence, stats, and their one-line errors."""

from __future__ import annotations

import json

import pytest

from tests.conftest import error, ok


@pytest.fixture
def people(cli):
    ok(cli("add", "Ann Lee", "--met-at", "PyCon", "--met-on", "3 days ago",
           "--mention", "her trip to Lisbon"))  # fmt: skip
    ok(cli("add", "Bo Chen", "--met-at", "pycon", "--met-on", "yesterday"))
    return cli


def test_review_list_prints_overdue_then_today_with_the_step(people):
    text = ok(people("review", "--list"))
    assert text.startswith("Daily review, Tue 24 Nov 2026: 1 overdue, 1 due today.\n")
    assert text.index("Ann Lee") < text.index("Bo Chen")
    assert "do: Mark thanked" in text and "mention: her trip to Lisbon" in text
    assert "press r" not in text
    assert "press r" in ok(people("review"))


def test_review_json(people):
    plan = json.loads(ok(people("review", "--json")))
    assert [(p["name"], p["overdue"], p["step"], p["kind"]) for p in plan] == [
        ("Ann Lee", True, "Mark thanked", "stage"),
        ("Bo Chen", False, "Mark thanked", "stage"),
    ]


def test_empty_review(cli):
    assert ok(cli("review", "--list")) == "Nothing due today: all caught up.\n"
    assert json.loads(ok(cli("review", "--json"))) == []


def test_refer_creates_the_contact_with_the_ladder(people):
    text = ok(people("refer", "Ann", "Carol King", "--company", "Acme", "--introduce", "agreed",
                     "--call-ahead", "--shared-details", "--reach", "mornings",
                     "--no-may-use-name", "--note", "logistics"))  # fmt: skip
    assert text.startswith("Added Carol King (")
    assert "introduction agreed; will call ahead; gave contact details" in text
    assert "don't use their name; reach: mornings" in text
    assert "thank Ann Lee for the introduction, due tomorrow" in text
    carol = json.loads(ok(people("show", "Carol King", "--json")))
    assert carol["company"] == "Acme" and carol["referred_by"]
    (ref,) = carol["referrals"]
    assert (ref["introduce"], ref["call_ahead"], ref["may_use_name"]) == ("agreed", True, False)
    tomorrow = json.loads(ok(people("queue", "--on", "tomorrow", "--json")))
    assert "Thank Ann Lee for the introduction to Carol King" in [i["action"] for i in tomorrow]


def test_refer_links_an_existing_contact_by_exact_name(people):
    assert ok(people("refer", "Ann", "bo chen")).startswith("Linked Bo Chen (")
    assert len(json.loads(ok(people("list", "--json")))) == 2


def test_refer_errors_are_one_line(people):
    assert "no contact matches 'Nobody'" in error(people("refer", "Nobody", "X"))
    assert "cannot refer themselves" in error(people("refer", "Ann", "Ann Lee"))
    assert "blank" in error(people("refer", "Ann", "  "))
    with pytest.raises(SystemExit) as exited:
        people("refer", "Ann", "X", "--introduce", "maybe")
    assert exited.value.code == 2


def test_thank_marks_every_pending_introduction_in_one_undo(people):
    ok(people("refer", "Ann", "Carol King"))
    ok(people("refer", "Ann", "Dan Ortiz"))
    text = ok(people("thank", "Ann"))
    assert text.count("Thanked Ann Lee for the introduction") == 2
    assert "no introduction waiting" in error(people("thank", "Ann"))
    assert ok(people("undo")) == "Undid: Thank Ann Lee for 2 introductions\n"
    assert ok(people("thank", "Ann")).count("Thanked") == 2


def test_thank_by_referral_id(people):
    ok(people("refer", "Ann", "Carol King"))
    (ref,) = json.loads(ok(people("show", "Carol King", "--json")))["referrals"]
    assert ok(people("thank", ref["id"][:8])) == (
        "Thanked Ann Lee for the introduction to Carol King.\n"
    )


def test_thank_without_an_introduction_says_how_to_mark_the_thank_you_note(people):
    message = error(people("thank", "Bo"))
    assert "Bo Chen has no introduction waiting for thanks" in message
    assert "netui stage" in message and "thanked" in message
    assert json.loads(ok(people("show", "Bo", "--json")))["stage"] == "met"


def test_thank_draft_prints_the_note_and_changes_nothing(people):
    note = ok(people("thank", "Ann", "--draft"))
    assert note.startswith("Dear Ann,\n")
    assert "at PyCon on Saturday" in note and "her trip to Lisbon" in note
    ok(people("refer", "Ann", "Carol King"))
    assert "introducing me to Carol King" in ok(people("thank", "Ann", "--draft"))
    assert json.loads(ok(people("show", "Ann", "--json")))["stage"] == "met"


def test_a_broken_template_is_a_one_line_error(people, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('thank_you_template = "Hi {nick}"\n')
    monkeypatch.setenv("NETUI_CONFIG", str(config))
    assert "unknown field {nick}" in error(people("thank", "Ann", "--draft"))


def test_needs_and_offers_then_matches(people):
    out = ok(people("needs", "Ann", "--need", "Clients", "--need", "clients", "--offer", "intros"))
    assert out == "Ann Lee needs: clients\nAnn Lee offers: introductions\n"
    ok(people("needs", "Bo", "--need", "introductions to investors", "--offer", "a lawyer"))
    assert ok(people("matches")) == (
        'Introduce Bo Chen to Ann Lee: Bo Chen needs "introductions to investors"; '
        'Ann Lee offers "introductions".\n'
    )
    (match,) = json.loads(ok(people("matches", "--json")))
    assert (match["needer"], match["giver"], match["shared"]) == ("Bo Chen", "Ann Lee",
                                                                  ["introduction"])  # fmt: skip
    assert ok(people("needs", "Ann", "--remove", "intro")).endswith("offers: -\n")
    assert ok(people("needs", "Bo", "--clear")) == "Bo Chen needs: -\nBo Chen offers: -\n"
    assert ok(people("matches")).startswith("No matches yet.")


def test_cadence_sets_resets_and_refuses_nonsense(people):
    ok(people("stage", "Ann", "coffee"))
    text = ok(people("cadence", "Ann", "14"))
    assert text == (
        "Keep in touch with Ann Lee every 14 days.\n"
        "Next: Keep in touch, due in 2 weeks (Tue 8 Dec 2026).\n"
    )
    assert "every 30 days (the default)" in ok(people("cadence", "Ann", "default"))
    assert "once you have met for coffee" in ok(people("cadence", "Bo", "90"))
    for bad in ("0", "-3", "two", "99999"):
        assert "whole number of days" in error(people("cadence", "Ann", bad))


def test_stats_text_and_json(people):
    ok(people("stage", "Ann", "thanked"))
    ok(people("archive", "Bo"))
    text = ok(people("stats"))
    assert "Contacts: 2 (1 active, 1 duds)" in text
    assert "50% of met" in text and "met → coffee: 0%" in text
    assert "PyCon" in text and "0 / 2" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    data = json.loads(ok(people("stats", "--json")))
    assert [s["reached"] for s in data["funnel"]] == [2, 1, 0, 0]
    assert data["funnel"][1]["median_days"] == 3.0
    assert data["duds"] == 1 and data["events"] == [{"event": "PyCon", "contacts": 2, "coffee": 0}]


def test_user_text_with_control_characters_is_printed_escaped(people):
    ok(people("refer", "Ann", "Evil\x1b[2J Name"))
    text = ok(people("review", "--list")) + ok(people("stats"))
    assert "\x1b" not in text
    assert "Evil\\x1b[2J Name" in ok(people("thank", "Ann"))
