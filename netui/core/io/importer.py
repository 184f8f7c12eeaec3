"""Importing is two steps: plan (read the file, decide add/merge/skip) and apply.

The plan is what `--dry-run` prints and what the TUI's import screen previews; applying
it is one store transaction, so an import lands whole or not at all. A record that is
already in netui (same external id, name and company, or email or phone under a
compatible name; see `dupes.py`) is merged into the existing contact, never added twice,
and merging only adds what is missing (a different name goes to the notes), so importing
the same file again plans nothing but skips. Records sharing an email or phone under
different names are added apart and listed in `doubtful`.

New people wait unsorted (out of the queue: an address book holds people already known)
unless `stage` puts them on the ladder at once; netui's own JSON keeps what it says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netui.core.dates import today as local_today
from netui.core.db.store import Store, fold, merge_contacts
from netui.core.errors import BadRecords, StalePlan
from netui.core.io.dupes import ContactIndex, folded, phone_key
from netui.core.io.limits import cap_contact, cap_conversation
from netui.core.io.reader import Progress, read_path
from netui.core.io.records import Bundle, unique
from netui.core.model import (
    Contact,
    Conversation,
    Introduction,
    Referral,
    Stage,
    StageStep,
    utc_now,
)
from netui.core.rules import SortChoice, sort_out
from netui.core.text import one_line

ADD, MERGE, SKIP = "add", "merge", "skip"
_LIST_FIELDS = ("emails", "phones", "tags", "needs", "offers", "urls")
_IGNORED_IN_COMPARISON = ("updated",)


@dataclass(slots=True)
class PlanEntry:
    """What happens to one record of the file, and why."""

    action: str  # ADD, MERGE or SKIP
    where: str  # "line 7", "card 3 (line 14)", "contacts/ann.vcf: card 1 (line 1)"
    name: str
    reason: str
    contact_id: str | None = None


@dataclass(slots=True)
class ImportPlan:
    """Everything an import would write; `errors` non-empty means it writes nothing."""

    source: str
    format: str = ""
    entries: list[PlanEntry] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    introductions: list[Introduction] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Records read with a property left out or mended: "card 3 (line 9): PHOTO: bad base64".
    repaired: list[str] = field(default_factory=list)
    # Pairs sharing an email or phone under different names, added apart, to look at.
    doubtful: list[str] = field(default_factory=list)
    encoding: str = ""  # "cp932 (detected)" when the file's encoding was a guess
    # "line 7: Ann: notes cut to 1,000,000 characters (of 5,000,000)": fields over limits.py's
    cuts: list[str] = field(default_factory=list)
    # The contacts the plan changes, as they were when planned (timestamps are too coarse).
    base: dict[str, dict[str, Any]] = field(default_factory=dict)

    def of(self, action: str) -> list[PlanEntry]:
        return [entry for entry in self.entries if entry.action == action]

    @property
    def writes_anything(self) -> bool:
        return not self.errors and bool(
            self.contacts or self.conversations or self.referrals or self.introductions
        )

    @property
    def unsorted_added(self) -> int:
        """New contacts this import leaves unsorted (out of the queue until sorted)."""
        return sum(1 for c in self.contacts if c.unsorted and c.id not in self.base)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.of(ADD)),
            "merged": len(self.of(MERGE)),
            "skipped": len(self.of(SKIP)),
            "errors": len(self.errors),
            "conversations": len(self.conversations),
            "referrals": len(self.referrals),
        }

    def summary(self) -> str:
        """One line for the end of an import: added, merged, skipped, errors."""
        c = self.counts()
        text = f"{c['added']} added, {c['merged']} merged, {c['skipped']} skipped, "
        text += f"{c['errors']} error{'s' if c['errors'] != 1 else ''}"
        extra = [f"{c[k]} {k}" for k in ("conversations", "referrals") if c[k]]
        text += f" ({', '.join(extra)} added)" if extra else ""
        if self.repaired:
            text += f", {len(self.repaired)} mended"
        if self.doubtful:
            text += f", {len(self.doubtful)} to check"
        if self.cuts:
            text += f"; {len(self.cuts)} record{'s' if len(self.cuts) != 1 else ''} cut to fit"
        return text


def plan_import(
    path: str | Path,
    store: Store,
    *,
    fmt: str | None = None,
    tag: str | None = None,
    progress: Progress | None = None,
    stage: Stage | None = None,
    strict: bool = False,
    encoding: str | None = None,
) -> ImportPlan:
    """Read `path` and decide, record by record, what importing it would do.

    Raises UnreadableFile (a ValidationError) when the file cannot be read or recognised.
    Records that cannot be read are skipped (`plan.of(SKIP)`) and mended ones listed in
    `plan.repaired`; `plan.errors` (nothing written) only when nothing is usable, or with
    `strict` when anything was skipped or mended.
    """
    try:
        bundle = read_path(Path(path), fmt, progress, strict=strict, encoding=encoding)
    except BadRecords as exc:
        return ImportPlan(source=str(path), format=fmt or "", errors=exc.problems)
    tag = tag.strip() if tag else None
    return _Planner(store, tag, stage).plan(bundle, str(path))


def apply(plan: ImportPlan, store: Store) -> None:
    """Write the plan in one transaction (undoable); refuse if it has errors or is stale."""
    if plan.errors:
        raise BadRecords(plan.errors)
    refuse_if_stale(
        store, plan.base, "the database changed since the import was planned; plan it again"
    )
    if not plan.writes_anything:
        return
    counts = plan.counts()
    store.import_batch(
        contacts=plan.contacts,
        conversations=plan.conversations,
        referrals=plan.referrals,
        introductions=plan.introductions,
        description=f"Import {Path(plan.source).name} "
        f"({counts['added']} added, {counts['merged']} merged)",
    )


def refuse_if_stale(store: Store, base: dict[str, dict[str, Any]], message: str) -> None:
    """Raise StalePlan(message) if a contact a plan changes is not as it was when planned
    (another process may have written since the plan was made)."""
    store.refresh()
    for contact_id, planned_on in base.items():
        current = store.contacts_by_id.get(contact_id)
        if current is None or current.to_dict() != planned_on:
            raise StalePlan(message)


def absorb(current: Contact, incoming: Contact) -> Contact:
    """The existing contact with what the incoming record adds; existing values win.

    The store's merge rules, except that an import never moves a contact (archived,
    unsorted or sorted, kept in touch: all stay as they are) and
    phones are compared by their digits ("555-123 4567" is "5551234567").
    """
    merged = merge_contacts(current, incoming)
    for name in ("archived", "unsorted", "sorted_on", "keep_since"):
        setattr(merged, name, getattr(current, name))  # where it stands is ours to keep
    merged.phones = unique(current.phones + incoming.phones, key=lambda p: phone_key(p) or fold(p))
    return merged


ALSO_KNOWN_AS = "Also known as"


def keep_name(contact: Contact, name: str) -> None:
    """Note a different name a merged record came with, so no spelling of it is lost."""
    if folded(name) == folded(contact.name) or not _is_name_like(name):
        return
    line = f"{ALSO_KNOWN_AS}: {name}"
    if fold(line) not in fold(contact.notes):
        contact.notes = "\n\n".join(filter(None, (contact.notes, line)))


def _is_name_like(text: str) -> bool:
    """A fallback name (an email, a phone) is not a name worth noting."""
    return "@" not in text and phone_key(text) is None


def describe_changes(before: Contact, after: Contact) -> str:
    """'adds email a@x.com, tag friends; fills company' for the dry-run report."""
    added = []
    for name in _LIST_FIELDS:
        old = {fold(v) for v in getattr(before, name)}
        added += [f"{name[:-1]} {v}" for v in getattr(after, name) if fold(v) not in old]
    old_data, new_data = before.to_dict(), after.to_dict()
    changed = [
        key.replace("_", " ")
        for key in new_data
        if key not in (*_LIST_FIELDS, *_IGNORED_IN_COMPARISON) and old_data[key] != new_data[key]
    ]
    parts = [f"adds {', '.join(added)}"] if added else []
    if changed:
        parts.append(f"updates {', '.join(changed)}")
    return "; ".join(parts) or "no change"


def _same(a: Contact, b: Contact) -> bool:
    one, two = a.to_dict(), b.to_dict()
    for key in _IGNORED_IN_COMPARISON:
        one.pop(key), two.pop(key)
    return one == two


class _Planner:
    """Walks the file's records against the store, building one ImportPlan."""

    def __init__(self, store: Store, tag: str | None, stage: Stage | None = None) -> None:
        self.store = store
        self.tag = tag
        self.stage = stage
        # A locked copy: a TUI worker may plan while the UI thread writes.
        everyone = store.contacts(include_archived=True)
        self.existing: Mapping[str, Contact] = {c.id: c for c in everyone}
        self.index = ContactIndex(self.existing.values())
        self.planned: dict[str, Contact] = {}  # id -> the contact to write
        self.added_at: dict[str, str] = {}  # id of a contact this import adds -> where
        self.id_map: dict[str, str] = {}  # id in the file -> id written
        self.distinct = False  # the file's records are never merged with one another
        self.cuts: list[str] = []

    def plan(self, bundle: Bundle, source: str) -> ImportPlan:
        plan = ImportPlan(source=source, format=bundle.format, encoding=bundle.encoding)
        plan.repaired = [f"{where}: {what}" for where, what in bundle.repaired]
        self.distinct = bundle.distinct
        for record in bundle.contacts:
            plan.entries.append(self._place(record.contact, record.where, plan.doubtful))
        plan.entries += [PlanEntry(SKIP, where, "", why) for where, why in bundle.skipped]
        plan.conversations = self._conversations(bundle.conversations)
        plan.referrals = self._referrals(bundle.referrals)
        plan.introductions = self._introductions(bundle.introductions)
        self._link_referrers()
        plan.contacts = list(self.planned.values())
        plan.base = {
            cid: self.existing[cid].to_dict() for cid in self.planned if cid in self.existing
        }
        plan.cuts = self.cuts
        return plan

    def _place(self, incoming: Contact, where: str, doubtful: list[str]) -> PlanEntry:
        incoming, cuts = cap_contact(incoming)
        entry = self._placed(incoming, where, doubtful)
        if cuts:
            entry.reason += f"; {'; '.join(cuts)}"
            self.cuts.append(f"{where}: {one_line(incoming.name, 40)}: {'; '.join(cuts)}")
        return entry

    def _placed(self, incoming: Contact, where: str, doubtful: list[str]) -> PlanEntry:
        if self.tag and fold(self.tag) not in {fold(t) for t in incoming.tags}:
            incoming.tags.append(self.tag)
        target, doubts = self._target(incoming)
        for other_id, why in doubts:
            other = self.planned.get(other_id) or self.existing[other_id]
            doubtful.append(f"{where}: {incoming.name} and {other.name}: {why}; kept apart")
        if target is None:
            new = _as_new(incoming, self.stage, foreign=not self.distinct)
            self.planned[new.id] = new
            self.added_at[new.id] = where
            self.id_map[incoming.id] = new.id
            if not self.distinct:
                self.index.add(new)
            return PlanEntry(ADD, where, new.name, "new contact", new.id)
        target_id, reason = target
        self.id_map[incoming.id] = target_id
        current = self.planned.get(target_id) or self.existing[target_id]
        merged = absorb(current, incoming)
        keep_name(merged, incoming.name)
        first = self.added_at.get(target_id)
        if _same(merged, current):
            why = f"repeats {first}" if first else "already in netui"
            return PlanEntry(SKIP, where, incoming.name, f"{why} ({reason})", target_id)
        merged.updated = utc_now()
        self.planned[target_id] = merged
        self.index.add(merged)
        into = f"the new contact from {first}" if first else current.name
        changes = describe_changes(current, merged)
        return PlanEntry(
            MERGE, where, incoming.name, f"into {into} ({reason}): {changes}", target_id
        )

    def _target(self, incoming: Contact) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
        if incoming.id in self.planned or incoming.id in self.existing:
            return (incoming.id, "same id"), []
        return self.index.place(incoming)

    def _writable(self, contact_id: str) -> Contact:
        """The contact as this import will leave it, planned for writing from now on."""
        if contact_id not in self.planned:
            self.planned[contact_id] = Contact.from_dict(self.existing[contact_id].to_dict())
        return self.planned[contact_id]

    def _conversations(self, conversations: list[Conversation]) -> list[Conversation]:
        if not conversations:
            return []
        known = {c.id for c in self.store.all_conversations()}
        kept = []
        for conversation in conversations:
            if conversation.id in known:
                continue
            conversation, cuts = cap_conversation(conversation)
            if cuts:
                self.cuts.append(f"diary entry {conversation.id[:8]}: {'; '.join(cuts)}")
            conversation = conversation.replace(contact_id=self.id_map[conversation.contact_id])
            kept.append(conversation)
            contact = self._writable(conversation.contact_id)
            if contact.last_contact_on is None or conversation.on > contact.last_contact_on:
                contact.last_contact_on = conversation.on
        return kept

    def _referrals(self, referrals: list[Referral]) -> list[Referral]:
        known = {r.id for r in self.store.referrals()}
        kept = []
        for referral in referrals:
            ends = {
                "referrer_id": self.id_map[referral.referrer_id],
                "referred_id": self.id_map[referral.referred_id],
            }
            if referral.id not in known and ends["referrer_id"] != ends["referred_id"]:
                kept.append(
                    referral.replace(
                        referrer_id=ends["referrer_id"], referred_id=ends["referred_id"]
                    )
                )
        return kept

    def _introductions(self, introductions: list[Introduction]) -> list[Introduction]:
        """Introductions not yet in the database, between the contacts as written."""
        known = {i.id for i in self.store.introductions()}
        kept = []
        for intro in introductions:
            sides = {"a_id": self.id_map[intro.a_id], "b_id": self.id_map[intro.b_id]}
            if intro.id not in known and sides["a_id"] != sides["b_id"]:
                kept.append(intro.replace(a_id=sides["a_id"], b_id=sides["b_id"]))
        return kept

    def _link_referrers(self) -> None:
        """Point `referred_by` at the ids written, dropping links to contacts not present."""
        for contact in self.planned.values():
            referrer = contact.referred_by
            if not referrer or referrer in self.existing:
                continue
            mapped = self.id_map.get(referrer, referrer if referrer in self.planned else None)
            contact.referred_by = mapped if mapped != contact.id else None


def _as_new(incoming: Contact, stage: Stage | None, *, foreign: bool) -> Contact:
    """A record becoming a contact: its stage dated by when met, if the file says; on
    `stage` from today if asked, else unsorted when from another program (netui's own
    JSON keeps its own `unsorted`)."""
    contact = Contact.from_dict(incoming.to_dict())
    if not contact.stage_history and contact.met_on is not None:
        contact.stage_history = [StageStep(contact.stage, contact.met_on)]
    if stage is not None:
        contact = sort_out(contact, SortChoice(stage.value), local_today())
    elif foreign:
        contact.unsorted = True
    return contact
