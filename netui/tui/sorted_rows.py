"""A list kept sorted under small changes, so one edit among 10,000 rows costs microseconds.

Re-sorting 10,000 rows after every key press took longer than a frame; here a change removes
the old version of a row and inserts the new one by bisection. Keys must be unique (end them
with the row's id) so the old version is found exactly.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

RowT = TypeVar("RowT")


class SortedRows(Generic[RowT]):
    def __init__(self, key: Callable[[RowT], Any]) -> None:
        self.key = key
        self.rows: list[RowT] = []
        self._keys: list[Any] = []

    def reset(self, rows: Iterable[RowT]) -> None:
        """Sort once; positions are sorted by key so rows themselves are never compared.

        `map` over the lists' own methods, not comprehensions: 10,000 rows took ~9 ms, now
        ~5 ms (the first frame sorts the contacts and the queue)."""
        unsorted = list(rows)
        keys = list(map(self.key, unsorted))
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self._keys = list(map(keys.__getitem__, order))
        self.rows = list(map(unsorted.__getitem__, order))

    def replace(self, old: Iterable[RowT], new: Iterable[RowT]) -> None:
        """Drop the old versions of rows (those present) and insert the new ones in order."""
        for row in old:
            key = self.key(row)
            at = bisect_left(self._keys, key)
            if at < len(self._keys) and self._keys[at] == key:
                del self._keys[at]
                del self.rows[at]
        for row in new:
            key = self.key(row)
            at = bisect_left(self._keys, key)
            self._keys.insert(at, key)
            self.rows.insert(at, row)

    def count_below(self, key: Any) -> int:
        """How many rows sort before `key` (e.g. a key prefix such as `(today,)`)."""
        return bisect_left(self._keys, key)

    def __len__(self) -> int:
        return len(self.rows)
