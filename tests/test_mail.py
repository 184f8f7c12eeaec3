"""Filing mail (netui.core.io.mail*): every fixture is built here, in code, as clients write."""

from __future__ import annotations

import mailbox
import os
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netui.core.config import load_my_emails, save_my_emails
from netui.core.errors import ConfigError, StalePlan
from netui.core.io import limits
from netui.core.io.archive import read_json, write_json
from netui.core.io.mail import apply_mail, plan_mail
from netui.core.io.mail_message import html_to_text, read_body, read_headers, trim_quotes
from netui.core.io.mail_sources import find_messages, from_bytes
from netui.core.model import Channel, Contact, Conversation, Stage

ME = "me@home.example"


def message(
    sender: str = "Ann Lee <ann@example.com>",
    to: str = f"Me <{ME}>",
    subject: str = "Hello",
    body: str = "Hi there.",
    *,
    date_header: str | None = "Tue, 10 Nov 2026 10:00:00 +0000",
    message_id: str | None = "<m1@example.com>",
    cc: str | None = None,
    html: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    if date_header:
        msg["Date"] = date_header
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def write_mbox(path: Path, *messages: EmailMessage | bytes) -> Path:
    box = mailbox.mbox(path)
    for msg in messages:
        box.add(msg)
    box.flush()
    box.close()
    return path


def write_maildir(path: Path, *messages: EmailMessage) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(path)
    for msg in messages:
        box.add(msg)
    return path


@pytest.fixture
def people(store):
    ann = store.add_contact(
        Contact("Ann Lee", emails=["Ann@Example.com"], met_on=date(2026, 11, 1))
    )
    bob = store.add_contact(Contact("Bob Roy", emails=["bob@roy.org"], met_on=date(2026, 11, 1)))
    return ann, bob


def run(store, *paths: Path, apply: bool = True, **options):
    plan = plan_mail(store, find_messages(list(paths)), [ME], **options)
    if apply:
        apply_mail(plan, store)
    return plan


def diary(store, contact):
    return store.conversations_of(contact.id)


# -- what a filed message looks like ------------------------------------------------------------


def test_received_message_is_an_email_conversation_with_subject_and_body(store, people, tmp_path):
    ann, _ = people
    run(store, write_mbox(tmp_path / "in", message(subject="Coffee?", body="Free Friday?\n")))
    [conv] = diary(store, ann)
    assert conv.channel is Channel.EMAIL
    assert conv.on == date(2026, 11, 10)
    assert conv.note.splitlines()[0] == "Coffee?"
    assert conv.subject == "Coffee?"
    assert conv.direction == "received"
    assert conv.correspondence == ["Free Friday?"]
    assert conv.message_id == "<m1@example.com>"
    assert store.get(ann.id).last_contact_on == date(2026, 11, 10)


def test_multipart_alternative_prefers_the_plain_text(store, people, tmp_path):
    ann, _ = people
    msg = message(body="plain words", html="<p>html <b>words</b></p>")
    run(store, write_mbox(tmp_path / "in", msg))
    assert diary(store, ann)[0].correspondence == ["plain words"]


def test_html_only_mail_is_stored_as_readable_text_without_tags(store, people, tmp_path):
    ann, _ = people
    msg = message()
    msg.set_content(
        "<html><head><style>p {color: red}</style></head><body><p>First &amp; best</p>"
        "<div>Second<br>Third</div><script>alert(1)</script></body></html>",
        subtype="html",
    )
    run(store, write_mbox(tmp_path / "in", msg))
    text = diary(store, ann)[0].correspondence[0]
    assert text.splitlines() == ["First & best", "", "Second", "Third"] or (
        [line for line in text.splitlines() if line] == ["First & best", "Second", "Third"]
    )
    assert "<" not in text and "color" not in text and "alert" not in text


def test_quoted_printable_latin1_and_rfc2047_names_and_subjects(store, people, tmp_path):
    ann, _ = people
    raw = (
        b"From: =?iso-8859-1?q?Ann_L=E9e?= <ann@example.com>\n"
        b"To: me@home.example\n"
        b"Subject: =?utf-8?b?Q2Fmw6kgbmHDr3Zl?=\n"
        b"Date: Tue, 10 Nov 2026 10:00:00 +0000\n"
        b"Message-ID: <qp@example.com>\n"
        b"MIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=iso-8859-1\n"
        b"Content-Transfer-Encoding: quoted-printable\n\n"
        b"Caf=E9 cr=E8me =\nbr=FBl=E9e\n"
    )
    (tmp_path / "qp.eml").write_bytes(raw)
    run(store, tmp_path / "qp.eml")
    [conv] = diary(store, ann)
    assert conv.subject == "Café naïve"
    assert conv.correspondence == ["Café crème brûlée"]


def test_a_message_to_two_contacts_is_filed_on_both_as_sent(store, people, tmp_path):
    ann, bob = people
    msg = message(sender=f"Me <{ME}>", to="ann@example.com", cc="Bob <BOB@ROY.ORG>")
    plan = run(store, write_mbox(tmp_path / "out", msg))
    assert plan.counts()["filed"] == 1 and plan.counts()["conversations"] == 2
    for person in (ann, bob):
        [conv] = diary(store, person)
        assert conv.direction == "sent"


def test_unknown_sender_is_not_filed_but_suggested(store, people, tmp_path):
    msgs = [message(sender="Zoë Stranger <zoe@else.org>", message_id=f"<z{i}@x>") for i in range(3)]
    msgs.append(message(sender=f"Me <{ME}>", to="Carl <carl@else.org>", message_id="<c@x>"))
    plan = run(store, write_mbox(tmp_path / "in", *msgs))
    assert plan.counts()["filed"] == 0 and plan.counts()["no_contact"] == 4
    assert store.all_conversations() == []
    assert [(c.address, c.count, c.name) for c in plan.correspondents] == [
        ("zoe@else.org", 3, "Zoë Stranger"),
        ("carl@else.org", 1, "Carl"),
    ]


def test_attachments_are_named_not_stored(store, people, tmp_path):
    ann, _ = people
    msg = message(body="See attached.")
    msg.add_attachment(b"\0" * 5_000_000, maintype="application", subtype="pdf", filename="big.pdf")
    run(store, write_mbox(tmp_path / "in", msg))
    [conv] = diary(store, ann)
    assert "Attachments: big.pdf (5.0 MB)" in conv.note
    assert conv.correspondence == ["See attached."]
    assert all(len(text) < 1000 for text in conv.texts())


def test_quoted_replies_are_trimmed():
    text = (
        "Sounds good, see you then.\n\n"
        "On Mon, 9 Nov 2026 at 10:00, Ann Lee <ann@example.com>\nwrote:\n"
        "> Shall we meet?\n>\n> Ann\n"
    )
    assert trim_quotes(text) == "Sounds good, see you then."
    outlook = "Yes.\n\nFrom: Ann Lee\nSent: Monday\nTo: me\nSubject: x\n\nold text"
    assert trim_quotes(outlook) == "Yes."
    original = "Yes.\n-----Original Message-----\nold"
    assert trim_quotes(original) == "Yes."
    assert trim_quotes("On Friday we met.\nIt was good.") == "On Friday we met.\nIt was good."


def test_html_to_text_keeps_words_and_lines():
    assert html_to_text("<p>a <i>b</i></p><p>c</p>").split() == ["a", "b", "c"]


# -- where mail comes from ----------------------------------------------------------------------


def test_maildir_at_any_depth_eml_and_mbox_are_recognised_by_content(store, people, tmp_path):
    ann, _ = people
    root = tmp_path / "mail"
    write_maildir(root / "Inbox", message(message_id="<a@x>"))
    write_maildir(root / "Inbox" / ".Archive.2025", message(message_id="<b@x>"))
    write_maildir(root / "deep" / "er" / "Sent", message(message_id="<c@x>"))
    root.mkdir(exist_ok=True)
    write_mbox(root / "takeout-without-extension", message(message_id="<d@x>"))
    (root / "saved.txt").write_bytes(bytes(message(message_id="<e@x>")))
    (root / ".mbsyncstate").write_text("not mail at all\n")
    plan = run(store, root)
    assert plan.found == 5 and plan.ignored_files == 1
    assert sorted(c.message_id for c in diary(store, ann)) == [f"<{k}@x>" for k in "abcde"]


def test_a_link_back_to_a_parent_folder_walks_each_folder_once(tmp_path):
    root = tmp_path / "mail"
    write_maildir(root / "Inbox", message(message_id="<a@x>"))
    (root / "Inbox" / "up").symlink_to("..")  # Inbox/up/Inbox/up/... (with a second: a hang)
    found = find_messages([root])
    assert len(found.messages) == 1
    assert found.messages[0].where.startswith("mail/Inbox/")


def test_a_fifo_in_a_maildir_is_never_read(tmp_path):
    box = write_maildir(tmp_path / "Inbox", message(message_id="<a@x>"))
    os.mkfifo(box / "cur" / "1700000000.fifo:2,S")  # reading it would block forever
    (box / "new" / "broken").symlink_to(tmp_path / "nowhere")
    found = find_messages([box])
    assert len(found.messages) == 1
    assert "fifo" not in found.messages[0].where and "broken" not in found.messages[0].where


def test_a_huge_body_and_subject_are_cut_to_the_import_limits_and_reported(store, people, tmp_path):
    ann, _ = people
    huge = message(subject="S" * (limits.LINE_CHARS + 5), body="b" * (limits.TEXT_CHARS + 5))
    plan = run(store, write_mbox(tmp_path / "in", huge))
    [conv] = diary(store, ann)
    assert len(conv.correspondence[0]) == limits.TEXT_CHARS
    assert len(conv.subject) == limits.LINE_CHARS
    assert any("cut to" in problem for problem in plan.problems)


def test_the_same_message_id_in_two_folders_is_filed_once(store, people, tmp_path):
    ann, _ = people
    write_maildir(tmp_path / "Inbox", message(message_id="<same@x>"))
    write_maildir(tmp_path / "All Mail", message(message_id="<SAME@x>"))
    plan = run(store, tmp_path / "Inbox", tmp_path / "All Mail")
    assert plan.counts()["filed"] == 1 and plan.already == 1
    assert len(diary(store, ann)) == 1


def test_a_second_run_files_nothing_and_without_message_id_a_hash_keeps_it_once(
    store, people, tmp_path
):
    ann, _ = people
    box = write_mbox(tmp_path / "in", message(message_id=None), message(message_id="<x@y>"))
    first = run(store, box)
    second = run(store, box)
    assert first.counts()["filed"] == 2
    assert second.counts()["filed"] == 0 and second.already == 2
    assert not second.writes_anything
    assert len(diary(store, ann)) == 2
    assert any(c.message_id.startswith("sha1:") for c in diary(store, ann))


def test_dry_run_plans_but_writes_nothing(store, people, tmp_path):
    box = write_mbox(tmp_path / "in", message())
    plan = run(store, box, apply=False)
    assert plan.counts()["filed"] == 1
    assert store.all_conversations() == []


def test_one_run_is_one_undo(store, people, tmp_path):
    ann, _ = people
    msgs = [message(to="ann@example.com, bob@roy.org", message_id=f"<{i}@x>") for i in range(3)]
    run(store, write_mbox(tmp_path / "in", *msgs))
    assert len(store.all_conversations()) == 6
    store.undo()
    assert store.all_conversations() == []
    assert store.get(ann.id).last_contact_on is None


def test_since_skips_older_mail(store, people, tmp_path):
    old = message(date_header="Mon, 02 Mar 2026 09:00:00 +0000", message_id="<old@x>")
    new = message(message_id="<new@x>")
    plan = run(store, write_mbox(tmp_path / "in", old, new), since=date(2026, 6, 1))
    assert plan.older == 1 and plan.counts()["filed"] == 1


def test_date_is_the_local_day_of_the_date_header(store, people, tmp_path, monkeypatch):
    headers = read_headers(bytes(message(date_header="Tue, 10 Nov 2026 23:30:00 -0800")), "x", None)
    assert headers.when is not None
    assert headers.day == headers.when.astimezone().date()


def test_advance_marks_a_met_contact_thanked_from_the_first_email_sent_after_meeting(
    store, people, tmp_path
):
    ann, bob = people
    before_meeting = message(
        sender=ME, to="bob@roy.org", date_header="Mon, 19 Oct 2026 09:00:00 +0000"
    )
    sent = [
        message(sender=ME, to="ann@example.com", message_id="<t1@x>"),
        message(
            sender=ME,
            to="ann@example.com",
            message_id="<t0@x>",
            date_header="Mon, 02 Nov 2026 09:00:00 +0000",
        ),
        before_meeting,
    ]
    box = write_mbox(tmp_path / "out", *sent)
    dry = run(store, box, apply=False)
    assert list(dry.may_thank) == [ann.id] and not dry.thanked
    plan = run(store, box, advance=True)
    assert plan.thanked == {ann.id: date(2026, 11, 2)}
    assert store.get(ann.id).stage is Stage.THANKED
    assert store.get(ann.id).reached_on(Stage.THANKED) == date(2026, 11, 2)
    assert store.get(bob.id).stage is Stage.MET


def test_received_mail_never_advances(store, people, tmp_path):
    ann, _ = people
    run(store, write_mbox(tmp_path / "in", message()), advance=True)
    assert store.get(ann.id).stage is Stage.MET


def test_a_plan_made_before_another_write_is_refused(store, people, tmp_path):
    ann, _ = people
    plan = run(store, write_mbox(tmp_path / "in", message()), apply=False)
    store.update_contact(ann.id, company="Elsewhere")
    with pytest.raises(StalePlan):
        apply_mail(plan, store)


# -- bad input: repaired or skipped, reported, never an abort -------------------------------------


def test_broken_messages_are_reported_and_the_rest_is_filed(store, people, tmp_path):
    ann, _ = people
    raw_8bit = (
        b"From: J\xe9r\xf4me <ann@example.com>\nTo: me@home.example\nSubject: caf\xe9\n"
        b"Date: Tue, 10 Nov 2026 10:00:00 +0000\nMessage-ID: <8bit@x>\n\nbody\n"
    )
    unknown_charset = (
        b"From: ann@example.com\nTo: me@home.example\nSubject: odd\nMessage-ID: <cs@x>\n"
        b"Date: Tue, 10 Nov 2026 10:00:00 +0000\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\n\nna\xc3\xafve\n"
    )
    no_headers = b"just some text\nwith no headers at all\n"
    truncated = (
        b"From: ann@example.com\nTo: me@home.example\nSubject: cut\nMessage-ID: <cut@x>\n"
        b"Date: Tue, 10 Nov 2026 10:00:00 +0000\n"
        b'Content-Type: multipart/mixed; boundary="XX"\n\n--XX\nContent-Type: text/plain\n\n'
        b"the start of"
    )
    no_date = b"From: ann@example.com\nTo: me@home.example\nSubject: when?\n\nbody\n"
    box = write_mbox(tmp_path / "broken", raw_8bit, unknown_charset, no_headers, truncated, no_date)
    plan = run(store, box)
    convs = {c.message_id: c for c in diary(store, ann)}
    assert convs["<8bit@x>"].subject == "café"
    assert convs["<cs@x>"].correspondence == ["naïve"]
    assert convs["<cut@x>"].correspondence == ["the start of"]
    assert plan.skipped == 1
    report = "\n".join(plan.problems)
    assert "broken: message 3: skipped" in report
    assert "message 1: raw 8-bit" in report
    assert "message 2: unknown charset" in report
    assert "message 4: repaired" in report
    # No Date header: the mbox From line dates it.
    assert "message 5: no usable Date header" in report
    assert len(convs) == 4


def test_a_missing_path_is_reported_not_raised(store, people, tmp_path):
    plan = run(store, tmp_path / "nowhere")
    assert plan.problems == [f"{tmp_path / 'nowhere'}: no such file or folder; skipped"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400))
