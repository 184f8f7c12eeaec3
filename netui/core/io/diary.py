"""The diary as Markdown: one section per contact, their conversations oldest first.

Meant for reading (or printing) outside netui, so user text is made inert: control
characters are shown escaped and Markdown/HTML punctuation is backslash-escaped, so a
note holding `<script>` or `[link](javascript:...)` renders as the text it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date

from netui.core.model import Contact, Conversation
from netui.core.text import printable

_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>|~#&])")
_LINE_START_SPECIALS = re.compile(r"^(\s*(?:\d+)?)([-+=>.)])")


def md(text: str, block: bool = False) -> str:
    """User text as inert Markdown: escaped punctuation, hard line breaks kept.

    A line starting with "-", "+", ">" or "1." would turn into a list or a quote; that
    matters for every line of a block, and for the lines after the first of inline text.
    """
    lines = _INLINE_SPECIALS.sub(r"\\\1", printable(text.strip())).split("\n")
    return "  \n".join(
        _LINE_START_SPECIALS.sub(r"\1\\\2", line) if block or n else line
        for n, line in enumerate(lines)
    )


def write_markdown(
    contacts: Iterable[Contact],
    conversations_of: Callable[[str], list[Conversation]],
    contacts_by_id: Mapping[str, Contact],
    today: date,
) -> str:
    """The whole diary; `conversations_of(contact_id)` gives each contact's entries."""
    chosen = sorted(contacts, key=lambda c: (c.name.casefold(), c.id))
    parts = [f"# netui diary\n\nExported {today.isoformat()}: {len(chosen)} contacts.\n"]
    for contact in chosen:
        parts.append(_section(contact, conversations_of(contact.id), contacts_by_id))
    return "\n".join(parts)


def _section(
    contact: Contact, conversations: list[Conversation], contacts_by_id: Mapping[str, Contact]
) -> str:
    lines = [f"## {md(contact.name)}", ""]
    lines += [f"- **{label}:** {value}" for label, value in _facts(contact, contacts_by_id)]
    if contact.notes.strip():
        lines += ["", md(contact.notes, block=True)]
    for conversation in sorted(conversations, key=lambda c: (c.on, c.created)):
        lines += ["", *_entry(conversation)]
    return "\n".join(lines) + "\n"


def _facts(contact: Contact, contacts_by_id: Mapping[str, Contact]) -> list[tuple[str, str]]:
    met = contact.met_on.isoformat() if contact.met_on else ""
    if contact.met_at:
        met = f"{met} at {md(contact.met_at)}".strip()
    referrer = contacts_by_id.get(contact.referred_by or "")
    facts = [
        ("Works", " at ".join(md(part) for part in (contact.title, contact.company) if part)),
        ("Stage", contact.stage_label + (" (archived)" if contact.archived else "")),
        ("Met", met),
        ("Email", ", ".join(md(email) for email in contact.emails)),
        ("Phone", ", ".join(md(phone) for phone in contact.phones)),
        ("Tags", ", ".join(md(tag) for tag in contact.tags)),
        ("Referred by", md(referrer.name) if referrer else ""),
        ("Reach", md(contact.reach)),
        ("Mention", md(contact.mention)),
        ("Needs", "; ".join(md(need) for need in contact.needs)),
        ("Offers", "; ".join(md(offer) for offer in contact.offers)),
    ]
    return [(label, value) for label, value in facts if value]


def _entry(conversation: Conversation) -> list[str]:
    lines = [f"### {conversation.on.isoformat()}: {conversation.channel.label}"]
    if conversation.note.strip():
        lines += ["", md(conversation.note, block=True)]
    details = [
        ("Recommended", conversation.recommended),
        ("Observations", conversation.observations),
        ("Did", conversation.did),
    ]
    shown = [f"- **{label}:** {md(text)}" for label, text in details if text.strip()]
    if shown:
        lines += ["", *shown]
    for letter in conversation.correspondence:
        if letter.strip():
            lines += ["", "\n".join(f"> {line}" for line in md(letter, block=True).split("\n"))]
    return lines
