"""`netui add` appends a new contact to its shard's bytes (`storage.appended`) instead of
decoding and re-encoding the shard's 300 contacts: the bytes must be the ones a whole
rewrite writes, and any file `load` accepts must read back with the records added."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from netui.core.db.storage import Database, appended, encode, table_end
from netui.core.db.store import Store
from netui.core.db.tables import apply_to_tables
from netui.core.model import Contact

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
docs = st.dictionaries(
    text, text | st.integers() | st.none() | st.lists(text, max_size=3), max_size=4
)
tables = st.dictionaries(text.filter(bool), docs, max_size=6)


@given(old=tables, new=tables)
def test_the_appended_bytes_are_those_of_a_whole_rewrite(old, new) -> None:
    new = {key: doc for key, doc in new.items() if key not in old}
    raw = encode({"contacts": old})
    end = table_end(raw)
    assert end is not None
    whole = apply_to_tables({"contacts": dict(old)}, "contacts", new, set())
    assert appended(raw, end, new) == encode(whole)


@given(
    old=tables,
    new=tables,
    indent=st.sampled_from([None, 0, 2, "\t"]),
    ascii_only=st.booleans(),
    twice=st.booleans(),
)
def test_any_file_load_accepts_reads_back_with_the_records_added(
    old, new, indent, ascii_only, twice
) -> None:
    new = {key: doc for key, doc in new.items() if key not in old}
    written = json.dumps({"contacts": old}, indent=indent, ensure_ascii=ascii_only)
    if twice:  # the table's key written twice: json.loads keeps the last one
        written = '{"contacts": {"gone": {}}, ' + written.strip()[1:]
    raw = f"\n{written} \n\t".encode()
    end = table_end(raw)
    assert end is not None
    assert json.loads(appended(raw, end, new)) == {"contacts": {**old, **new}}


def test_a_file_not_ending_as_a_table_is_not_appended_to() -> None:
    for raw in (b"", b"{}", b'{"contacts":{}} x', b"[]", b'{"contacts":[]}'):
        assert table_end(raw) is None


def test_netui_add_appends_to_a_vouched_shard_without_decoding_it(db_path, monkeypatch) -> None:
    with Store.open(db_path) as store:
        for n in range(64):
            store.add_contact(Contact(name=f"Person {n}"))
    with Store.open(db_path, lazy=True) as lazy:
        lazy.digest_rows()  # every shard's digest current: it vouches for the shards
    decoded = []
    decode = Database.decode
    monkeypatch.setattr(
        Database, "decode", lambda db, rel, raw: decoded.append(rel) or decode(db, rel, raw)
    )
    with Store.open(db_path, lazy=True) as cold:  # as `netui add` runs
        added = [
            cold.add_contact(Contact(name=f'Ünï "{n}" }}}}', company="a}b,c")).id for n in range(40)
        ]
    assert [rel for rel in decoded if rel.startswith("contacts/")] == []
    monkeypatch.undo()
    with Store.open(db_path) as full:
        assert len(full.contacts_by_id) == 104
        assert full.contacts_by_id[added[-1]].name == 'Ünï "39" }}'
        db = full.database
        for shard in sorted((db_path / "contacts").glob("*.json")):
            rel = f"contacts/{shard.name}"
            assert shard.read_bytes() == encode(db.load(rel))
