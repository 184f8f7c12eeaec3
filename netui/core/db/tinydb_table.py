"""The TinyDB view of netui's data files: `TinyDB(path)` with `table_class = StrIdTable`
opens any of them (a user's script, a test), since netui's ids are strings, not TinyDB's
integers. netui changes its files through it too (`tables.apply_to_tables`).
"""

from __future__ import annotations

from typing import cast

from tinydb.table import Table


class StrIdTable(Table):
    """A TinyDB table keyed by our own string ids instead of reusable integers.

    TinyDB 4 documents `document_id_class` as the way to choose the id type, yet its type hints
    say every id is an `int`: the cast to `int` here is that gap, nothing else.
    """

    document_id_class = cast("type[int]", str)

    def _get_next_id(self) -> str:  # pragma: no cover - we always pass ids
        raise TypeError("netui documents always carry their own id")
