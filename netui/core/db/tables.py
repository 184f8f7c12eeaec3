"""A data file's tables changed in memory, for a commit, through TinyDB's own table API:
every data file stays the TinyDB document a user's `TinyDB(path)` opens (with
`tinydb_table.StrIdTable`), changed as TinyDB itself changes one.

Apart from `storage.py`, and imported by the store at its first full commit, so that
opening a database imports no more than it reads with: `netui search` never commits, the
TUI's first frame writes nothing, and `netui add` appends its contact to the shard's bytes
(`storage.appended`, whose bytes tests/test_append_shard.py holds to this module's). TinyDB's
import is ~2 ms, paid once by a process that rewrites a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from netui.core.db.storage import Tables
from netui.core.db.tinydb_table import StrIdTable

__all__ = ["apply_to_tables"]


class _StagedStorage(Storage):
    """TinyDB storage over data already in memory; writes are collected, not written.

    The commit serializes each file once, whatever number of TinyDB operations touched it.
    """

    def __init__(self, data: Tables) -> None:
        self.data = data

    def read(self) -> Tables:
        return self.data

    def write(self, data: Tables) -> None:
        self.data = data


def apply_to_tables(
    tables: Tables, table_name: str, upserts: Mapping[str, dict[str, Any]], deletes: set[str]
) -> Tables:
    """Apply record changes to one file's tables through TinyDB's own table API: the
    deleted and the replaced go, each upsert (a copy) joins the end of the table, which
    exists afterwards."""
    staged = _StagedStorage(tables)
    db = TinyDB(storage=lambda: staged)
    db.table_class = StrIdTable
    table = db.table(table_name, cache_size=0)
    existing = tables.get(table_name, {})
    gone = [doc_id for doc_id in (deletes | set(upserts)) if doc_id in existing]
    if gone:
        table.remove(doc_ids=cast("list[int]", gone))  # str ids: see StrIdTable
    if upserts:
        table.insert_multiple(
            Document(doc, doc_id=cast(int, doc_id))  # str ids: see StrIdTable
            for doc_id, doc in upserts.items()
        )
    if not upserts and not gone:
        table.insert_multiple([])  # make sure the table exists in the file
    return staged.data
