"""vCard in and out: vobject cuts the lines and writes the cards; values are read here.

Reading accepts what phones, Google, Apple, Outlook and khard write: folded lines,
quoted-printable (any charset), escaped commas and semicolons, `item1.` groups, several
EMAIL/TEL lines, lower-case keywords. vobject's value parsing is not used for reading:
it keeps only the text before the first comma of FN, TITLE, NOTE and ORG ("VP, Sales"
became "VP"), and one bad line aborts its whole file. Writing produces vCard 4.0 through
vobject. Only the contact fields a vCard can carry travel this way (name, company,
title, emails, phones, web pages, tags, notes); netui's JSON is the lossless format.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import vobject
from vobject.base import ContentLine, getLogicalLines, textLineToContentLine

from netui.core.errors import BadRecords, ValidationError
from netui.core.io.dupes import own_uid
from netui.core.io.records import (
    Bundle,
    Incoming,
    clean_text,
    fallback_name,
    is_email,
    split_list,
    strictly,
    unique,
    usable,
)
from netui.core.model import Contact
from netui.core.text import one_line

# Gmail's vCards put every contact in its own group "myContacts": not a tag of the user's.
_SYSTEM_GROUPS = frozenset({"mycontacts"})
_MESSAGE_CELLS = 80  # a vobject error quotes the bad line; keep the report to one line


def count_cards(text: str) -> int:
    """How many cards the text announces (for a progress bar before parsing)."""
    return text.upper().count("BEGIN:VCARD")


def read_vcards(
    text: str, origin: str = "", progress: Callable[[int], None] | None = None
) -> list[Incoming]:
    """Every card in `text`; BadRecords lists each card or property that needed mending."""
    return strictly(scan_vcards(text, origin, progress))


def scan_vcards(
    text: str, origin: str = "", progress: Callable[[int], None] | None = None
) -> Bundle:
    """Every readable card in `text`, with a report of what was skipped or mended.

    One bad property is not a bad card and one bad card is not a bad file: an unreadable
    line, a PHOTO of broken base64 or a card with nothing to file it under is reported
    (card number, line, property, why) and the rest is read. `progress(n)` is called after
    each card, for the progress bar of large imports.
    """
    prefix = f"{origin}: " if origin else ""
    bundle = Bundle()
    cards = _cards(text)
    for number, card in enumerate(cards, 1):
        where = f"{prefix}card {number} (line {card.line})"
        bundle.repaired += [(where, problem) for problem in card.problems]
        try:
            bundle.contacts.append(Incoming(_contact(card), where))
        except ValidationError as exc:
            bundle.skipped.append((where, f"skipped: {exc}"))
        bundle.repaired += [(where, problem) for problem in card.mended]
        if progress is not None:
            progress(number)
    if not cards:
        raise BadRecords([f"{prefix}no vCard found (expected BEGIN:VCARD)"])
    return usable(bundle, origin)


@dataclass(slots=True)
class _Card:
    """One card's properties, as raw text, before they become a contact."""

    line: int  # where BEGIN:VCARD is
    version: str = ""
    properties: list[ContentLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # lines that could not be read
    mended: list[str] = field(default_factory=list)  # properties read with a repair

    def raw(self, name: str) -> list[str]:
        return [line.value for line in self.properties if line.name == name]

    def first(self, name: str) -> str:
        return next((text for text in self.raw(name) if text.strip()), "")


def _cards(text: str) -> list[_Card]:
    """The cards of the text, cut by BEGIN/END lines (any case), each line read alone.

    vobject's own reader gives up on the whole file at the first bad line (a bare `FN`,
    a second PROFILE, broken base64); its line reader is used here instead, one line at
    a time, so a bad line costs only itself.
    """
    cards: list[_Card] = []
    card: _Card | None = None
    depth = 0  # an AGENT's card nested in the current one
    for line_text, number in getLogicalLines(io.StringIO(text), allowQP=True):
        try:
            line = textLineToContentLine(line_text, number)
        except Exception as exc:  # vobject raises many kinds of error on malformed lines
            if card is not None and depth == 0:
                card.problems.append(_unreadable(line_text, number, exc))
            continue
        keyword = line.value.strip().upper() if line.name in ("BEGIN", "END") else ""
        if line.name == "BEGIN":
            if keyword == "VCARD" and card is None:
                card = _Card(max(number, 1))
                cards.append(card)
            else:
                depth += card is not None
        elif line.name == "END":
            if depth:
                depth -= 1
            elif keyword == "VCARD":
                card = None
        elif card is not None and depth == 0:
            if line.name == "VERSION":
                card.version = line.value.strip()
            elif line.name != "PROFILE":  # "PROFILE:VCard" says nothing we need
                card.properties.append(line)
    if card is not None:
        card.problems.append("no END:VCARD; read to the end of the file")
    return cards


def _unreadable(text: str, number: int, exc: Exception) -> str:
    name = text.split(":", 1)[0].split(";", 1)[0].strip() if ":" in text else ""
    reason = one_line(str(getattr(exc, "msg", exc)), _MESSAGE_CELLS)
    what = f"{one_line(name, 20)} " if name else ""
    return f"line {max(number, 1)}: {what}unreadable, skipped ({reason})"


def _contact(card: _Card) -> Contact:
    emails, not_emails = _emails(card)
    phones = unique(_phone(unescape(v)) for v in card.raw("TEL"))
    org = split_unescaped(card.first("ORG"), ";")
    company = next((unescape(part) for part in org if part.strip()), "")
    parts = _name_parts(card.first("N"))
    name = fallback_name(_name(card, parts), company, emails, phones)
    tags = unique(
        tag
        for value in card.raw("CATEGORIES")
        for tag in _tags(value, card.version)
        if tag.casefold() not in _SYSTEM_GROUPS
    )
    notes = [clean_text(unescape(v)) for v in card.raw("NOTE")]
    _check_photos(card)
    return Contact(
        name=name,
        company=clean_text(company),
        title=clean_text(unescape(card.first("TITLE"))),
        emails=emails,
        phones=phones,
        tags=tags,
        notes="\n\n".join(note for note in [*notes, *not_emails] if note),
        urls=unique(unescape(v) for v in card.raw("URL")),
        external_ids=unique(f"vcard-uid:{unescape(v).strip()}" for v in card.raw("UID")),
        name_parts=parts if any(parts) else [],
    )


def _emails(card: _Card) -> tuple[list[str], list[str]]:
    """The card's email addresses, and notes for values that are not one (an id, a URN)."""
    emails, others = [], []
    for value in card.raw("EMAIL"):
        text = unescape(value).strip()
        text = text[7:] if text.lower().startswith("mailto:") else text
        if is_email(text):
            emails.append(text)
        elif text:
            others.append(f"EMAIL field held {text}")
            card.mended.append(
                f"EMAIL {one_line(text, 40)} is not an email address; kept as a note"
            )
    return unique(emails), others


def _check_photos(card: _Card) -> None:
    """netui keeps no pictures, but a broken one is worth a line in the report."""
    for line in card.properties:
        encoding = {p.upper() for p in line.params.get("ENCODING", []) + line.singletonparams}
        if line.name not in ("PHOTO", "LOGO") or not encoding & {"B", "BASE64"}:
            continue
        try:
            base64.b64decode("".join(line.value.split()), validate=True)
        except ValueError:
            card.mended.append(f"{line.name}: bad base64, left out")


def unescape(text: str) -> str:
    """A vCard text value as written by a person: `\\,` `\\;` `\\n` undone, bare commas kept.

    vobject reads FN, TITLE, NOTE and ORG as comma-separated lists and keeps the first
    item, so "VP, Sales" became "VP"; vCard 2.1 and Gmail's 3.0 never escape the comma.
    """
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES = {"n": "\n", "N": "\n"}


def split_unescaped(text: str, separator: str) -> list[str]:
    """`text` cut at each `separator` that is not escaped with a backslash (still escaped)."""
    parts, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts if text else []


def _name_parts(raw: str) -> list[str]:
    """N as [family, given, additional, prefix, suffix], each component's values joined."""
    components = split_unescaped(raw, ";")
    parts = [
        " ".join(unescape(v).strip() for v in split_unescaped(c, ",") if v.strip())
        for c in components[:5]
    ]
    return parts + [""] * (5 - len(parts)) if parts else []


def _name(card: _Card, parts: list[str]) -> str:
    formatted = unescape(card.first("FN")).strip()
    if formatted:
        return formatted
    if not parts:
        return ""
    family, given, additional, prefix, suffix = parts
    return " ".join(p for p in (prefix, given, additional, family, suffix) if p)


def _tags(value: str, version: str) -> list[str]:
    """CATEGORIES: commas separate in 3.0/4.0 (minding escapes); 2.1 often uses ';'."""
    if version == "2.1":
        return split_list(unescape(value))
    return [unescape(part).strip() for part in split_unescaped(value, ",")]


def _phone(text: str) -> str:
    return text[4:] if text.lower().startswith("tel:") else text


def write_vcards(contacts: Iterable[Contact]) -> str:
    """vCard 4.0 text, one card per contact."""
    return "".join(_card(contact).serialize() for contact in contacts)


def _card(contact: Contact) -> Any:
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("uid").value = own_uid(contact.id)
    card.add("fn").value = contact.name
    family, given, additional, prefix, suffix = structured_name(contact)
    card.add("n").value = vobject.vcard.Name(
        family=family, given=given, additional=additional, prefix=prefix, suffix=suffix
    )
    if contact.company:
        card.add("org").value = [contact.company]
    if contact.title:
        card.add("title").value = contact.title
    for email in contact.emails:
        card.add("email").value = email
    for phone in contact.phones:
        card.add("tel").value = phone
    for url in contact.urls:
        card.add("url").value = url
    if contact.tags:
        card.add("categories").value = list(contact.tags)
    if contact.notes:
        card.add("note").value = contact.notes
    return card


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "phd", "md", "esq", "mba", "dds"})
_PREFIXES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev"})


def structured_name(contact: Contact) -> list[str]:
    """N for the card: [family, given, additional, prefix, suffix].

    The N the contact came with is kept while its parts are all still in the name;
    otherwise the name is split: titles ("Dr.") and suffixes ("Jr.", "III") set aside,
    the last remaining word is the family name, so "John Doe III" is Doe; John; III.
    """
    if len(contact.name_parts) == 5 and _fits(contact.name_parts, contact.name):
        return list(contact.name_parts)
    words = contact.name.split()
    prefix = [words.pop(0) for _ in range(len(words) - 1) if _bare(words[0]) in _PREFIXES]
    suffix: list[str] = []
    while len(words) > 1 and _bare(words[-1]) in _SUFFIXES:
        suffix.insert(0, words.pop().rstrip(","))
    family = words.pop().rstrip(",") if words else ""
    return [family, " ".join(words), "", " ".join(prefix), " ".join(suffix)]


def _bare(word: str) -> str:
    return word.strip(".,").casefold()


def _fits(parts: list[str], name: str) -> bool:
    folded = name.casefold()
    return any(parts) and all(p.casefold() in folded for p in parts if p)
