"""Issue 17.7: an import caps what it accepts per field and says so in its report."""

from __future__ import annotations

import csv
import json

from netui.core.db.store import Store
from netui.core.io import limits
from tests.conftest import ok


def test_a_csv_with_huge_fields_is_imported_cut_with_a_line_per_record(cli, tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Notes", "Tags", "Company"])
        tags = ";".join(f"t{i}" for i in range(limits.LIST_ITEMS + 500))
        writer.writerow(["N" * 1500, "x" * (limits.TEXT_CHARS + 10), tags, "c" * 20_000])
        writer.writerow(["Plain Bob", "hi", "a", "Acme"])
    dry = ok(cli("import", str(path), "--dry-run"))
    assert "name cut to 1,000 characters (of 1,500)" in dry
    assert "notes cut to 1,000,000 characters (of 1,000,010)" in dry
    assert "tags cut to the first 1,000 (of 1,500)" in dry
    assert "1 record cut to fit" in dry
    report = ok(cli("import", str(path)))
    (cut,) = [line for line in report.splitlines() if line.startswith("cut line 2: ")]
    assert "company cut to 10,000 characters (of 20,000)" in cut
    assert "Plain Bob" not in cut and "1 record cut to fit" in report
    with Store.open(tmp_path / "db") as store:
        big = next(c for c in store.contacts() if c.name.startswith("N"))
        assert (len(big.name), len(big.notes), len(big.tags)) == (1000, limits.TEXT_CHARS, 1000)
        assert len(big.company) == limits.LINE_CHARS


def test_a_netui_archive_s_huge_diary_entry_is_cut_and_reported(cli, tmp_path):
    contact = {"id": "a" * 32, "name": "Ann"}
    entry = {
        "id": "c" * 32,
        "contact_id": "a" * 32,
        "on": "2026-01-02",
        "note": "n" * (limits.TEXT_CHARS + 1),
        "correspondence": ["letter"] * (limits.LIST_ITEMS + 1),
    }
    document = {"format": "netui", "version": 1, "contacts": [contact], "conversations": [entry]}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = ok(cli("import", str(path)))
    assert "cut diary entry cccccccc: note cut to 1,000,000 characters" in report
    assert "letters cut to the first 1,000" in report
    with Store.open(tmp_path / "db") as store:
        (conv,) = store.all_conversations()
        assert len(conv.note) == limits.TEXT_CHARS and len(conv.correspondence) == 1000


def test_records_within_the_limits_are_untouched():
    from netui.core.model import Contact

    contact = Contact(name="Ann", notes="n" * 1000, tags=["a"] * 1000)
    assert limits.cap_contact(contact) == (contact, [])
