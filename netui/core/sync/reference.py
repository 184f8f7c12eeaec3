"""The sync merge written the slow, obvious way: the answer `merge.py` is tested against.

Every rule of `merge.py`'s docstring is spelled out once, in the order a person would check
it, with plain loops and no shortcuts (quadratic list membership, no early returns on equal
records). Never used by netui itself; `tests/test_sync_merge.py` compares the two.
"""

from __future__ import annotations

import json
from typing import Any

from netui.core.model import Stage

LIST_FIELDS = {
    "contacts": ["emails", "phones", "tags", "needs", "offers", "conflicts", "stage_history"],
    "conversations": ["correspondence"],
    "referrals": [],
    "introductions": ["history", "conversation_ids"],
}


def _text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def reference_merge(base: dict, ours: dict, theirs: dict) -> dict:
    result: dict = {"contacts": {}, "conversations": {}, "referrals": {}, "introductions": {}}
    for kind in ("contacts", "conversations", "referrals", "introductions"):
        every_id = []
        for side in (ours, theirs):
            for record_id in side.get(kind, {}):
                if record_id not in every_id:
                    every_id.append(record_id)
        for record_id in every_id:
            b = base.get(kind, {}).get(record_id)
            o = ours.get(kind, {}).get(record_id)
            t = theirs.get(kind, {}).get(record_id)
            merged = _one(kind, b, o, t)
            if merged is not None:
                result[kind][record_id] = merged
    _bring_back_named(result, ours, theirs)
    return result


def _one(kind: str, b: Any, o: Any, t: Any) -> Any:
    o_changed = o != b
    t_changed = t != b
    if not o_changed and not t_changed:
        return o
    if o_changed and not t_changed:
        return o
    if t_changed and not o_changed:
        return t
    # changed on both sides
    if o is None and t is None:
        return None
    if o is None:
        return t
    if t is None:
        return o
    if o == t:
        return o
    return _fields(kind, b if b is not None else {}, o, t)


def _fields(kind: str, b: dict, o: dict, t: dict) -> dict:
    o_key = (str(o.get("updated", "")), _text(o))
    t_key = (str(t.get("updated", "")), _text(t))
    winner, loser = (o, t) if o_key > t_key else (t, o)
    out: dict = {}
    lost = []
    names = sorted(set(o) | set(t))
    for name in names:
        bv, ov, tv = b.get(name), o.get(name), t.get(name)
        if name in LIST_FIELDS[kind]:
            out[name] = _list(bv or [], ov or [], tv or [])
            if name == "stage_history":
                out[name] = sorted(out[name], key=_when)
        elif name == "stage" and _moved_both(b, o, t):
            out[name] = "pending"
        elif ov == tv:
            out[name] = ov
        elif name in ("updated", "last_contact_on"):
            out[name] = max([v for v in (ov, tv) if v is not None], key=str)
        elif name == "created":
            out[name] = min([v for v in (ov, tv) if v is not None], key=str)
        elif ov == bv:
            out[name] = tv
        elif tv == bv:
            out[name] = ov
        elif _texts_nested(kind, ov, tv):
            out[name] = ov if isinstance(ov, str) and isinstance(tv, str) and tv in ov else tv
        else:
            out[name] = winner.get(name)
            lost.append((name, loser.get(name)))
    if out.get("stage") == "pending":
        steps = out.get("stage_history") or []
        if steps:
            out["stage"] = sorted(steps, key=_when)[-1]["stage"]
        else:
            out["stage"] = sorted([o.get("stage"), t.get("stage")], key=_rung)[-1]
    if lost and kind == "contacts":
        conflicts = list(out.get("conflicts") or [])
        for name, value in lost:
            if not any(c.get("field") == name and c.get("value") == value for c in conflicts):
                conflicts.append({"field": name, "value": value, "updated": loser.get("updated")})
        out["conflicts"] = conflicts
    elif lost:
        note = out.get("note") or ""
        for name, value in lost:
            line = f"sync conflict: {name} was {json.dumps(value, ensure_ascii=False)}"
            if line not in note:
                note = note + "\n" + line if note else line
        out["note"] = note
    return out


def _texts_nested(kind: str, ov: Any, tv: Any) -> bool:
    """A diary or referral text that already holds the other side's (a previous merge)."""
    if kind == "contacts" or not isinstance(ov, str) or not isinstance(tv, str):
        return False
    return tv in ov or ov in tv


def _moved_both(b: dict, o: dict, t: dict) -> bool:
    history_b = b.get("stage_history")
    history_o = o.get("stage_history")
    history_t = t.get("stage_history")
    if history_o == history_b or history_t == history_b:
        return False
    return history_o != history_t


def _list(b: list, o: list, t: list) -> list:
    if o == t:
        return list(o)
    kept = []
    for item in b:
        if item in o and item in t and item not in kept:
            kept.append(item)
    added = []
    for item in o + t:
        if item not in b and item not in kept and item not in added:
            added.append(item)
    return kept + sorted(added, key=_text)


def _rung(stage: Any) -> int:
    for index, member in enumerate(Stage):
        if member.value == stage:
            return index
    return -1


def _when(step: dict) -> tuple[str, int]:
    return (str(step.get("on") or ""), _rung(step.get("stage")))


def _bring_back_named(result: dict, ours: dict, theirs: dict) -> None:
    changed = True
    while changed:
        changed = False
        named = []
        for conv in result["conversations"].values():
            named.append(conv["contact_id"])
        for ref in result["referrals"].values():
            named.append(ref.get("referrer_id"))
            named.append(ref.get("referred_id"))
        for intro in result["introductions"].values():
            named.append(intro.get("a_id"))
            named.append(intro.get("b_id"))
        for contact in result["contacts"].values():
            named.append(contact.get("referred_by"))
        for contact_id in named:
            if not contact_id or contact_id in result["contacts"]:
                continue
            o = ours.get("contacts", {}).get(contact_id)
            t = theirs.get("contacts", {}).get(contact_id)
            if o is None and t is None:
                continue
            result["contacts"][contact_id] = _one("contacts", None, o, t)
            changed = True
