"""Who is probably the same person: the rules shared by `netui dupes` and the importer.

Two contacts are the same person when they carry the same external id (a vCard UID, a
LinkedIn profile), the same name at the same company (case, accents and styled letters
folded), or share an email (case-insensitive) or a phone number (same digits, at least
MIN_PHONE_DIGITS of them, so "0" or "112" never match) under compatible names. A shared
email or phone under different names (a switchboard, a family address) is a doubt to
list, never a merge.

`netui dupes` also flags names that are nearly the same at one company ("Jon Smith" and
"John Smith" at Acme): difflib's ratio of the folded names at least NEAR_NAME_RATIO. 0.85
accepts one or two letters' difference in a full name ("Jon"/"John" Smith: 0.95,
"Ann"/"Anne Lee": 0.93) and rejects different people who share a surname ("Ann Lee" /
"Bob Lee": 0.57). It also flags "John"/"Joan Smith" (0.90): a pair to look at, not to merge
blindly. Only contacts of the same company are compared, which keeps the search
near-linear and avoids flagging namesakes at other firms. Identical names are flagged
unless both contacts name different companies.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from netui.core.folding import fold
from netui.core.identity import (
    MIN_PHONE_DIGITS,
    Profile,
    email_key,
    folded,
    identity_keys,
    own_uid,
    phone_key,
    profile,
)
from netui.core.model import Contact

__all__ = [
    "MIN_PHONE_DIGITS",
    "email_key",
    "folded",
    "identity_keys",
    "own_uid",
    "phone_key",
]

NEAR_NAME_RATIO = 0.85


_WORD = re.compile(r"\w+")


def compatible_names(a: str, b: str) -> bool:
    """Whether two names can be one person's: equal, one inside the other ("Ann Lee" /
    "Ann Lee-Smith"), initials ("A. Lee"), nearly equal ("Jon"/"John"), or one is no
    real name (an address book files a nameless entry under its email or phone)."""
    one, two = _WORD.findall(fold(a)), _WORD.findall(fold(b))
    if not one or not two or not _is_name(a) or not _is_name(b):
        return True
    short, long = sorted((one, two), key=len)
    if all(any(_same_word(w, v) for v in long) for w in short):
        return True
    return near_ratio(" ".join(one), " ".join(two)) is not None


def _is_name(text: str) -> bool:
    return "@" not in text and sum(ch.isdigit() for ch in text) < MIN_PHONE_DIGITS


def _same_word(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


_REASON = {"id": "same id", "email": "same email", "phone": "same phone", "name": "same name"}


class ContactIndex:
    """Finds the known contact a record is, by external id, name+company, email, phone.

    A shared email or phone alone is not enough: a switchboard, a family address or an
    assistant serves several people. It matches only when the names are compatible;
    otherwise the pair is returned as a doubt for the user to look at.
    """

    def __init__(self, contacts: Iterable[Contact] = ()) -> None:
        self._owners: dict[tuple[str, str], Contact] = {}
        for contact in contacts:
            self.add(contact)

    def add(self, contact: Contact) -> None:
        """Index the contact's keys; a key already owned keeps its first owner."""
        for kind, key, _ in identity_keys(contact):
            owner = self._owners.setdefault((kind, key), contact)
            if owner.id == contact.id:
                self._owners[(kind, key)] = contact  # the newest version of the owner

    def match(self, contact: Contact) -> tuple[str, str] | None:
        """(id of the known contact, why) for the person the record is, else None."""
        return self.place(contact)[0]

    def place(self, contact: Contact) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
        """(the match as in `match`, [(id, why) of contacts sharing a key but not a name])."""
        keys = identity_keys(contact)
        order = sorted(keys, key=lambda k: ("id", "name", "email", "phone").index(k[0]))
        doubts: dict[str, str] = {}
        for kind, key, shown in order:
            owner = self._owners.get((kind, key))
            if owner is None:
                continue
            if kind in ("id", "name") or compatible_names(owner.name, contact.name):
                return (owner.id, f"{_REASON[kind]} {shown}"), []
            doubts.setdefault(owner.id, f"{_REASON[kind]} {shown}, names differ")
        return None, list(doubts.items())


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


def _reasons(a: Profile, b: Profile) -> list[str]:
    reasons = [
        f"same {kind} {shown}" for (kind, key), shown in a.keys.items() if (kind, key) in b.keys
    ]
    if a.name == b.name and (a.company == b.company or "" in (a.company, b.company)):
        reasons.append("same name")
    elif a.company and a.company == b.company:
        ratio = near_ratio(a.name, b.name)
        if ratio is not None:
            reasons.append(f"similar names ({ratio:.2f})")
    return reasons


def likely_same(a: Contact, b: Contact) -> list[str]:
    """Why `a` and `b` are probably one person (empty when they are probably not)."""
    return _reasons(profile(a), profile(b))


def duplicates_of(contact: Contact, contacts: Iterable[Contact]) -> list[DuplicatePair]:
    """The likely duplicates of one contact (what the TUI offers to merge), in one pass."""
    mine = profile(contact)
    pairs = (
        DuplicatePair(contact, other, _reasons(mine, profile(other)))
        for other in contacts
        if other.id != contact.id
    )
    return [pair for pair in pairs if pair.reasons]


def find_duplicates(contacts: Iterable[Contact]) -> list[DuplicatePair]:
    """Likely duplicate pairs, the older contact first, sorted by its name.

    Only contacts sharing an email, a phone, a name or a company are ever compared,
    which keeps 10,000 contacts to about a second.
    """
    people = [profile(c) for c in sorted(contacts, key=lambda c: (c.created, c.id))]
    groups: dict[tuple[str, str], list[Profile]] = defaultdict(list)
    for person in people:
        for key in person.keys:
            groups[key].append(person)
        groups[("name", person.name)].append(person)
        if person.company:
            groups[("company", person.company)].append(person)
    candidates: dict[tuple[str, str], tuple[Profile, Profile]] = {}
    for (kind, _), members in groups.items():
        for a, b in combinations(members, 2):
            if kind != "company" or near_ratio(a.name, b.name) is not None:
                candidates[(a.contact.id, b.contact.id)] = (a, b)
    pairs = [DuplicatePair(a.contact, b.contact, _reasons(a, b)) for a, b in candidates.values()]
    found = [pair for pair in pairs if pair.reasons]
    return sorted(found, key=lambda p: (p.first.name.casefold(), p.second.name.casefold()))


def near_ratio(a: str, b: str) -> float | None:
    """difflib's similarity of two different names, when at least NEAR_NAME_RATIO."""
    if a == b or 2 * min(len(a), len(b)) < NEAR_NAME_RATIO * (len(a) + len(b)):
        return None  # identical names are reported as such; lengths alone rule the rest out
    import difflib  # here: ~5 ms of `netui add`'s start-up, which never compares near names

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() < NEAR_NAME_RATIO:
        return None
    ratio = matcher.ratio()
    return round(ratio, 2) if ratio >= NEAR_NAME_RATIO else None
