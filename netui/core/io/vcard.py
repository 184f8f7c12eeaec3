"""vCard in and out, through vobject: the 2.1/3.0/4.0 quirks are not worth hand-writing.

Reading accepts what phones, Google, Apple, Outlook and khard write: folded lines,
quoted-printable (any charset), escaped commas and semicolons, `item1.` groups, several
EMAIL/TEL lines. Writing produces vCard 4.0. Only the contact fields a vCard can carry
travel this way (name, company, title, emails, phones, tags, notes); netui's JSON is the
lossless format.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import vobject

from netui.core.errors import BadRecords, ValidationError
from netui.core.io.records import Incoming, clean_text, fallback_name, split_list, unique
from netui.core.model import Contact
from netui.core.text import one_line

_MESSAGE_CELLS = 80  # a vobject error quotes the bad line; keep the report to one line


def count_cards(text: str) -> int:
    """How many cards the text announces (for a progress bar before parsing)."""
    return text.upper().count("BEGIN:VCARD")


def read_vcards(
    text: str, origin: str = "", progress: Callable[[int], None] | None = None
) -> list[Incoming]:
    """Every card in `text`; BadRecords lists each bad card by number and line.

    `progress(n)` is called after each card, for the progress bar of large imports.
    """
    prefix = f"{origin}: " if origin else ""
    records: list[Incoming] = []
    problems: list[str] = []
    cards = vobject.readComponents(text, allowQP=True)
    for number in itertools.count(1):
        try:
            card = next(cards)
        except StopIteration:
            break
        except Exception as exc:  # vobject raises many kinds of error on malformed input
            line = getattr(exc, "lineNumber", None)  # vobject numbers the first line 0
            at = f" (line {max(line, 1)})" if isinstance(line, int) else ""
            reason = one_line(str(getattr(exc, "msg", exc)), _MESSAGE_CELLS)
            problems.append(f"{prefix}card {number}{at}: not a readable vCard: {reason}")
            break
        where = f"{prefix}card {number} (line {_first_line(card)})"
        try:
            records.append(Incoming(_contact(card), where))
        except ValidationError as exc:
            problems.append(f"{where}: {exc}")
        if progress is not None:
            progress(number)
    if not records and not problems:
        problems.append(f"{prefix}no vCard found (expected BEGIN:VCARD)")
    if problems:
        raise BadRecords(problems)
    return records


def _first_line(card: Any) -> int:
    """The line the card starts on (vobject numbers its properties, not the BEGIN line)."""
    numbers = [line.lineNumber for line in card.getChildren() if getattr(line, "lineNumber", None)]
    return max(min(numbers) - 1, 1) if numbers else 1


def _contact(card: Any) -> Contact:
    if card.name != "VCARD":
        raise ValidationError(f"a {card.name or 'bare'} component, not a vCard")
    emails = unique([_text(v) for v in _values(card, "email")])
    phones = unique([_phone(_text(v)) for v in _values(card, "tel")])
    org = _values(card, "org")
    company = next((part for part in _parts(org[0]) if part.strip()), "") if org else ""
    name = fallback_name(_name(card), company, emails, phones)
    old = any(_text(v).strip() == "2.1" for v in _values(card, "version"))
    tags = unique([tag for value in _values(card, "categories") for tag in _tags(value, old)])
    notes = [clean_text(_text(v)) for v in _values(card, "note")]
    titles = _values(card, "title")
    return Contact(
        name=name,
        company=clean_text(company),
        title=clean_text(_text(titles[0])) if titles else "",
        emails=emails,
        phones=phones,
        tags=tags,
        notes="\n\n".join(note for note in notes if note),
    )


def _values(card: Any, key: str) -> list[Any]:
    return [line.value for line in card.contents.get(key, [])]


def _text(value: Any) -> str:
    """A property value as text; vobject gives lists for structured values, bytes for binary."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value if v)
    return str(value)


def _parts(value: Any) -> list[str]:
    return [_text(v) for v in value] if isinstance(value, list | tuple) else [_text(value)]


def _tags(value: Any, version_21: bool) -> list[str]:
    """CATEGORIES: vobject splits 3.0/4.0 ones (minding escapes); 2.1 separates with ';'."""
    parts = [_text(v) for v in value] if isinstance(value, list | tuple) else [_text(value)]
    if version_21:
        return [tag for part in parts for tag in split_list(part)]
    return [part.strip() for part in parts]


def _phone(text: str) -> str:
    return text[4:] if text.lower().startswith("tel:") else text


def _name(card: Any) -> str:
    formatted = _values(card, "fn")
    if formatted and _text(formatted[0]).strip():
        return _text(formatted[0])
    structured = _values(card, "n")
    if not structured or not isinstance(structured[0], vobject.vcard.Name):
        return _text(structured[0]) if structured else ""
    n = structured[0]
    parts = (n.prefix, n.given, n.additional, n.family, n.suffix)
    return " ".join(_text(part) for part in parts if part and _text(part).strip())


def write_vcards(contacts: Iterable[Contact]) -> str:
    """vCard 4.0 text, one card per contact."""
    return "".join(_card(contact).serialize() for contact in contacts)


def _card(contact: Contact) -> Any:
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("uid").value = _uid(contact.id)
    card.add("fn").value = contact.name
    given, _, family = contact.name.rpartition(" ")
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if contact.company:
        card.add("org").value = [contact.company]
    if contact.title:
        card.add("title").value = contact.title
    for email in contact.emails:
        card.add("email").value = email
    for phone in contact.phones:
        card.add("tel").value = phone
    if contact.tags:
        card.add("categories").value = list(contact.tags)
    if contact.notes:
        card.add("note").value = contact.notes
    return card


def _uid(contact_id: str) -> str:
    """netui's ids are uuid4 hex, which vCard 4.0 wants as a urn:uuid URI."""
    try:
        return uuid.UUID(hex=contact_id).urn
    except ValueError:
        return contact_id
