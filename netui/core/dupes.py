"""Who is probably the same person: the rules shared by `netui dupes` and the importer.

Two contacts are the same person when they share an email (case-insensitive), a phone
number (same digits, at least MIN_PHONE_DIGITS of them, so "0" or "112" never match), or
the same name at the same company (case and accents folded).

`netui dupes` also flags names that are nearly the same at one company ("Jon Smith" and
"John Smith" at Acme): difflib's ratio of the folded names at least NEAR_NAME_RATIO. 0.85
accepts one or two letters' difference in a full name ("Jon"/"John" Smith: 0.95,
"Ann"/"Anne Lee": 0.93) and rejects different people who share a surname ("Ann Lee" /
"Bob Lee": 0.71). Only contacts of the same company are compared, which keeps the
search near-linear and avoids flagging namesakes at other firms. Identical names are
flagged unless both contacts name different companies.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from netui.core.model import Contact
from netui.core.store import fold

MIN_PHONE_DIGITS = 7
NEAR_NAME_RATIO = 0.85


def email_key(email: str) -> str:
    return email.strip().casefold()


def phone_key(phone: str) -> str | None:
    """The digits of a phone number; None when too short to identify anyone."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def folded(text: str) -> str:
    return " ".join(fold(text).split())


def name_key(contact: Contact) -> tuple[str, str]:
    return folded(contact.name), folded(contact.company)


def identity_keys(contact: Contact) -> list[tuple[str, str, str]]:
    """(kind, key, shown) for everything that identifies the contact, strongest first."""
    keys = [("email", email_key(e), e) for e in contact.emails if email_key(e)]
    keys += [("phone", k, p) for p in contact.phones if (k := phone_key(p))]
    name, company = name_key(contact)
    shown = f"{contact.name} at {contact.company}" if contact.company else contact.name
    keys.append(("name", f"{name}\x00{company}", shown))
    unique: dict[tuple[str, str], tuple[str, str, str]] = {}
    for kind, key, text in keys:
        unique.setdefault((kind, key), (kind, key, text))
    return list(unique.values())


class ContactIndex:
    """Finds the known contact a record matches, by email, then phone, then name+company."""

    def __init__(self, contacts: Iterable[Contact] = ()) -> None:
        self._owners: dict[tuple[str, str], str] = {}
        for contact in contacts:
            self.add(contact)

    def add(self, contact: Contact) -> None:
        """Index the contact's keys; a key already owned keeps its first owner."""
        for kind, key, _ in identity_keys(contact):
            self._owners.setdefault((kind, key), contact.id)

    def match(self, contact: Contact) -> tuple[str, str] | None:
        """(id of the known contact, why) for the first key it shares, else None."""
        for kind, key, shown in identity_keys(contact):
            owner = self._owners.get((kind, key))
            if owner is not None:
                return owner, f"same {kind} {shown}"
        return None


@dataclass(slots=True)
class DuplicatePair:
    """Two contacts that are probably one person, and why we think so."""

    first: Contact
    second: Contact
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "first": {"id": self.first.id, "name": self.first.name},
            "second": {"id": self.second.id, "name": self.second.name},
            "reasons": self.reasons,
        }


def find_duplicates(contacts: Iterable[Contact]) -> list[DuplicatePair]:
    """Likely duplicate pairs, the older contact first, sorted by its name."""
    people = sorted(contacts, key=lambda c: (c.created, c.id))
    order = {c.id: n for n, c in enumerate(people)}
    pairs: dict[tuple[str, str], DuplicatePair] = {}

    def note(a: Contact, b: Contact, reason: str) -> None:
        first, second = sorted((a, b), key=lambda c: order[c.id])
        pair = pairs.setdefault((first.id, second.id), DuplicatePair(first, second))
        if reason not in pair.reasons:
            pair.reasons.append(reason)

    groups: dict[tuple[str, str], list[Contact]] = defaultdict(list)
    for contact in people:
        for kind, key, _ in identity_keys(contact):
            if kind != "name":
                groups[(kind, key)].append(contact)
    for (kind, _), members in groups.items():
        for a, b in combinations(members, 2):
            shared = _shared_value(a, b, kind)
            note(a, b, f"same {kind} {shared}")
    for a, b, ratio in _similar_names(people):
        note(a, b, "same name" if ratio == 1.0 else f"similar names ({ratio:.2f})")
    return sorted(pairs.values(), key=lambda p: (p.first.name.casefold(), p.second.name.casefold()))


def _shared_value(a: Contact, b: Contact, kind: str) -> str:
    if kind == "email":
        theirs = {email_key(e) for e in b.emails}
        return next(e for e in a.emails if email_key(e) in theirs)
    theirs = {phone_key(p) for p in b.phones}
    return next(p for p in a.phones if phone_key(p) in theirs)


def _similar_names(people: list[Contact]) -> Iterable[tuple[Contact, Contact, float]]:
    """Same names (unless at two different companies), and near names at one company."""
    by_name: dict[str, list[Contact]] = defaultdict(list)
    by_company: dict[str, list[Contact]] = defaultdict(list)
    for contact in people:
        by_name[folded(contact.name)].append(contact)
        if contact.company.strip():
            by_company[folded(contact.company)].append(contact)
    for members in by_name.values():
        for a, b in combinations(members, 2):
            companies = {folded(a.company), folded(b.company)}
            if len(companies) == 1 or "" in companies:
                yield a, b, 1.0
    for members in by_company.values():
        names = [folded(m.name) for m in members]
        for (i, a), (j, b) in combinations(enumerate(members), 2):
            ratio = near_ratio(names[i], names[j])
            if ratio is not None:
                yield a, b, ratio


def near_ratio(a: str, b: str) -> float | None:
    """difflib's similarity of two different names, when at least NEAR_NAME_RATIO."""
    if a == b or 2 * min(len(a), len(b)) < NEAR_NAME_RATIO * (len(a) + len(b)):
        return None  # identical names are reported as such; lengths alone rule the rest out
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() < NEAR_NAME_RATIO:
        return None
    ratio = matcher.ratio()
    return round(ratio, 2) if ratio >= NEAR_NAME_RATIO else None
