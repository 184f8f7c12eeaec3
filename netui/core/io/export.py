"""Exporting: pick the contacts (with the filters of `netui list`) and render one format.

JSON with no filter is the full archive: every contact (archived ones too), the whole
diary, all referrals. With filters it holds the chosen contacts, their conversations and
the referrals between them, which still imports cleanly on its own.

An export never lands inside the database folder: `netui export DB/contacts/03.json` once
replaced a data file behind the store's back (its contacts unreadable until `netui doctor`
restored a backup), and any export there would be committed and pushed by `netui sync`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from netui.core.db.store import Store, fold
from netui.core.errors import UnwritableFile
from netui.core.io.archive import write_json
from netui.core.io.csv_contacts import write_csv
from netui.core.io.diary import write_markdown
from netui.core.io.ics import write_ics
from netui.core.io.vcard import write_vcards
from netui.core.model import Contact, Stage

EXPORT_FORMATS = ("vcard", "csv", "json", "ics", "markdown")
EXTENSIONS = {
    ".vcf": "vcard",
    ".vcard": "vcard",
    ".csv": "csv",
    ".json": "json",
    ".ics": "ics",
    ".md": "markdown",
    ".markdown": "markdown",
}
ICS_HORIZON_DAYS = 365  # every contact has one next step; a year covers all of them


def format_for(path: str) -> str | None:
    """The export format a file name asks for, by its extension."""
    return EXTENSIONS.get(Path(path).suffix.lower())


def refuse_inside_database(database: Path, target: Path) -> None:
    """UnwritableFile when `target` (after links) is in the database folder or is it."""
    root = database.resolve()
    where = Path(os.path.realpath(target.expanduser()))  # a link loop: refused when written
    if where == root or where.is_relative_to(root):
        raise UnwritableFile(
            f"{target} is inside the database folder {database}; export somewhere else "
            "(netui writes its own files there, and sync would send the export to every device)"
        )


@dataclass(frozen=True, slots=True)
class Selection:
    """Which contacts to export: the same filters as `netui list`."""

    stage: Stage | None = None
    tag: str | None = None
    archived: bool = False  # archived contacts instead of current ones

    @property
    def filtered(self) -> bool:
        return self.stage is not None or self.tag is not None or self.archived

    def __call__(self, contact: Contact) -> bool:
        return (
            contact.archived == self.archived
            and (self.stage is None or contact.stage is self.stage)
            and (self.tag is None or fold(self.tag) in {fold(t) for t in contact.tags})
        )


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    contacts: int  # how many contacts it holds


def render(store: Store, fmt: str, today: date, selection: Selection = Selection()) -> Rendered:
    """The export's text, in format `fmt`."""
    everything = fmt == "json" and not selection.filtered
    contacts = [c for c in store.contacts(include_archived=True) if everything or selection(c)]
    return Rendered(_text(store, fmt, today, contacts), len(contacts))


def _text(store: Store, fmt: str, today: date, contacts: list[Contact]) -> str:
    if fmt == "vcard":
        return write_vcards(contacts)
    if fmt == "csv":
        return write_csv(contacts)
    if fmt == "ics":
        chosen = {c.id for c in contacts}
        items = store.queue(today, horizon_days=ICS_HORIZON_DAYS)
        return write_ics([item for item in items if item.contact.id in chosen], today)
    if fmt == "markdown":
        return write_markdown(contacts, store.conversations_of, store.contacts_by_id, today)
    if fmt == "json":
        chosen = {c.id for c in contacts}
        conversations = sorted(
            (c for c in store.all_conversations() if c.contact_id in chosen),
            key=lambda c: (c.on, c.created, c.id),
        )
        referrals = [r for r in store.referrals() if {r.referrer_id, r.referred_id} <= chosen]
        introductions = [i for i in store.introductions() if {i.a_id, i.b_id} <= chosen]
        return write_json(contacts, conversations, referrals, introductions)
    raise ValueError(f"unknown export format {fmt!r}")
