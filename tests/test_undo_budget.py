"""The undo log stays small whatever happens: a byte budget, big changes kept as barriers.

Before the budget, 41 imports of a 5,000-row CSV made undo.json 183 MB and `netui add` 21 s
(bench/bench_undo.py measures it).
"""

from __future__ import annotations

import pytest

from netui.cli import main
from netui.core.config import Settings
from netui.core.db import store as store_module
from netui.core.db.store import UNDO_BUDGET_BYTES, Store
from netui.core.errors import UndoError
from netui.core.model import Contact


def people(n: int, note: str = "", prefix: str = "Person") -> list[Contact]:
    return [
        Contact(name=f"{prefix} {i:05d}", id=f"{i:032x}", notes=note, company=f"Firm {i % 97}")
        for i in range(n)
    ]


def undo_bytes(store: Store) -> int:
    return (store.path / "undo.json").stat().st_size


def test_a_change_over_the_entry_limit_is_a_barrier_that_says_why(store, monkeypatch):
    monkeypatch.setattr(store_module, "UNDO_ENTRY_BYTES", 20_000)
    store.import_batch(contacts=people(200), description="Import big.csv")
    assert undo_bytes(store) < 2_000
    assert store.undo_description is None
    assert "more than the undo log keeps" in (store.undo_refusal or "")
    with pytest.raises(
        UndoError, match=r"'Import big\.csv' cannot be undone: it changed 200 records"
    ):
        store.undo()
    assert len(store.contacts()) == 200  # nothing was undone


def test_a_small_change_after_a_barrier_is_still_undoable(store, monkeypatch):
    monkeypatch.setattr(store_module, "UNDO_ENTRY_BYTES", 20_000)
    store.import_batch(contacts=people(200), description="Import big.csv")
    added = store.add_contact(Contact(name="Dana Kim"))
    description = store.undo_description
    assert description is not None and "Dana Kim" in description
    assert store.undo() == description
    assert added.id not in store.contacts_by_id


def test_the_oldest_entries_go_first_once_the_log_passes_its_budget(store, monkeypatch):
    monkeypatch.setattr(store_module, "UNDO_BUDGET_BYTES", 30_000)
    for round_no in range(12):
        store.import_batch(
            contacts=people(20, note=f"round {round_no}"), description=f"R{round_no}"
        )
    assert undo_bytes(store) <= 30_000
    kept = []
    while store.undo_description is not None:
        kept.append(store.undo_description)
        store.undo()
    assert kept and kept[0] == "R11"  # the newest survive, in order, each still undoable
    assert kept == [f"R{n}" for n in range(11, 11 - len(kept), -1)]
    assert len(kept) < 12


def test_the_cli_says_when_an_import_cannot_be_undone(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(store_module, "UNDO_ENTRY_BYTES", 5_000)
    sheet = tmp_path / "people.csv"
    sheet.write_text("Name,Company\n" + "".join(f"P {n},Firm\n" for n in range(100)))
    assert main(["--db", str(tmp_path / "db"), "import", str(sheet)]) == 0
    out = capsys.readouterr().out
    assert "Not undoable: it changed 100 records" in out


@pytest.mark.slow
def test_fifty_bulk_imports_keep_the_undo_log_under_its_budget(tmp_path):
    """The issue's measurement at real size, in-process: 50 imports of 5,000 contacts."""
    with Store.open(tmp_path / "db", settings=Settings()) as store:
        for round_no in range(50):
            store.import_batch(contacts=people(5000, note=f"round {round_no}"))
            assert undo_bytes(store) <= UNDO_BUDGET_BYTES
        store.add_contact(Contact(name="Dana Kim"))
        assert "Dana Kim" in (store.undo_description or "")
    assert (tmp_path / "db" / "undo.json").stat().st_size < 64_000
