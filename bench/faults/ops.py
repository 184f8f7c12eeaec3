"""A deterministic sequence of writes, so a killed writer's database can be checked exactly.

Write `n` is a function of `n` alone; `expected(n)` is what a database holds after writes
0..n-1. The child (writer.py) performs them; the test compares the survivor with `expected`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from netui.core.db.store import Store
from netui.core.model import Contact, Conversation

# Big enough that each commit writes tens of kilobytes, so a kill often lands mid-write.
PAD = "x" * 3000
MET = date(2026, 1, 1)
STAGED = date(2026, 2, 1)


def _ids(k: int) -> tuple[str, str]:
    return f"k{k:07d}", f"v{k:07d}"


def _day(k: int) -> date:
    return date(2026, 1 + k % 12, 1 + k % 28)


def apply(store: Store, n: int) -> None:
    """Perform write `n`: add contact k, log a conversation with it, move it to thanked."""
    k, phase = divmod(n, 3)
    contact_id, conv_id = _ids(k)
    if phase == 0:
        store.add_contact(Contact(name=f"Kill {k}", id=contact_id, met_on=MET, notes=PAD))
    elif phase == 1:
        store.log(Conversation(contact_id=contact_id, id=conv_id, on=_day(k), note=f"{k} {PAD}"))
    else:
        store.set_stage(contact_id, "thanked", STAGED)


def expected(n: int) -> dict[str, Any]:
    """What the database holds after writes 0..n-1."""
    contacts: dict[str, list[Any]] = {}
    conversations: dict[str, tuple[str, str, str]] = {}
    for i in range(n):
        k, phase = divmod(i, 3)
        contact_id, conv_id = _ids(k)
        if phase == 0:
            contacts[contact_id] = [f"Kill {k}", "met", None]
        elif phase == 1:
            conversations[conv_id] = (contact_id, _day(k).isoformat(), f"{k} {PAD}")
            contacts[contact_id][2] = _day(k).isoformat()
        else:
            contacts[contact_id][1] = "thanked"
    newest = None
    if n:
        k, phase = divmod(n - 1, 3)
        newest = (("Add", "Log", "→")[phase], f"Kill {k}")
    return {"contacts": contacts, "conversations": conversations, "newest_undo": newest}


def observed(store: Store) -> dict[str, Any]:
    """The same view, read from a store."""
    contacts = {
        c.id: [c.name, c.stage.value, c.last_contact_on and c.last_contact_on.isoformat()]
        for c in store.contacts(include_archived=True)
    }
    bad_notes = [c.id for c in store.contacts(include_archived=True) if c.notes != PAD]
    assert not bad_notes, f"contacts whose notes changed: {bad_notes}"
    conversations = {
        c.id: (c.contact_id, c.on.isoformat(), c.note) for c in store.all_conversations()
    }
    description = store.undo_description or ""
    newest = None
    for word in ("Add", "Log", "→"):
        if word in description:
            newest = (word, description.split(":")[0].removeprefix("Add ").split(" with ")[-1])
    return {"contacts": contacts, "conversations": conversations, "newest_undo": newest}
