"""A data file's tables changed in memory, for a commit: as TinyDB's own table API changes
them, with plain dicts (tests/test_storage_tables.py holds it to TinyDB's answer).

Apart from `storage.py` so that opening a database imports no more than it reads with:
`netui search` opens one to read its caches and never commits. And without TinyDB, whose
import was ~2 ms of every command that writes (`netui add`, `netui log`...); its view of
netui's files is `tinydb_table.StrIdTable`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netui.core.db.storage import Tables

__all__ = ["apply_to_tables"]


def apply_to_tables(
    tables: Tables, table_name: str, upserts: Mapping[str, dict[str, Any]], deletes: set[str]
) -> Tables:
    """Apply record changes to one file's tables (in place) as TinyDB's table API applies
    them: the deleted and the replaced go, each upsert (a copy) joins the end of the table,
    which exists afterwards."""
    table = {
        doc_id: doc
        for doc_id, doc in tables.get(table_name, {}).items()
        if doc_id not in deletes and doc_id not in upserts
    }
    table.update((doc_id, dict(doc)) for doc_id, doc in upserts.items())
    tables[table_name] = table
    return tables
