"""What identifies a contact: external ids, emails, phones, the folded name and company.

Shared by the duplicate rules (`core/io/dupes.py`) and the contacts digest, which keeps each
contact's keys so `netui add` can warn about a look-alike without reading 10,000 records.
The look-alike rule `netui add` warns by lives here too, not in dupes: importing dupes (its
merge rules, dataclasses) was ~1.2 ms of every add that only needs this one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from netui.core.folding import fold
from netui.core.model import Contact

MIN_PHONE_DIGITS = 7


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
    keys = [("id", fold(x), x) for x in contact.external_ids if x.strip()]
    keys.append(("id", fold(f"vcard-uid:{own_uid(contact.id)}"), "UID of a netui vCard"))
    keys += [("email", email_key(e), e) for e in contact.emails if email_key(e)]
    keys += [("phone", k, p) for p in contact.phones if (k := phone_key(p))]
    name, company = name_key(contact)
    shown = f"{contact.name} at {contact.company}" if contact.company else contact.name
    keys.append(("name", f"{name}\x00{company}", shown))
    unique: dict[tuple[str, str], tuple[str, str, str]] = {}
    for kind, key, text in keys:
        unique.setdefault((kind, key), (kind, key, text))
    return list(unique.values())


class Profile(NamedTuple):
    """A contact's identifying keys, folded once (folding dominates the cost of comparing)."""

    contact: Contact
    keys: dict[tuple[str, str], str]  # (kind, key) -> the value as written, email/phone only
    name: str
    company: str


def profile(contact: Contact) -> Profile:
    keys = {(k, key): shown for k, key, shown in identity_keys(contact) if k != "name"}
    return Profile(contact, keys, *name_key(contact))


def lookalikes(candidate: Contact, contacts: Iterable[Contact]) -> list[tuple[Contact, str]]:
    """Who a contact about to be captured may already be: (contact, why), best first.

    Looser than the importer (`dupes`) on purpose: a person typing a name is warned about
    the same folded name ("Daniel Hervas" is "Daniel Hervás") at any company, or any shared
    email or phone; they decide.
    """
    mine = profile(candidate)
    found: list[tuple[int, Contact, str]] = []
    for other in contacts:
        if other.id == candidate.id:
            continue
        theirs = profile(other)
        shared = [f"same {kind} {shown}" for (kind, key), shown in mine.keys.items()
                  if (kind, key) in theirs.keys]  # fmt: skip
        if mine.name == theirs.name:
            shared.insert(0, "same name")
        if shared:
            found.append((-len(shared), other, "; ".join(shared)))
    found.sort(key=lambda item: (item[0], fold(item[1].name), item[1].id))
    return [(contact, why) for _, contact, why in found]


NETUI_ID = re.compile(r"[0-9a-f]{32}")  # what `model.new_id` makes


def own_uid(contact_id: str) -> str:
    """The UID netui's vCard export gives the contact (vCard 4.0 wants a urn:uuid).

    netui's own ids are written out by hand, as `uuid.UUID(hex=...).urn` writes them, so
    `netui add` does not import `uuid` (~3 ms) for its look-alike check."""
    if NETUI_ID.fullmatch(contact_id):
        h = contact_id
        return f"urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    import uuid

    try:
        return uuid.UUID(hex=contact_id).urn
    except ValueError:
        return contact_id


def lookup_keys(contact: Contact) -> list[str]:
    """The keys a look-alike shares ("kind\x00key"): the folded name, external ids, emails
    and phones; not the contact's own vCard UID, which is made from its id (the digest keeps
    these for every contact, see `lookalike_ids`)."""
    own = fold(f"vcard-uid:{own_uid(contact.id)}")
    keys = [f"name\x00{folded(contact.name)}"]
    keys += [
        f"{kind}\x00{key}"
        for kind, key, _ in identity_keys(contact)
        if kind != "name" and not (kind == "id" and key == own)
    ]
    return keys


def uid_key(contact_id: str) -> str:
    """The look-up key of the vCard UID netui's export gives the contact."""
    return f"id\x00{fold(f'vcard-uid:{own_uid(contact_id)}')}"


_UID = "id\x00vcard-uid:"  # a look-up key made from a vCard UID


def lookalike_query(candidate: Contact) -> tuple[set[str], list[str]]:
    """What finds the possible look-alikes of `candidate` (`lookalike_ids`) without reading
    everyone: (the look-up keys they would share, texts holding the id of each contact one
    of the candidate's vCard UIDs names, when it is a netui id, `NETUI_ID`)."""
    keys = lookup_keys(candidate)  # not its own UID: each one names the contact it was made from
    return {*keys, uid_key(candidate.id)}, [k.replace("-", "") for k in keys if k.startswith(_UID)]


def lookalike_ids(candidate: Contact, keyed: list[list[Any]]) -> set[str]:
    """The ids, among `keyed` ([id, lookup keys] of every contact), of those who might be
    `candidate`: a superset of whom `lookalikes` names (sharing a key, or being the
    contact a vCard UID of the candidate was made from), so it can run on these few."""
    own_keys = lookup_keys(candidate)
    mine = {*own_keys, uid_key(candidate.id)}
    uids = {k for k in own_keys if k.startswith(_UID)}  # not its own: see `lookup_keys`
    return {
        cid
        for cid, keys in keyed
        if cid != candidate.id and (not mine.isdisjoint(keys) or (uids and uid_key(cid) in uids))
    }
