"""Merge two versions of a netui database record by record, against their common base.

Two devices edit copies of one database; git (or a file-sync tool) hands us both copies and,
for git, the version they last shared. Merging whole JSON files line by line would tear
records apart; here each record (contact, diary entry, referral, introduction) is merged by
its stable id:

- added on one side: added; changed on one side only: that change; deleted on one side and
  untouched on the other: deleted; deleted on one side and changed on the other: kept;
- changed on both sides: merged field by field against the base. Set-like lists (emails,
  phones, tags, needs, offers, correspondence, conflicts, an introduction's history and
  diary entries) merge as sets (an item removed on one side stays removed, an item added on
  either side is added); `stage_history` is the union
  ordered by date, and the stage is that of its latest step (the furthest rung on a tie), so a
  later explicit move down wins over an earlier move up;
- a field changed differently on both sides: the record with the later `updated` wins and the
  other value is kept, visibly: in the contact's `conflicts` list (shown on the card and in
  `show --json`), or, for a diary entry, referral or introduction, as a "sync conflict:" line
  in its note.

The merge is symmetric: `merge_databases(base, a, b) == merge_databases(base, b, a)` (ties are
broken on the records' JSON), so two devices that merge each other's changes converge.
`reference.py` holds the slow, literal version of these rules that the tests compare against.
A two-way merge (a file-sync tool's conflict copy, with no base) is the same call with an
empty base: nothing is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from netui.core.model import Stage

Record = dict[str, Any]
Records = dict[str, dict[str, Record]]  # kind ("contacts", ...) -> id -> record as stored

KINDS = ("contacts", "conversations", "referrals", "introductions")
SET_FIELDS = {
    "contacts": frozenset({"emails", "phones", "tags", "needs", "offers", "conflicts"}),
    "conversations": frozenset({"correspondence"}),
    "referrals": frozenset(),
    "introductions": frozenset({"history", "conversation_ids"}),
}
# Kept up to date by the store from other fields: the larger (or, for created, smaller) is right.
_LATEST = frozenset({"updated", "last_contact_on"})
_EARLIEST = frozenset({"created"})
_RUNG = {stage.value: stage.rank for stage in Stage}
CONFLICT_LINE = "sync conflict: {field} was {value}"


@dataclass(slots=True)
class MergeResult:
    """The merged records, and the contacts that gained a kept conflict in this merge."""

    records: Records
    conflicted: list[str] = field(default_factory=list)  # contact ids, sorted


def empty() -> Records:
    return {kind: {} for kind in KINDS}


def key_of(value: Any) -> str:
    """A canonical text of a JSON value: equal values, equal keys (for sets and tie-breaks)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def merge_databases(base: Records, ours: Records, theirs: Records) -> MergeResult:
    """Three-way merge of every record (see the module docstring); inputs are not changed."""
    out = empty()
    for kind in KINDS:
        b, o, t = base.get(kind, {}), ours.get(kind, {}), theirs.get(kind, {})
        merged = out[kind]
        for record_id in dict.fromkeys([*o, *t]):  # ours' order: unchanged files stay so
            record = merge_record(kind, b.get(record_id), o.get(record_id), t.get(record_id))
            if record is not None:
                merged[record_id] = record
    _keep_referenced(out, ours, theirs)
    conflicted = sorted(
        cid
        for cid, contact in out["contacts"].items()
        if len(contact.get("conflicts") or ())
        > max(
            len((ours.get("contacts", {}).get(cid) or {}).get("conflicts") or ()),
            len((theirs.get("contacts", {}).get(cid) or {}).get("conflicts") or ()),
        )
    )
    return MergeResult(out, conflicted)


def merge_record(
    kind: str, base: Record | None, ours: Record | None, theirs: Record | None
) -> Record | None:
    """One record's merge; None means it is deleted (or never existed)."""
    if ours == theirs:
        return ours
    if ours == base:
        return theirs
    if theirs == base:
        return ours
    if ours is None or theirs is None:
        return theirs if ours is None else ours  # deleted on one side, changed on the other
    return _merge_fields(kind, base or {}, ours, theirs)


def _merge_fields(kind: str, base: Record, ours: Record, theirs: Record) -> Record:
    newer, older = sorted((ours, theirs), key=lambda r: (str(r.get("updated", "")), key_of(r)))[
        ::-1
    ]
    merged: Record = {}
    losers: list[tuple[str, Any]] = []
    for name in sorted(ours.keys() | theirs.keys()):
        b, o, t = base.get(name), ours.get(name), theirs.get(name)
        if name in SET_FIELDS[kind] or name == "stage_history":
            merged[name] = merge_set(b, o, t)
        elif name == "stage" and _both_moved(base, ours, theirs):
            merged[name] = None  # from the merged history, below
        elif o == t:
            merged[name] = o
        elif name in _LATEST or name in _EARLIEST:
            present = [v for v in (o, t) if v is not None]
            merged[name] = (max if name in _LATEST else min)(present, key=str)
        elif o == b or t == b:
            merged[name] = t if o == b else o
        elif (
            kind != "contacts" and isinstance(o, str) and isinstance(t, str) and (o in t or t in o)
        ):
            merged[name] = o if t in o else t  # one already holds the other (an earlier merge)
        else:
            merged[name] = newer.get(name)
            losers.append((name, older.get(name)))
    if "stage" in merged and merged["stage"] is None:
        merged["stage"] = stage_of(merged.get("stage_history") or [], ours, theirs)
    if "stage_history" in merged:
        merged["stage_history"] = sorted(merged["stage_history"], key=_step_order)
    if losers:
        _keep_losers(kind, merged, losers, older)
    return merged


