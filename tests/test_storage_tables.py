"""`tables.apply_to_tables` changes a file's tables with plain dicts: it must give what
TinyDB's own table API gives (the reference below, as netui applied changes before), so
every data file stays the TinyDB document it always was."""

from __future__ import annotations

import copy
from typing import Any, cast

from hypothesis import given
from hypothesis import strategies as st
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from netui.core.db.storage import encode
from netui.core.db.tables import apply_to_tables
from netui.core.db.tinydb_table import StrIdTable


class _Staged(Storage):
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def read(self) -> dict[str, Any]:
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data


def through_tinydb(tables, table_name, upserts, deletes):
    """The reference: the changes made through TinyDB's table API."""
    staged = _Staged(tables)
    db = TinyDB(storage=lambda: staged)
    db.table_class = StrIdTable
    table = db.table(table_name, cache_size=0)
    existing = set(tables.get(table_name, {}))
    gone = [doc_id for doc_id in (deletes | set(upserts)) if doc_id in existing]
    if gone:
        table.remove(doc_ids=cast("list[int]", gone))
    if upserts:
        table.insert_multiple(
            Document(doc, doc_id=cast(int, doc_id)) for doc_id, doc in upserts.items()
        )
    if not upserts and not gone:
        table.insert_multiple([])
    return staged.data


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
def test_changes_are_applied_as_tinydbs_table_api_applies_them(tables, name, upserts, deletes):
    ours = apply_to_tables(copy.deepcopy(tables), name, upserts, deletes)
    theirs = through_tinydb(copy.deepcopy(tables), name, upserts, deletes)
    assert encode(ours) == encode(theirs)  # the same records, in the same order, byte for byte


def test_an_upserted_record_is_a_copy() -> None:
    doc = {"name": "Ann"}
    tables = apply_to_tables({}, "contacts", {"a": doc}, set())
    doc["name"] = "changed"
    assert tables == {"contacts": {"a": {"name": "Ann"}}}
