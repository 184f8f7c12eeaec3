"""netui's own JSON export: every record with its id, so a restore gives back the same data.

The document names its format and version so an import can refuse what it does not
understand (another program's JSON, or a file from a newer netui) instead of guessing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from netui.core.errors import BadRecords
from netui.core.io.records import Bundle, Incoming
from netui.core.model import Contact, Conversation, Introduction, Referral, utc_now

FORMAT = "netui"
VERSION = 1


def write_json(
    contacts: Iterable[Contact],
    conversations: Iterable[Conversation],
    referrals: Iterable[Referral],
    introductions: Iterable[Introduction] = (),
) -> str:
    """The whole archive as indented JSON (non-Latin text kept readable)."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported": utc_now(),
        "contacts": [c.to_dict() for c in contacts],
        "conversations": [c.to_dict() for c in conversations],
        "referrals": [r.to_dict() for r in referrals],
        "introductions": [i.to_dict() for i in introductions],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def is_archive(text: str) -> bool:
    """True when the text is a netui export (cheap check for format sniffing)."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(document, dict) and document.get("format") == FORMAT


def read_json(text: str, origin: str = "") -> Bundle:
    """The archive's records; BadRecords names each bad one ("contact 3", "conversation 7")."""
    prefix = f"{origin}: " if origin else ""
    try:
        document = json.loads(text)
    except ValueError as exc:
        where = f"line {exc.lineno}: " if isinstance(exc, json.JSONDecodeError) else ""
        raise BadRecords([f"{prefix}{where}not valid JSON ({getattr(exc, 'msg', exc)})"]) from None
    except RecursionError:  # [[[[...]]]] thousands deep: no export of ours looks like that
        raise BadRecords([f"{prefix}JSON nested too deeply to be a netui export"]) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BadRecords([f'{prefix}not a netui export (no "format": "netui")'])
    version = document.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise BadRecords([f"{prefix}export version {version!r} is newer than this netui reads"])
    problems: list[str] = []
    contacts = _records(document, "contact", Contact, problems, prefix)
    conversations = _records(document, "conversation", Conversation, problems, prefix)
    referrals = _records(document, "referral", Referral, problems, prefix)
    introductions = _records(document, "introduction", Introduction, problems, prefix)
    known = {contact.id for _, contact in contacts}
    for where, conversation in conversations:
        if conversation.contact_id not in known:
            problems.append(f"{where}: its contact {conversation.contact_id!r} is not in the file")
    for where, referral in referrals:
        for end in (referral.referrer_id, referral.referred_id):
            if end not in known:
                problems.append(f"{where}: contact {end!r} is not in the file")
    for where, intro in introductions:
        for end in (intro.a_id, intro.b_id):
            if end not in known:
                problems.append(f"{where}: contact {end!r} is not in the file")
    if problems:
        raise BadRecords(problems)
    return Bundle(
        contacts=[Incoming(contact, where) for where, contact in contacts],
        conversations=[conversation for _, conversation in conversations],
        referrals=[referral for _, referral in referrals],
        introductions=[intro for _, intro in introductions],
        distinct=True,
    )


def _records(
    document: dict[str, Any], noun: str, kind: Any, problems: list[str], prefix: str
) -> list[tuple[str, Any]]:
    """Each entry of document[noun + "s"] built with kind.from_dict, ids checked for clashes."""
    key = f"{noun}s"
    entries = document.get(key) or []
    if not isinstance(entries, list):
        problems.append(f"{prefix}{key!r} is not a list")
        return []
    built: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{prefix}{noun} {number}"
        try:
            if not isinstance(entry, dict):
                raise ValueError("not an object")
            record = kind.from_dict(entry)
            if not isinstance(record.id, str) or not record.id:
                raise ValueError("its id is not text")
            if record.id in seen:
                raise ValueError(f"id {record.id!r} appears twice")
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        seen.add(record.id)
        built.append((where, record))
    return built
