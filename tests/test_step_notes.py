"""A step with what was said: `netui stage --note`, the store's one-change write, the stats."""

from __future__ import annotations

import json
from datetime import timedelta

from netui.core.followup.stats import steps_with_notes
from netui.core.model import Channel, Contact, Conversation, Stage, StageStep
from tests.conftest import TODAY, error, ok


def test_stage_with_a_note_logs_the_call_in_the_same_change(cli):
    ok(cli("add", "Dana Kim"))
    out = ok(
        cli(
            "stage",
            "Dana",
            "called",
            "--note",
            "Estate law; wants referrals",
            "--recommended",
            "Gus Hale",
        )
    )
    assert "Dana Kim: met → called" in out and "Logged call with Dana Kim" in out
    card = json.loads(ok(cli("show", "Dana", "--json")))
    assert card["stage"] == "called"
    (said,) = card["conversations"]
    assert (said["channel"], said["note"], said["recommended"]) == (
        "call",
        "Estate law; wants referrals",
        "Gus Hale",
    )
    ok(cli("undo"))  # one undo takes both back
    card = json.loads(ok(cli("show", "Dana", "--json")))
    assert card["stage"] == "met" and card["conversations"] == []


def test_stage_note_from_stdin_and_an_explicit_channel(cli):
    ok(cli("add", "Dana Kim"))
    ok(
        cli(
            "stage",
            "Dana",
            "coffee",
            "--note",
            "-",
            "--channel",
            "in-person",
            stdin="Lunch at Rosa's\nshe is moving to Porto\n",
        )
    )
    (said,) = json.loads(ok(cli("show", "Dana", "--json")))["conversations"]
    assert said["note"] == "Lunch at Rosa's\nshe is moving to Porto"
    assert said["channel"] == "in-person"


def test_stage_without_a_note_logs_nothing_and_a_lone_channel_is_refused(cli):
    ok(cli("add", "Dana Kim"))
    ok(cli("stage", "Dana", "called"))
    assert json.loads(ok(cli("show", "Dana", "--json")))["conversations"] == []
    assert "--channel goes with --note" in error(
        cli("stage", "Dana", "coffee", "--channel", "call")
    )
    assert json.loads(ok(cli("show", "Dana", "--json")))["stage"] == "called"


def test_stats_count_calls_and_coffees_with_notes(cli):
    ok(cli("add", "Ann Lee"))
    ok(cli("add", "Bo Chen"))
    ok(cli("stage", "Ann", "called", "--note", "talked shop"))
    ok(cli("stage", "Bo", "called"))
    data = json.loads(ok(cli("stats", "--json")))
    assert data["steps_with_notes"] == [
        {"stage": "called", "steps": 2, "with_notes": 1},
        {"stage": "coffee", "steps": 0, "with_notes": 0},
    ]
    assert "With notes in the diary: 1 of 2 calls, 0 of 0 coffees" in ok(cli("stats"))


def test_a_step_has_notes_when_something_was_said_that_day():
    called = TODAY - timedelta(days=3)
    ann = Contact("Ann", stage=Stage.CALLED, stage_history=[StageStep(Stage.CALLED, called)])
    bo = Contact("Bo", stage=Stage.CALLED, stage_history=[StageStep(Stage.CALLED, called)])
    said = [
        Conversation(ann.id, called, channel=Channel.CALL, did="sent the deck"),
        Conversation(bo.id, called, channel=Channel.CALL, note="   "),  # blank: not notes
        Conversation(bo.id, called - timedelta(days=1), note="another day"),
    ]
    calls, coffees = steps_with_notes([ann, bo], said)
    assert (calls.total, calls.good) == (2, 1)
    assert (coffees.total, coffees.good) == (0, 0)
