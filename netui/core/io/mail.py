"""`netui mail`: file every email to and from a contact as a conversation in their diary.

Two steps, like importing contacts: `plan_mail` reads the mail and decides (what
`--dry-run` prints and the TUI previews), `apply_mail` writes the plan as one store
transaction (one undo). A message is filed on each contact whose address is in its From,
To or Cc (case-insensitive), once: the conversation keeps the message's key (Message-ID,
else a hash of date, sender and subject), and a key already in the diary for that contact
is skipped, across runs and folders. Headers are read first; the body is parsed only for
a message that will be filed, so a second run over a 10,000-message mbox parses headers
and nothing else (see bench/bench_mail.py for the numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from netui.core.db.store import Store
from netui.core.errors import StalePlan
from netui.core.io.importer import refuse_if_stale
from netui.core.io.limits import cap_conversation
from netui.core.io.mail_message import Body, Headers, read_body, read_headers
from netui.core.io.mail_sources import Found
from netui.core.model import (
    RECEIVED,
    SENT,
    Channel,
    Contact,
    Conversation,
    Stage,
    StageStep,
    utc_now,
)

Progress = Callable[[int, int], None]  # (messages done, messages found)
SUGGESTIONS = 20  # the correspondents worth adding; a mailbox has hundreds of one-offs


@dataclass(slots=True)
class Filing:
    """One conversation the run writes (a message to two contacts is two filings)."""

    where: str
    contact_id: str
    name: str
    on: date
    direction: str
    subject: str

    def to_json(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "contact_id": self.contact_id,
            "name": self.name,
            "on": self.on.isoformat(),
            "direction": self.direction,
            "subject": self.subject,
        }


@dataclass(slots=True)
class Correspondent:
    """Someone the user writes with who is not a contact (for `--suggest`)."""

    address: str
    name: str
    count: int
    last: date

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "name": self.name,
            "count": self.count,
            "last": self.last.isoformat(),
        }


@dataclass(slots=True)
class MailPlan:
    """Everything a run would write, and the report of what it read."""

    filings: list[Filing] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    contacts: dict[str, Contact] = field(default_factory=dict)  # the contacts it changes
    thanked: dict[str, date] = field(default_factory=dict)  # contact id -> day marked thanked
    may_thank: dict[str, date] = field(default_factory=dict)  # the same, without --advance
    problems: list[str] = field(default_factory=list)  # "where: what was skipped or repaired"
    correspondents: list[Correspondent] = field(default_factory=list)
    base: dict[str, dict[str, Any]] = field(default_factory=dict)  # contacts as planned on
    found: int = 0
    filed: int = 0  # messages filed (one message to two contacts is two filings)
    already: int = 0  # messages whose every filing is in the diary already
    older: int = 0  # before --since
    unrelated: int = 0  # no contact in From, To or Cc
    skipped: int = 0  # unreadable
    ignored_files: int = 0

    @property
    def writes_anything(self) -> bool:
        return bool(self.conversations)

    @property
    def errors(self) -> list[str]:
        """Problems that would stop the run: none, a bad message is skipped and reported."""
        return []

    def counts(self) -> dict[str, int]:
        return {
            "messages": self.found,
            "filed": self.filed,
            "conversations": len(self.filings),
            "already_filed": self.already,
            "older": self.older,
            "no_contact": self.unrelated,
            "skipped": self.skipped,
            "thanked": len(self.thanked),
        }

    def summary(self) -> str:
        c = self.counts()
        text = (
            f"{c['messages']} messages: {c['filed']} filed ({c['conversations']} conversations), "
            f"{c['already_filed']} already filed, "
            f"{c['no_contact']} with no contact, {c['skipped']} unreadable"
        )
        if c["older"]:
            text += f", {c['older']} older than --since"
        if c["thanked"]:
            text += f"; {c['thanked']} marked thanked"
        return text

    def to_json(self) -> dict[str, Any]:
        contacts = self.contacts
        return {
            "counts": self.counts(),
            "filed": [f.to_json() for f in self.filings],
            "thanked": [
                {"contact_id": cid, "name": contacts[cid].name, "on": on.isoformat()}
                for cid, on in self.thanked.items()
            ],
            "may_mark_thanked": [
                {"contact_id": cid, "on": on.isoformat()} for cid, on in self.may_thank.items()
            ],
            "problems": self.problems,
            "suggestions": [c.to_json() for c in self.correspondents],
        }


def address_book(contacts: list[Contact]) -> dict[str, list[str]]:
    """Lower-cased email -> ids of the contacts that have it."""
    book: dict[str, list[str]] = {}
    for contact in contacts:
        for email in contact.emails:
            book.setdefault(email.strip().lower(), []).append(contact.id)
    return book


def plan_mail(
    store: Store,
    found: Found,
    my_emails: list[str],
    *,
    since: date | None = None,
    advance: bool = False,
    progress: Progress | None = None,
) -> MailPlan:
    """Read every message found and decide what to file; writes nothing."""
    return _Planner(store, my_emails, since, advance).plan(found, progress)


def apply_mail(plan: MailPlan, store: Store) -> None:
    """Write the plan in one transaction (one undo); refuse it if the diary moved meanwhile."""
    refuse_if_stale(store, plan.base, "the database changed since the mail was read; run again")
    if not plan.writes_anything:
        return
    known = filed_keys(store)
    if any((c.message_id, c.contact_id) in known for c in plan.conversations):
        raise StalePlan("another run filed some of this mail meanwhile; run it again")
    store.import_batch(
        contacts=plan.contacts.values(),
        conversations=plan.conversations,
        description=f"File {len(plan.conversations)} emails",
    )


def filed_keys(store: Store) -> set[tuple[str | None, str]]:
    """(message key, contact id) of every email already in the diary."""
    return {(c.message_id, c.contact_id) for c in store.all_conversations() if c.message_id}


class _Planner:
    def __init__(
        self, store: Store, my_emails: list[str], since: date | None, advance: bool
    ) -> None:
        self.store = store
        self.me = {e.lower() for e in my_emails}
        self.since = since
        self.advance = advance
        self.everyone = {c.id: c for c in store.contacts(include_archived=True)}
        self.book = address_book(list(self.everyone.values()))
        self.known = filed_keys(store)
        self.strangers: dict[str, Correspondent] = {}

    def plan(self, found: Found, progress: Progress | None) -> MailPlan:
        plan = MailPlan(problems=list(found.problems), found=len(found.messages))
        plan.ignored_files = found.ignored
        total = len(found.messages)
        for number, message in enumerate(found.messages, start=1):
            try:
                raw = message.read()
                headers = read_headers(raw, message.where, message.fallback_time())
            except (OSError, ValueError, LookupError, TypeError) as exc:
                plan.skipped += 1
                plan.problems.append(f"{message.where}: skipped ({exc})")
                continue
            finally:
                if progress is not None:
                    progress(number, total)
            self._consider(plan, headers, raw)
        self._advance(plan)
        plan.correspondents = sorted(
            self.strangers.values(), key=lambda c: (-c.count, -c.last.toordinal(), c.address)
        )
        plan.base = {cid: self.everyone[cid].to_dict() for cid in plan.contacts}
        return plan

    def _consider(self, plan: MailPlan, headers: Headers, raw: bytes) -> None:
        day = headers.day
        if day is None:
            plan.skipped += 1
            plan.problems.append(f"{headers.where}: skipped (no date anywhere)")
            return
        if self.since is not None and day < self.since:
            plan.older += 1
            return
        sent = any(address in self.me for _, address in headers.sender)
        self._count_strangers(headers, sent, day)
        people = {
            cid
            for _, address in headers.sender + headers.recipients
            if address not in self.me
            for cid in self.book.get(address, ())
        }
        if not people:
            plan.unrelated += 1
            return
        key = headers.key
        targets = sorted(cid for cid in people if (key, cid) not in self.known)
        if not targets:
            plan.already += 1
            return
        try:
            body = read_body(raw)
        except Exception as exc:  # a parser bug on one message must not stop the others
            body = Body("", [], [f"body unreadable ({type(exc).__name__}); filed without it"])
        notes = headers.notes + body.notes
        plan.problems += [f"{headers.where}: {note}" for note in notes]
        direction = SENT if sent else RECEIVED
        plan.filed += 1
        for cid in targets:
            self.known.add((key, cid))
            conversation, cuts = cap_conversation(
                _conversation(cid, day, direction, headers, body, key)
            )
            if cid == targets[0]:  # said once a message, not once a contact
                plan.problems += [f"{headers.where}: {cut}" for cut in cuts]
            plan.conversations.append(conversation)
            contact = self._writable(plan, cid)
            plan.filings.append(
                Filing(headers.where, cid, contact.name, day, direction, headers.subject)
            )
            if contact.last_contact_on is None or day > contact.last_contact_on:
                contact.last_contact_on = day
            if sent and contact.stage is Stage.MET and (contact.met_on or day) <= day:
                first = plan.may_thank.get(cid)
                plan.may_thank[cid] = min(first, day) if first else day

    def _writable(self, plan: MailPlan, contact_id: str) -> Contact:
        if contact_id not in plan.contacts:
            contact = Contact.from_dict(self.everyone[contact_id].to_dict())
            contact.updated = utc_now()
            plan.contacts[contact_id] = contact
        return plan.contacts[contact_id]

    def _advance(self, plan: MailPlan) -> None:
        """`--advance`: the first email sent after meeting was the thank-you."""
        if not self.advance:
            return
        for cid, day in plan.may_thank.items():
            contact = plan.contacts[cid]
            contact.stage = Stage.THANKED
            contact.stage_history.append(StageStep(Stage.THANKED, day))
            contact.follow_up_on = None
            plan.thanked[cid] = day
        plan.may_thank = {}

    def _count_strangers(self, headers: Headers, sent: bool, day: date) -> None:
        """Who the user really writes with: recipients of mail sent, senders of mail to them."""
        if sent:
            others = headers.recipients
        elif any(address in self.me for _, address in headers.recipients):
            others = headers.sender
        else:
            return
        for name, address in others:
            if address in self.me or address in self.book:
                continue
            seen = self.strangers.get(address)
            if seen is None:
                self.strangers[address] = Correspondent(address, name, 1, day)
                continue
            seen.count += 1
            if day >= seen.last:
                seen.last = day
                seen.name = name or seen.name


def _conversation(
    contact_id: str, day: date, direction: str, headers: Headers, body: Body, key: str
) -> Conversation:
    subject = headers.subject or "(no subject)"
    lines = [subject]
    if body.attachments:
        lines.append("Attachments: " + ", ".join(body.attachments))
    return Conversation(
        contact_id,
        day,
        channel=Channel.EMAIL,
        note="\n".join(lines),
        correspondence=[body.text] if body.text else [],
        subject=headers.subject,
        direction=direction,
        message_id=key,
    )
