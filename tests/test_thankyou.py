"""Thank-you drafts: the template's fields, its mistakes, and the sent copy in the diary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netui.core.config import DEFAULT_THANK_YOU
from netui.core.errors import ConfigError, TemplateError, ValidationError
from netui.core.followup.referrals import record_referral
from netui.core.followup.thankyou import (
    check_template,
    draft,
    draft_for_introduction,
    first_name,
    mark_sent,
    met_when,
    record_sent,
)
from netui.core.model import Channel, Contact, Stage
from tests.conftest import TODAY


def ann(**changes) -> Contact:
    values = {
        "name": "Ann Lee",
        "met_at": "the PyData meetup",
        "met_on": TODAY - timedelta(days=1),
        "mention": "her book on sailing",
    }
    return Contact(**{**values, **changes})


def test_default_template_names_the_person_the_event_the_day_and_the_mention():
    text = draft(ann(), DEFAULT_THANK_YOU, TODAY)
    assert text.startswith("Dear Ann,\n")
    assert "Thank you for the conversation at the PyData meetup yesterday." in text
    assert "I especially enjoyed our talk about her book on sailing." in text


def test_missing_event_and_mention_leave_no_gaps_or_stray_spaces():
    text = draft(ann(met_at="", mention="", met_on=TODAY), DEFAULT_THANK_YOU, TODAY)
    assert "at our meeting today." in text
    assert "  " not in text and " ." not in text
    assert all(line == line.rstrip() for line in text.splitlines())


@pytest.mark.parametrize(
    ("days_ago", "said"),
    [(0, "today"), (1, "yesterday"), (3, "on Saturday"), (10, "on 14 November")],
)
def test_met_when_reads_like_a_letter(days_ago, said):
    assert met_when(TODAY - timedelta(days=days_ago), TODAY) == said


def test_met_when_gives_the_year_only_for_another_year():
    assert met_when(date(2025, 3, 14), TODAY) == "on 14 March 2025"
    assert met_when(None, TODAY) == ""


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Ann Lee", "Ann"),
        ("Dr. Ann Lee", "Ann"),
        ("Prof Bo", "Bo"),
        ("Cher", "Cher"),
        ("Dr.", "Dr."),
    ],
)
def test_first_name_skips_titles(name, greeting):
    assert first_name(name) == greeting


def test_every_documented_field_can_be_used():
    template = "{name}|{first_name}|{company}|{title}|{met_at}|{met_on}|{met_when}|{mention}"
    text = draft(ann(company="Acme", title="CTO"), template, TODAY)
    assert text.strip() == (
        "Ann Lee|Ann|Acme|CTO|the PyData meetup|Mon 23 Nov 2026|yesterday|her book on sailing"
    )


@pytest.mark.parametrize(
    ("template", "says"),
    [
        ("Hi {nickname}", "unknown field {nickname}"),
        ("Hi {first_name.__class__}", "unknown field {first_name.__class__}"),
        ("Hi {0}", "unknown field {0}"),
        ("Hi {}", "unknown field {}"),
        ("Hi {first_name", "malformed"),
        ("Hi }", "malformed"),
        ("Hi {first_name:{nope}}", "format spec"),
        ("Hi {first_name:d}", "format spec"),
        ("Hi {name:>900000000}", "{name:>900000000} has a format spec"),  # issue 17.8: ~1 GB
        ("Hi {name!r}", "write plain {name}"),
        ("Hi {name!s:^99999999999}", "format spec"),
    ],
)
def test_a_bad_template_is_a_clear_error_not_a_crash(template, says):
    with pytest.raises(TemplateError, match=r".*") as caught:
        draft(ann(), template, TODAY)
    assert says in str(caught.value)
    assert isinstance(caught.value, ConfigError)  # the CLI prints it as one line


def test_literal_braces_are_written_doubled():
    assert draft(ann(), "{{ok}} {first_name}", TODAY).strip() == "{ok} Ann"


@given(st.text(max_size=60))
def test_any_template_drafts_or_says_what_is_wrong(template):
    try:
        check_template(template)
    except TemplateError:
        return
    text = draft(ann(), template, TODAY)
    assert text.endswith("\n")


def test_user_text_in_fields_is_not_reinterpreted_as_a_template():
    text = draft(ann(name="{mention} [b]x", mention="{name}"), "{first_name}: {mention}", TODAY)
    assert text.strip() == "{mention}: {name}"


def test_introduction_note_names_who_you_were_introduced_to():
    referrer, referred = ann(), Contact("Carol King")
    text = draft_for_introduction(referrer, referred, TODAY)
    assert text.startswith("Dear Ann,")
    assert "introducing me to Carol King." in text


def test_sent_note_is_kept_as_correspondence_on_a_diary_entry(store):
    contact = store.add_contact(ann())
    conv = record_sent(store, contact.id, "Dear Ann,\nthanks!\n", Channel.NOTE, TODAY)
    saved = store.conversations_of(contact.id)[0]
    assert saved.id == conv.id
    assert saved.channel is Channel.NOTE
    assert saved.correspondence == ["Dear Ann,\nthanks!"]
    assert "handwritten" in saved.note
    assert store.get(contact.id).last_contact_on == TODAY


def test_a_thank_you_is_not_sent_by_phone(store):
    contact = store.add_contact(ann())
    with pytest.raises(ValidationError):
        record_sent(store, contact.id, "hi", Channel.CALL, TODAY)
    assert store.conversations_of(contact.id) == []


def test_marking_sent_from_anywhere_also_marks_the_step(store):
    contact = store.add_contact(ann())
    mark_sent(store, contact.id, "Dear Ann", Channel.EMAIL, TODAY)
    assert store.get(contact.id).stage is Stage.THANKED
    assert store.conversations_of(contact.id)[0].correspondence == ["Dear Ann"]
    mark_sent(store, contact.id, "Again", Channel.EMAIL, TODAY)  # already thanked: only logged
    assert store.get(contact.id).reached_on(Stage.THANKED) == TODAY
    assert len(store.get(contact.id).stage_history) == 2


def test_marking_an_introduction_thank_you_sent_marks_the_referral(store):
    contact = store.add_contact(ann())
    ref, _ = record_referral(store, contact.id, "Cy", on=TODAY)
    conv = mark_sent(store, contact.id, "Thanks!", Channel.NOTE, TODAY, referral_id=ref.id)
    assert store.referral(ref.id).thanked_on == TODAY
    assert store.get(contact.id).stage is Stage.MET  # a thanks for the introduction only
    assert store.conversations_of(contact.id)[0].id == conv.id
