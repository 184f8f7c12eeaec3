"""A data file's tables changed through TinyDB's own table API, in memory, for a commit.

Apart from `storage.py` so that opening a database does not import TinyDB: `netui search`
opens one to read its caches and never commits (TinyDB's import was ~2 ms of it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from netui.core.db.storage import Tables

__all__ = ["StrIdTable", "apply_to_tables"]


class StrIdTable(Table):
    """A TinyDB table keyed by our own string ids instead of reusable integers.

    TinyDB 4 documents `document_id_class` as the way to choose the id type, yet its type hints
    say every id is an `int`: the casts to `int` in this module are that gap, nothing else.
    """

    document_id_class = cast("type[int]", str)

    def _get_next_id(self) -> str:  # pragma: no cover - we always pass ids
        raise TypeError("netui documents always carry their own id")


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
    """Apply record changes to one file's tables through TinyDB's own table API."""
    staged = _StagedStorage(tables)
    db = TinyDB(storage=lambda: staged)
    db.table_class = StrIdTable
    table = db.table(table_name, cache_size=0)
    existing = set(tables.get(table_name, {}))
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
