"""What an import accepts per field, so one pasted file cannot make a record nobody can use.

A 5 MB note from an import once froze the TUI for 7-27 s per cursor move, and 100,000 tags
for ~2 s (issue 17.7). The pane now draws previews whatever a record holds, but nothing a
person writes to a contact comes near these limits: anything beyond them is cut, and the
import report says what was cut, where; `netui mail` too (a 30 MB text/plain body or
Subject header was filed whole until the review of issue 16). Records typed by hand are not
limited here.
"""

from __future__ import annotations

from typing import Any

from netui.core.model import Contact, Conversation

NAME_CHARS = 1_000
LINE_CHARS = 10_000  # company, title, where met, how to reach, what to mention
TEXT_CHARS = 1_000_000  # a note, a diary field, a letter
LIST_ITEMS = 1_000  # tags, emails, phones, needs, offers, letters per diary entry
ITEM_CHARS = 1_000  # one tag, email, phone, need or offer

_CONTACT_LINES = ("company", "title", "met_at", "reach", "mention")
_CONTACT_LISTS = ("emails", "phones", "tags", "needs", "offers")
_DIARY_TEXTS = ("note", "recommended", "observations", "did")


def _cut_text(name: str, value: str, limit: int, cuts: list[str]) -> str:
    if len(value) <= limit:
        return value
    cuts.append(f"{name} cut to {limit:,} characters (of {len(value):,})")
    return value[:limit]


def _cut_list(name: str, values: list[str], cuts: list[str], limit: int = LIST_ITEMS) -> list[str]:
    kept = values[:limit]
    if len(values) > limit:
        cuts.append(f"{name} cut to the first {limit:,} (of {len(values):,})")
    if any(len(value) > ITEM_CHARS for value in kept):
        cuts.append(f"{name} longer than {ITEM_CHARS:,} characters cut")
        kept = [value[:ITEM_CHARS] for value in kept]
    return kept


def cap_contact(contact: Contact) -> tuple[Contact, list[str]]:
    """The contact within the limits, and one phrase per field that was cut."""
    cuts: list[str] = []
    changes: dict[str, Any] = {"name": _cut_text("name", contact.name, NAME_CHARS, cuts)}
    for name in _CONTACT_LINES:
        changes[name] = _cut_text(name, getattr(contact, name), LINE_CHARS, cuts)
    changes["notes"] = _cut_text("notes", contact.notes, TEXT_CHARS, cuts)
    for name in _CONTACT_LISTS:
        changes[name] = _cut_list(name, getattr(contact, name), cuts)
    return (contact.replace(**changes) if cuts else contact), cuts


def cap_conversation(conversation: Conversation) -> tuple[Conversation, list[str]]:
    """The diary entry within the limits, and one phrase per field that was cut."""
    cuts: list[str] = []
    changes: dict[str, Any] = {
        name: _cut_text(name, getattr(conversation, name), TEXT_CHARS, cuts)
        for name in _DIARY_TEXTS
    }
    if conversation.subject is not None:
        changes["subject"] = _cut_text("subject", conversation.subject, LINE_CHARS, cuts)
    letters = conversation.correspondence[:LIST_ITEMS]
    if len(conversation.correspondence) > LIST_ITEMS:
        cuts.append(f"letters cut to the first {LIST_ITEMS:,}")
    changes["correspondence"] = [
        _cut_text("a letter", letter, TEXT_CHARS, cuts) for letter in letters
    ]
    return (conversation.replace(**changes) if cuts else conversation), cuts
