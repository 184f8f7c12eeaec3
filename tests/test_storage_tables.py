"""`tables.apply_to_tables` changes a file's tables through TinyDB's table API: held to
what a change means (the plain-dict reference below), byte for byte, so the fast paths
that skip it (`storage.appended`, tested against it) write the same files."""

from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st

from netui.core.db.storage import encode
from netui.core.db.tables import apply_to_tables


def as_plain_dicts(tables, table_name, upserts, deletes):
    """The reference: what a change does to a file's tables, spelled with plain dicts (the
    deleted and the replaced go, each upsert joins the end, the table exists afterwards)."""
    table = {
        doc_id: doc
        for doc_id, doc in tables.get(table_name, {}).items()
        if doc_id not in deletes and doc_id not in upserts
    }
    table.update((doc_id, dict(doc)) for doc_id, doc in upserts.items())
    tables[table_name] = table
    return tables


ids = st.sampled_from(["a", "b", "c", "d", "e", "0f3a", "Ünï"])
docs = st.dictionaries(st.sampled_from(["name", "n", "x"]), st.text(max_size=3) | st.integers())
tables = st.dictionaries(
    st.sampled_from(["contacts", "conversations", "undo"]),
    st.dictionaries(ids, docs, max_size=5),
    max_size=2,
)


@given(
    tables=tables,
    name=st.sampled_from(["contacts", "conversations"]),
    upserts=st.dictionaries(ids, docs, max_size=4),
    deletes=st.sets(ids, max_size=3),
)
def test_tinydbs_table_api_applies_changes_as_plain_dicts_would(tables, name, upserts, deletes):
    ours = apply_to_tables(copy.deepcopy(tables), name, upserts, deletes)
    theirs = as_plain_dicts(copy.deepcopy(tables), name, upserts, deletes)
    assert encode(ours) == encode(theirs)  # the same records, in the same order, byte for byte


def test_an_upserted_record_is_a_copy() -> None:
    doc = {"name": "Ann"}
    tables = apply_to_tables({}, "contacts", {"a": doc}, set())
    doc["name"] = "changed"
    assert tables == {"contacts": {"a": {"name": "Ann"}}}
