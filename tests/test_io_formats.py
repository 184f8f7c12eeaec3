"""Reading files safely, recognising formats, the JSON archive, iCalendar and Markdown."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import icalendar
import pytest

from netui.core.errors import BadRecords, UnreadableFile, UnwritableFile
from netui.core.io.archive import read_json, write_json
from netui.core.io.diary import md, write_markdown
from netui.core.io.files import decode, read_text, vcard_files, write_atomic
from netui.core.io.ics import write_ics
from netui.core.io.reader import read_path, sniff_format
from netui.core.model import Channel, Contact, Conversation, Referral, Stage, StageStep
from netui.core.rules import QueueItem

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("fixture", "fmt"),
    [
        ("phone_21.vcf", "vcard"),
        ("apple_30.vcf", "vcard"),
        ("linkedin_connections.csv", "linkedin"),
        ("google_contacts.csv", "csv"),
        ("outlook.csv", "csv"),
        ("semicolons.csv", "csv"),
    ],
)
def test_format_is_recognised_from_content(fixture, fmt):
    assert sniff_format(read_text(FIXTURES / fixture)) == fmt


def test_linkedin_export_without_preamble_is_still_recognised():
    text = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    assert sniff_format(text) == "linkedin"


def test_unrecognised_content_is_an_unreadable_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Dear diary,\nnothing to import here.\n")
    with pytest.raises(UnreadableFile, match=r"cannot tell what format notes\.txt is in"):
        read_path(path)


def test_encodings_utf8_bom_utf16_and_windows_1252_are_decoded():
    assert decode("\ufeffName\n".encode()) == "Name\n"
    assert decode("Zoë\n".encode("utf-16")) == "Zoë\n"
    assert decode("Zoë\n".encode("cp1252")) == "Zoë\n"


def test_binary_and_missing_files_are_unreadable(tmp_path):
    with pytest.raises(UnreadableFile, match="not a text file"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    with pytest.raises(UnreadableFile, match=r"cannot read .*missing\.vcf: No such file"):
        read_text(tmp_path / "missing.vcf")


def test_folder_listing_is_sorted_recursive_and_ignores_other_files():
    listing = vcard_files(FIXTURES / "vcf_folder")
    root = (FIXTURES / "vcf_folder").resolve()
    assert [p.relative_to(root).as_posix() for p in listing.files] == [
        "ann.vcf",
        "bob.VCF",
        "more/cara.vcf",
    ]


def test_folder_import_never_follows_links_outside_the_folder(tmp_path):
    secret = tmp_path / "secret.vcf"
    secret.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Secret\nEND:VCARD\n")
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "ok.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Fine\nEND:VCARD\n")
    os.symlink(secret, folder / "escape.vcf")
    os.symlink(folder / "ok.vcf", folder / "inside.vcf")
    os.symlink(tmp_path, folder / "loop", target_is_directory=True)
    bundle = read_path(folder)
    assert [r.contact.name for r in bundle.contacts] == ["Fine", "Fine"]
    assert bundle.skipped == [("escape.vcf", "a link leading outside the folder, not followed")]


def test_folder_errors_name_the_file_and_card(tmp_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "a.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n")
    (folder / "b.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:B\nnonsense\nEND:VCARD\n")
    assert [r.contact.name for r in read_path(folder).contacts] == ["A", "B"]
    with pytest.raises(BadRecords) as caught:
        read_path(folder, strict=True)
    assert caught.value.problems[0].startswith("b.vcf: card 1 (line 1): line 4: unreadable")


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_atomic_write_into_a_missing_folder_is_a_clean_error(tmp_path):
    with pytest.raises(UnwritableFile, match=r"cannot write .*out\.csv: No such file"):
        write_atomic(tmp_path / "nowhere" / "out.csv", "x")


def _sample() -> tuple[list[Contact], list[Conversation], list[Referral]]:
    ann = Contact(
        name="Ann Lee",
        stage=Stage.CALLED,
        met_on=date(2024, 5, 1),
        stage_history=[
            StageStep(Stage.MET, date(2024, 5, 1)),
            StageStep(Stage.THANKED, date(2024, 5, 2)),
            StageStep(Stage.CALLED, date(2024, 5, 9)),
        ],
        archived=True,
        cadence_days=14,
    )
    bob = Contact(name="Bob 李", referred_by=ann.id)
    conv = Conversation(ann.id, date(2024, 5, 9), channel=Channel.CALL, note="Talked \x00 shop")
    ref = Referral(ann.id, bob.id, date(2024, 5, 10), call_ahead=True)
    return [ann, bob], [conv], [ref]


def test_json_archive_round_trips_every_field_and_id():
    contacts, conversations, referrals = _sample()
    bundle = read_json(write_json(contacts, conversations, referrals))
    assert [r.contact.to_dict() for r in bundle.contacts] == [c.to_dict() for c in contacts]
    assert [c.to_dict() for c in bundle.conversations] == [c.to_dict() for c in conversations]
    assert [r.to_dict() for r in bundle.referrals] == [r.to_dict() for r in referrals]
    assert bundle.distinct


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ("[1, 2]", 'not a netui export (no "format": "netui")'),
        ('{"format": "netui", "version": 99}', "export version 99 is newer than this netui reads"),
        ('{"format": "netui", "version": 1,\n "contacts": [}', "line 2: not valid JSON"),
        (
            '{"format": "netui", "version": 1, "contacts": [{"name": "A", "stage": "boss"}]}',
            "contact 1: 'boss' is not a valid Stage",
        ),
        (
            '{"format": "netui", "version": 1, "contacts": [],'
            ' "conversations": [{"contact_id": "x", "on": "2024-01-01"}]}',
            "conversation 1: its contact 'x' is not in the file",
        ),
    ],
)
def test_bad_json_archives_are_refused_with_the_record_number(document, problem):
    with pytest.raises(BadRecords) as caught:
        read_json(document)
    assert caught.value.problems[0].startswith(problem)


def test_ics_has_one_all_day_event_per_follow_up_with_action_and_contact():
    today = date(2026, 11, 24)
    ann = Contact(name="Ann Lee", company="Acme", emails=["ann@acme.example"])
    bob = Contact(name="Bob [b]Stone\x1b[31m")
    items = [
        QueueItem(ann, "Call", date(2026, 11, 20), overdue=True),
        QueueItem(bob, "Send a thank-you note", date(2026, 11, 30), overdue=False),
    ]
    calendar = icalendar.Calendar.from_ical(write_ics(items, today))
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == [
        "Call: Ann Lee",
        "Send a thank-you note: Bob [b]Stone\\x1b[31m",
    ]
    # Overdue work lands on today, not in the past; every event is a whole day.
    assert [e.decoded("dtstart") for e in events] == [today, date(2026, 11, 30)]
    assert [e.decoded("dtend") for e in events] == [date(2026, 11, 25), date(2026, 12, 1)]
    assert "Overdue since 2026-11-20" in str(events[0]["description"])
    assert "Email: ann@acme.example" in str(events[0]["description"])
    assert str(events[0]["uid"]) == f"{ann.id}-stage@netui"


def test_markdown_escapes_markup_and_control_characters():
    assert md("<script>[x](javascript:y)</script>") == (
        "\\<script\\>\\[x\\](javascript:y)\\</script\\>"
    )
    assert md("# not a heading\n- not a list", block=True) == "\\# not a heading  \n\\- not a list"
    assert md("+44 20 7946 0000") == "+44 20 7946 0000"  # inline: nothing to escape
    # The control character is shown as its escape, whose backslash Markdown must keep.
    assert md("ESC\x1b[2J") == "ESC\\\\x1b\\[2J"


def test_markdown_diary_has_a_section_per_contact_with_conversations_oldest_first():
    contacts, conversations, _ = _sample()
    ann, bob = contacts
    later = Conversation(ann.id, date(2024, 6, 1), note="Coffee *planned*")
    by_contact = {ann.id: [later, *conversations], bob.id: []}
    text = write_markdown(
        contacts, by_contact.__getitem__, {c.id: c for c in contacts}, date(2026, 11, 24)
    )
    assert text.startswith("# netui diary\n\nExported 2026-11-24: 2 contacts.\n")
    assert text.index("## Ann Lee") < text.index("## Bob 李")
    assert text.index("### 2024-05-09: call") < text.index("### 2024-06-01: in person")
    assert "Talked \\\\x00 shop" in text and "Coffee \\*planned\\*" in text
    assert "- **Stage:** called (archived)" in text
    assert "- **Referred by:** Ann Lee" in text


def test_json_is_readable_utf8_not_ascii_escapes():
    contacts, conversations, referrals = _sample()
    text = write_json(contacts, conversations, referrals)
    assert "Bob 李" in text
    assert json.loads(text)["format"] == "netui"