def test_any_bytes_are_filed_or_reported_never_raised(store, people, data):
    headers = b"From: ann@example.com\nTo: me@home.example\nDate: Tue, 10 Nov 2026 10:00:00 +0000\n"
    found = find_messages([])
    found.messages += [from_bytes(data, "a"), from_bytes(headers + data, "b")]
    plan = plan_mail(store, found, [ME])
    assert plan.found == 2
    assert plan.skipped + plan.unrelated + plan.filed + plan.already == 2
    read_body(data)


# -- the model, the archive and the config ------------------------------------------------------


def test_old_conversations_read_without_the_new_fields_and_write_unchanged():
    old = {"contact_id": "c", "on": "2026-11-01", "id": "x", "channel": "call", "note": "hi"}
    conv = Conversation.from_dict(old)
    assert (conv.subject, conv.direction, conv.message_id) == (None, None, None)
    assert not {"subject", "direction", "message_id"} & set(conv.to_dict())


def test_the_json_archive_carries_subject_direction_and_message_id(store, people, tmp_path):
    run(store, write_mbox(tmp_path / "in", message(subject="Re: lunch")))
    text = write_json(store.contacts(), store.all_conversations(), [])
    [conv] = read_json(text).conversations
    assert (conv.subject, conv.direction, conv.message_id) == (
        "Re: lunch",
        "received",
        "<m1@example.com>",
    )


