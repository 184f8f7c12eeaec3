"""The record merge: its rules by example, and properties over random edits on two devices."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from netui.core.model import Contact, Conversation, Stage, StageStep
from netui.core.sync.merge import empty, merge_databases
from netui.core.sync.reference import reference_merge

TEXT_FIELDS = ("name", "company", "title", "notes")
LIST_FIELDS = ("emails", "tags", "needs")


def contact(cid: str, name: str, updated: str = "2026-11-01T00:00:00+00:00", **extra) -> dict:
    record = Contact(name=name, id=cid, created=updated, updated=updated, **extra)
    if not record.stage_history:
        record.stage_history = [StageStep(Stage.MET, record.met_on or _day(1))]
    return record.to_dict()


def conversation(vid: str, cid: str, day: int, note: str) -> dict:
    return Conversation(contact_id=cid, on=_day(day), id=vid, note=note, created="t").to_dict()


def _day(n: int):
    from datetime import date

    return date(2026, 11, n)


def base_db() -> dict:
    db = empty()
    for i, name in enumerate(("Dana Kim", "Ravi Shah", "Ana [bold]")):
        db["contacts"][f"c{i}"] = contact(f"c{i}", name, company="Acme", emails=[f"{i}@x"])
        db["conversations"][f"v{i}"] = conversation(f"v{i}", f"c{i}", 2 + i, "first")
    return db


def both_ways(base, a, b):
    one = merge_databases(base, a, b)
    other = merge_databases(base, b, a)
    assert one.records == other.records
    assert one.records == reference_merge(base, a, b)
    return one


# -- the rules, by example ----------------------------------------------------------------------


def test_one_sided_changes_adds_and_deletes():
    base = base_db()
    a, b = copy.deepcopy(base), copy.deepcopy(base)
    a["contacts"]["c0"]["title"] = "CEO"
    a["contacts"]["new"] = contact("new", "Lee Park")
    del b["conversations"]["v1"]
    b["conversations"]["v9"] = conversation("v9", "c2", 20, "lunch")
    merged = both_ways(base, a, b).records
    assert merged["contacts"]["c0"]["title"] == "CEO"
    assert "new" in merged["contacts"]
    assert "v1" not in merged["conversations"]
    assert merged["conversations"]["v9"]["note"] == "lunch"


def test_delete_against_change_keeps_the_changed_record():
    base = base_db()
    a, b = copy.deepcopy(base), copy.deepcopy(base)
    del a["conversations"]["v0"]
    b["conversations"]["v0"]["note"] = "first, and more"
    del a["contacts"]["c2"], a["conversations"]["v2"]
    b["contacts"]["c2"]["title"] = "CTO"
    merged = both_ways(base, a, b).records
    assert merged["conversations"]["v0"]["note"] == "first, and more"
    assert merged["contacts"]["c2"]["title"] == "CTO"


def test_both_sided_change_later_wins_and_the_other_value_is_kept():
    base = base_db()
    a, b = copy.deepcopy(base), copy.deepcopy(base)
    a["contacts"]["c0"].update(title="CEO", updated="2026-12-01T09:00:00+00:00")
    b["contacts"]["c0"].update(title="Founder", phones=["555"], updated="2026-12-01T10:00:00+00:00")
    a["contacts"]["c0"]["emails"] = ["0@x", "dana@home"]
    result = both_ways(base, a, b)
    dana = result.records["contacts"]["c0"]
    assert dana["title"] == "Founder"
    assert dana["conflicts"] == [
        {"field": "title", "value": "CEO", "updated": "2026-12-01T09:00:00+00:00"}
    ]
    assert dana["emails"] == ["0@x", "dana@home"] and dana["phones"] == ["555"]
    assert dana["updated"] == "2026-12-01T10:00:00+00:00"
    assert result.conflicted == ["c0"]
    # Merging the result again changes nothing (a sync interrupted and re-run).
    again = merge_databases(base, result.records, b)
    assert again.records == result.records and again.conflicted == []


def test_set_lists_keep_removals_and_both_additions():
    base = base_db()
    base["contacts"]["c1"]["tags"] = ["a", "b"]
    a, b = copy.deepcopy(base), copy.deepcopy(base)
    a["contacts"]["c1"]["tags"] = ["b", "x"]
    b["contacts"]["c1"]["tags"] = ["a", "b", "y"]
    assert both_ways(base, a, b).records["contacts"]["c1"]["tags"] == ["b", "x", "y"]


def test_stage_is_the_furthest_rung_unless_a_later_move_says_otherwise():
    base = base_db()
    a, b = copy.deepcopy(base), copy.deepcopy(base)
    met = {"stage": "met", "on": "2026-11-01"}
    a["contacts"]["c0"].update(
        stage="called", stage_history=[met, {"stage": "called", "on": "2026-11-10"}]
    )
    b["contacts"]["c0"].update(
        stage="thanked", stage_history=[met, {"stage": "thanked", "on": "2026-11-10"}]
    )
    dana = both_ways(base, a, b).records["contacts"]["c0"]
    assert dana["stage"] == "called"
    assert [s["stage"] for s in dana["stage_history"]] == ["met", "thanked", "called"]
    b["contacts"]["c0"]["stage_history"].append({"stage": "met", "on": "2026-11-12"})
    b["contacts"]["c0"]["stage"] = "met"
    assert both_ways(base, a, b).records["contacts"]["c0"]["stage"] == "met"


def test_diary_entry_edited_on_both_sides_keeps_both_texts():
    base = base_db()
    a, b = copy.deepcopy(base), copy.deepcopy(base)
    a["conversations"]["v0"]["note"] = "we spoke of boats"
    b["conversations"]["v0"]["note"] = "we spoke of trains"
    note = both_ways(base, a, b).records["conversations"]["v0"]["note"]
    assert "boats" in note and "trains" in note and "sync conflict: note was" in note


def test_a_contact_deleted_by_a_merge_comes_back_when_the_other_side_refers_to_it():
    base = base_db()
    a, b = copy.deepcopy(base), copy.deepcopy(base)
    del a["contacts"]["c1"], a["conversations"]["v1"]
    b["referrals"]["r1"] = {
        "id": "r1", "referrer_id": "c1", "referred_id": "c0", "on": "2026-11-20", "note": "",
    }  # fmt: skip
    merged = both_ways(base, a, b).records
    assert "c1" in merged["contacts"] and "r1" in merged["referrals"]


def test_two_way_merge_of_a_conflict_copy_drops_nothing():
    mine, copy_ = base_db(), base_db()
    copy_["contacts"]["c0"].update(title="CEO", updated="2026-12-02T00:00:00+00:00")
    del copy_["contacts"]["c2"]
    copy_["conversations"]["v7"] = conversation("v7", "c0", 9, "copy only")
    merged = both_ways(empty(), mine, copy_).records
    assert "c2" in merged["contacts"] and "v7" in merged["conversations"]
    assert merged["contacts"]["c0"]["title"] == "CEO"
    assert merged["contacts"]["c0"]["conflicts"][0]["field"] == "title"


# -- properties: random edits on two devices ----------------------------------------------------

CIDS = ("c0", "c1", "c2", "c3")
words = st.sampled_from(["", "CEO", "Founder", "Acme", "[/]", "José", "x"])
stamps = st.integers(1, 6).map(lambda n: f"2026-12-01T10:00:0{n}+00:00")
op = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(CIDS), st.sampled_from(TEXT_FIELDS), words, stamps),
    st.tuples(st.just("add"), st.sampled_from(CIDS), st.sampled_from(LIST_FIELDS), words, stamps),
    st.tuples(st.just("drop"), st.sampled_from(CIDS), st.sampled_from(LIST_FIELDS), words, stamps),
    st.tuples(
        st.just("stage"),
        st.sampled_from(CIDS),
        st.sampled_from(list(Stage)),
        st.integers(10, 14),
        stamps,
    ),
    st.tuples(st.just("log"), st.sampled_from(CIDS), st.integers(0, 3), words, stamps),
    st.tuples(st.just("edit_log"), st.sampled_from(("v0", "v1", "v2")), st.just(""), words, stamps),
    st.tuples(st.just("unlog"), st.sampled_from(("v0", "v1", "v2")), st.just(""), words, stamps),
    st.tuples(st.just("delete"), st.sampled_from(CIDS), st.just(""), words, stamps),
    st.tuples(st.just("add_contact"), st.sampled_from(CIDS), st.just(""), words, stamps),
)


def apply(db: dict, ops: list, side: str) -> dict:
    db = copy.deepcopy(db)
    people, diary = db["contacts"], db["conversations"]
    for n, (kind, target, what, value, stamp) in enumerate(ops):
        if kind == "add_contact" and target not in people:
            people[target] = contact(target, f"New {side}", stamp)
        if kind == "edit_log" and target in diary:
            diary[target]["note"] = value or "edited"
        elif kind == "unlog":
            diary.pop(target, None)
        if target not in people:
            continue
        person = people[target]
        if kind == "set":
            person[what] = value or "blank" if what == "name" else value
        elif kind == "add" and value not in person[what]:
            person[what] = [*person[what], value]
        elif kind == "drop":
            person[what] = [x for x in person[what] if x != value]
        elif kind == "stage" and person["stage"] != what.value:
            person["stage"] = what.value
            person["stage_history"] = [
                *person["stage_history"],
                {"stage": what.value, "on": f"2026-11-{value:02d}"},
            ]
        elif kind == "log":
            vid = f"v-{side}-{n}"
            diary[vid] = conversation(vid, target, 20 + what, value)
        elif kind == "delete" and not any(v["contact_id"] == target for v in diary.values()):
            del people[target]
            continue
        person["updated"] = stamp
    return db


def _lost(base: dict, side: dict, merged: dict) -> list[str]:
    """What a side holds that the merge dropped without the side itself meaning to."""
    problems = []
    for vid, conv in side["conversations"].items():
        if conv != base["conversations"].get(vid) and vid not in merged["conversations"]:
            problems.append(f"conversation {vid}")
    for cid, person in side["contacts"].items():
        before = base["contacts"].get(cid) or {}
        if person == before:
            continue
        if cid not in merged["contacts"]:
            problems.append(f"contact {cid}")
            continue
        after = merged["contacts"][cid]
        kept = {(c["field"], c["value"]) for c in after.get("conflicts", [])}
        for name in TEXT_FIELDS:
            value = person[name]
            if value != before.get(name) and value != after[name] and (name, value) not in kept:
                problems.append(f"{cid}.{name}={value!r}")
        for name in LIST_FIELDS:
            for item in set(person[name]) - set(before.get(name, [])):
                if item not in after[name]:
                    problems.append(f"{cid}.{name} item {item!r}")
    return problems


@settings(max_examples=300, deadline=None)
@given(st.lists(op, max_size=8), st.lists(op, max_size=8))
def test_any_two_edit_sequences_merge_the_same_either_way_and_lose_nothing(ops_a, ops_b):
    base = base_db()
    a, b = apply(base, ops_a, "a"), apply(base, ops_b, "b")
    merged = both_ways(base, a, b).records
    assert _lost(base, a, merged) == []
    assert _lost(base, b, merged) == []
    for person in merged["contacts"].values():
        Contact.from_dict(person)  # every merged record is one netui reads
    for conv in merged["conversations"].values():
        assert conv["contact_id"] in merged["contacts"]