def _both_moved(base: Record, ours: Record, theirs: Record) -> bool:
    """Both sides moved on the ladder in different ways: the stage comes from the history."""
    b, o, t = (r.get("stage_history") for r in (base, ours, theirs))
    return o != b and t != b and o != t


def merge_set(base: Any, ours: Any, theirs: Any) -> list[Any]:
    """Items in both sides, or added (absent from the base) on either; base order, then new."""
    b, o, t = (list(x or ()) for x in (base, ours, theirs))
    if o == t:
        return o
    in_base = {key_of(x) for x in b}
    in_o = {key_of(x): x for x in o}
    in_t = {key_of(x): x for x in t}
    kept = [x for x in b if key_of(x) in in_o and key_of(x) in in_t]
    seen = {key_of(x) for x in kept}
    added = {k: v for k, v in (in_o | in_t).items() if k not in in_base and k not in seen}
    kept_unique = list({key_of(x): x for x in kept}.values())
    return kept_unique + [added[k] for k in sorted(added)]


def _step_order(step: Any) -> tuple[str, int]:
    """Steps by day, then by rung: on one day the furthest rung reached comes last."""
    if not isinstance(step, dict):
        return ("", -1)
    return (str(step.get("on") or ""), _RUNG.get(str(step.get("stage")), -1))


def stage_of(history: list[Any], ours: Record, theirs: Record) -> Any:
    """The stage of the latest step (furthest rung on the same day); else the furthest."""
    if history:
        return max(history, key=_step_order)["stage"]
    return max((ours.get("stage"), theirs.get("stage")), key=lambda s: _step_order({"stage": s}))


def _keep_losers(kind: str, merged: Record, losers: list[tuple[str, Any]], older: Record) -> None:
    """The values that lost stay visible: a contact's conflicts, else lines in the note."""
    if kind == "contacts":
        conflicts = list(merged.get("conflicts") or [])
        known = {key_of([c.get("field"), c.get("value")]) for c in conflicts if isinstance(c, dict)}
        for name, value in losers:
            if key_of([name, value]) not in known:
                known.add(key_of([name, value]))
                conflicts.append({"field": name, "value": value, "updated": older.get("updated")})
        merged["conflicts"] = conflicts
        return
    note = str(merged.get("note") or "")
    for name, value in losers:
        line = CONFLICT_LINE.format(field=name, value=json.dumps(value, ensure_ascii=False))
        if line not in note:
            note = f"{note}\n{line}" if note else line
    merged["note"] = note


def _keep_referenced(out: Records, ours: Records, theirs: Records) -> None:
    """A contact deleted on one side but still named by a kept record comes back."""
    contacts = out["contacts"]
    while True:
        wanted = {c["contact_id"] for c in out["conversations"].values()}
        for ref in out["referrals"].values():
            wanted |= {ref.get("referrer_id"), ref.get("referred_id")}
        for intro in out["introductions"].values():
            wanted |= {intro.get("a_id"), intro.get("b_id")}
        wanted |= {c.get("referred_by") for c in contacts.values()}
        missing = {
            cid
            for cid in wanted - contacts.keys()
            if cid and (cid in ours.get("contacts", {}) or cid in theirs.get("contacts", {}))
        }
        if not missing:
            return
        for cid in missing:
            o, t = ours.get("contacts", {}).get(cid), theirs.get("contacts", {}).get(cid)
            kept = merge_record("contacts", None, o, t)
            if kept is not None:  # one side holds it, so the merge keeps it
                contacts[cid] = kept


def describe_conflict(conflict: dict[str, Any]) -> str:
    """One line for the card: "sync conflict: title was 'CEO' (until 2026-12-01 09:00 UTC)"."""
    value = conflict.get("value")
    shown = (
        "empty"
        if value in (None, "", [])
        else f"'{value}'"
        if isinstance(value, str)
        else (json.dumps(value, ensure_ascii=False))
    )
    line = f"sync conflict: {conflict.get('field', '?')} was {shown}"
    when = str(conflict.get("updated") or "")
    if len(when) >= 16:
        line += f" (set {when[:10]} {when[11:16]} UTC)"
    return line


def count_changed(before: Records, after: Records) -> int:
    """How many records differ (added, changed or deleted) between two versions."""
    total = 0
    for kind in KINDS:
        b, a = before.get(kind, {}), after.get(kind, {})
        total += sum(1 for rid in b.keys() | a.keys() if b.get(rid) != a.get(rid))
    return total


def records_from(docs: Iterable[tuple[str, dict[str, Any]]]) -> Records:
    """Records from (kind, table) pairs, as read from data files."""
    out = empty()
    for kind, table in docs:
        if kind in out:
            out[kind].update(table)
    return out