def test_my_emails_are_saved_once_and_read_back(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[follow_up]\ncall_days = 5\n")
    assert load_my_emails(path) == []
    save_my_emails(["Me@Home.example", 'odd"quote@x.org'], path)
    assert load_my_emails(path) == ["me@home.example", 'odd"quote@x.org']
    assert "call_days = 5" in path.read_text()


def test_a_malformed_me_section_is_a_config_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[me]\nemails = 3\n")
    with pytest.raises(ConfigError):
        load_my_emails(path)


def test_display_names_are_kept_literally(store, tmp_path):
    contact = store.add_contact(Contact("[bold]x[/]", emails=["b@x.org"]))
    msg = message(sender=str(Address("[/]", addr_spec="b@x.org")), subject="[b]not bold[/b]")
    run(store, write_mbox(tmp_path / "in", msg))
    assert diary(store, contact)[0].subject == "[b]not bold[/b]"


def test_a_truncated_mbox_files_what_is_there(store, people, tmp_path):
    ann, _ = people
    box = write_mbox(
        tmp_path / "cut", message(message_id="<1@x>"), message(message_id="<2@x>", body="x" * 900)
    )
    data = box.read_bytes()
    box.write_bytes(data[: len(data) - 500])  # the copy stopped in the middle of message 2
    plan = run(store, box)
    assert plan.counts()["filed"] == 2
    assert {c.message_id for c in diary(store, ann)} == {"<1@x>", "<2@x>"}


@pytest.mark.slow
def test_a_50_mb_attachment_is_named_and_the_rest_still_filed(store, people, tmp_path):
    ann, _ = people
    big = message(message_id="<big@x>", body="The deck.")
    big.add_attachment(b"\1" * 50_000_000, maintype="application", subtype="zip", filename="a.zip")
    box = write_mbox(tmp_path / "in", big, message(message_id="<small@x>"))
    plan = run(store, box)
    assert plan.counts()["filed"] == 2
    [conv] = [c for c in diary(store, ann) if c.message_id == "<big@x>"]
    assert "a.zip (50.0 MB)" in conv.note and conv.correspondence == ["The deck."]


def test_saving_my_emails_keeps_a_symlinked_config_a_link(tmp_path):
    """Dotfile managers (stow, chezmoi, home-manager) make config.toml a link."""
    real = tmp_path / "dotfiles" / "netui.toml"
    real.parent.mkdir()
    real.write_text("[reminders]\nthank_you_days = 2\n")
    link = tmp_path / "config" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(real)
    save_my_emails([ME], link)
    assert link.is_symlink()
    assert "thank_you_days = 2" in real.read_text() and load_my_emails(real) == [ME]
