"""A record rewritten in place (`storage.spliced`) gives the file that decoding, applying and
encoding the whole file gives (`apply_to_tables` + `encode`, the reference), or nothing."""

from __future__ import annotations

import copy
import json

from hypothesis import given
from hypothesis import strategies as st

from netui.core.config import Settings
from netui.core.db.schema import contact_file
from netui.core.db.storage import encode, spliced
from netui.core.db.store import Store
from netui.core.db.tables import apply_to_tables
from netui.core.model import Contact, Stage

TABLE = "contacts"
IDS = [f"{n:032x}" for n in range(1, 6)]
# Text that looks like the file's own structure: keys, ids, quotes, backslashes, braces.
hostile = st.text(alphabet=st.sampled_from(['"', "\\", ":", "{", "}", ",", "a", "é", "😀"]))
texts = hostile | st.sampled_from([f'"{i}":{{' for i in IDS] + [f'\\"{IDS[0]}":{{"x":1}}'])
docs = st.fixed_dictionaries(
    {"name": texts, "notes": texts, "tags": st.lists(texts, max_size=3)},
    optional={"extra": st.dictionaries(texts | st.sampled_from(IDS), texts, max_size=2)},
)


def reference(tables: dict, after: dict) -> dict:
    return apply_to_tables(copy.deepcopy(tables), TABLE, after, set())


@given(
    records=st.lists(docs, min_size=1, max_size=len(IDS)),
    data=st.data(),
)
def test_a_splice_equals_the_whole_file_rewritten(records, data):
    tables = {TABLE: {i: {**doc, "id": i} for i, doc in zip(IDS, records, strict=False)}}
    ids = data.draw(st.lists(st.sampled_from(list(tables[TABLE])), min_size=1, unique=True))
    after = {i: {**data.draw(docs), "id": i} for i in ids}
    before = {i: tables[TABLE][i] for i in ids}
    raw = encode(tables)
    out = spliced(raw, TABLE, before, after)
    if out is None:  # allowed only when an id's key is also found elsewhere, before or after
        whole = encode(reference(tables, after))
        assert any(b.count(json.dumps(i).encode() + b":") > 1 for b in (raw, whole) for i in ids)
        return
    assert json.loads(out) == reference(tables, after)


def test_nothing_is_spliced_unless_the_record_found_is_the_one_expected():
    tables = {TABLE: {IDS[0]: {"id": IDS[0], "name": "Ann"}, IDS[1]: {"id": IDS[1]}}}
    raw = encode(tables)
    new = {IDS[0]: {"id": IDS[0], "name": "Ann Lee"}}
    assert spliced(raw, TABLE, {IDS[0]: {"id": IDS[0], "name": "Bo"}}, new) is None
    assert spliced(raw, TABLE, {IDS[2]: {"id": IDS[2]}}, {IDS[2]: {"id": IDS[2]}}) is None
    spaced = json.dumps(tables).encode()  # a hand-edited file: decoded, not spliced
    assert spliced(spaced, TABLE, {IDS[0]: tables[TABLE][IDS[0]]}, new) is None
    assert spliced(b"\xff" + raw, TABLE, {IDS[0]: tables[TABLE][IDS[0]]}, new) is None
    nested = {TABLE: {IDS[1]: {"id": IDS[1], "x": {IDS[0]: tables[TABLE][IDS[0]]}}}}
    nested[TABLE][IDS[0]] = tables[TABLE][IDS[0]]
    assert spliced(encode(nested), TABLE, {IDS[0]: tables[TABLE][IDS[0]]}, new) is None
    out = spliced(raw, TABLE, {IDS[0]: tables[TABLE][IDS[0]]}, new)
    assert out is not None and json.loads(out) == reference(tables, new)


def test_a_stage_change_on_a_loaded_store_lands_on_disk_as_a_reopened_store_reads_it(db_path):
    """The TUI's path (every contact read): the shard is spliced; another store reads the
    change, every other record unchanged, and undo puts the file's records back."""
    with Store.open(db_path, settings=Settings()) as store:
        people = [store.add_contact(Contact(name=f'P{n} "{{}}" ü')) for n in range(40)]
        store.contacts_by_id  # noqa: B018 - read every contact, as the TUI does
        shard = next(
            p for p in people if sum(contact_file(q.id) == contact_file(p.id) for q in people) > 1
        )
        rel = contact_file(shard.id)
        raw = (db_path / rel).read_bytes()
        before = json.loads(raw)
        store.set_stage(shard.id, Stage.CALLED)
        with Store.open(db_path, settings=Settings()) as other:
            assert other.get(shard.id).stage is Stage.CALLED
            assert {c.id for c in other.contacts()} == {p.id for p in people}
        after = json.loads((db_path / rel).read_bytes())
        assert {i for i in before["contacts"] if before["contacts"][i] != after["contacts"][i]} == {
            shard.id
        }
        record = [encode(d[TABLE][shard.id]) for d in (before, after)]
        assert (db_path / rel).read_bytes() == raw.replace(*record)  # the rest byte for byte
        store.undo()
        assert json.loads((db_path / rel).read_bytes()) == before
