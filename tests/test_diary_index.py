"""A contact's diary read through the diary index is the diary a full load gives, however
the month files change; a stale or damaged index is rebuilt, never trusted."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netui.core.db import diary_index
from netui.core.db.storage import Database, encode
from netui.core.db.store import Store
from netui.core.model import Channel, Contact, Conversation

D = date(2026, 3, 10)


def diaries(db_path: Path, ids: list[str]) -> tuple[list, list]:
    """(through the index, from a full load) for every contact, as comparable tuples."""

    def shown(convs: list[Conversation]) -> list[tuple[str, str, str]]:
        return [(c.id, c.on.isoformat(), c.note) for c in convs]

    with Store.open(db_path, lazy=True) as lazy:
        indexed = [shown(lazy.conversations_of(i)) for i in ids]
        assert not lazy.conversations_loaded
    with Store.open(db_path) as full:
        full.load_conversations()
        loaded = [shown(full.conversations_of(i)) for i in ids]
    return indexed, loaded


steps = st.lists(
    st.tuples(
        st.sampled_from(["log", "delete", "merge", "move"]),
        st.integers(0, 3),
        st.integers(-70, 70),
    ),
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps)
def test_the_indexed_diary_is_the_loaded_one_after_any_changes(tmp_path_factory, steps):
    db_path = tmp_path_factory.mktemp("db") / "db"
    with Store.open(db_path) as store:
        ids = [store.add_contact(Contact(name=f"P{n}", met_on=D)).id for n in range(4)]
    gone: set[str] = set()
    for n, (what, who, days) in enumerate(steps):
        diaries(db_path, ids)  # the index is built (or rebuilt) between changes
        if ids[who] in gone:
            continue
        with Store.open(db_path, lazy=True) as store:
            on = D + timedelta(days=days)
            if what == "log":
                store.log(
                    Conversation(contact_id=ids[who], on=on, channel=Channel.CALL, note=f"n{n}")
                )
            elif what in ("delete", "move") and store.conversations_of(ids[who]):
                entry = store.conversations_of(ids[who])[0]
                if what == "delete":
                    store.delete_conversation(entry.id)
                else:
                    store.update_conversation(entry.id, on=on)
            elif what == "merge" and who:
                store.merge(ids[0], ids[who])  # their entries move to the first contact
                gone.add(ids[who])
    indexed, loaded = diaries(db_path, ids)
    assert indexed == loaded


def test_a_damaged_or_foreign_index_is_rebuilt(db_path, monkeypatch):
    with Store.open(db_path) as store:
        ann = store.add_contact(Contact(name="Ann", met_on=D))
        bob = store.add_contact(Contact(name="Bob", met_on=D))
        for n in range(3):
            for who, mark in ((ann, "a"), (bob, "b")):
                on = D + timedelta(days=40 * n)
                store.log(
                    Conversation(contact_id=who.id, on=on, channel=Channel.CALL, note=f"{mark}{n}")
                )
    want = diaries(db_path, [ann.id, bob.id])[1]
    files = sorted((db_path / "cache" / "diary").rglob(f"*{diary_index.SUFFIX}"))
    assert len(files) == 3
    files[0].write_bytes(files[0].read_bytes()[:-3])  # torn
    files[1].write_bytes(files[2].read_bytes())  # another month's index
    files[2].write_bytes(files[2].read_bytes().replace(ann.id.encode(), b"0" * 32))  # forged
    assert diaries(db_path, [ann.id, bob.id])[0] == want
    parsed_whole = []
    original = Store._parse_month
    monkeypatch.setattr(
        Store,
        "_parse_month",
        lambda self, rel, raw, only: (
            parsed_whole.append(rel) if only is None else None or original(self, rel, raw, only)
        ),
    )
    assert diaries(db_path, [ann.id, bob.id])[0] == want
    assert parsed_whole == []  # rebuilt sound the first time: now trusted, parsed in part


def test_a_commit_into_a_month_checks_its_entries_once_then_keeps_its_index(db_path, monkeypatch):
    """The first cold write into a month parses the entries it keeps (and writes the month's
    index); the next ones trust the index, which each keeps current for `show`."""
    with Store.open(db_path) as store:
        people = [store.add_contact(Contact(name=f"P{n}", met_on=D)) for n in range(3)]
        for n in range(30):
            store.log(Conversation(contact_id=people[n % 2].id, on=D, note=f"n{n}"))
    for index in (db_path / "cache" / "diary").rglob(f"*{diary_index.SUFFIX}"):
        index.unlink()
    parsed = []
    original = Store._parse
    monkeypatch.setattr(
        Store, "_parse", lambda self, rel, doc, i: parsed.append(rel) or original(self, rel, doc, i)
    )
    month = f"conversations/{D:%Y-%m}.json"
    for n, who in enumerate((people[2], people[0], people[2])):
        with Store.open(db_path, lazy=True) as cold:  # as `netui log` runs
            cold.log(Conversation(contact_id=who.id, on=D, note=f"again {n}"))
        assert parsed.count(month) == (30 if n == 0 else 0)
        parsed.clear()
    monkeypatch.undo()
    indexed, loaded = diaries(db_path, [p.id for p in people])
    assert indexed == loaded and len(indexed[2]) == 2


def test_an_entry_logged_into_an_indexed_month_is_appended_without_decoding_it(
    db_path, monkeypatch
):
    with Store.open(db_path) as store:
        ann = store.add_contact(Contact(name="Ann", met_on=D))
        for n in range(20):
            store.log(Conversation(contact_id=ann.id, on=D, note=f'n{n} "}}'))
    diaries(db_path, [ann.id])  # the month's index built by a look-up
    decoded = []
    decode = Database.decode
    monkeypatch.setattr(
        Database, "decode", lambda db, rel, raw: decoded.append(rel) or decode(db, rel, raw)
    )
    for n in range(3):
        with Store.open(db_path, lazy=True) as cold:  # as `netui log` runs
            cold.log(Conversation(contact_id=ann.id, on=D, note=f'again {n} ]}}" ü'))
    month = f"conversations/{D:%Y-%m}.json"
    assert month not in decoded
    monkeypatch.undo()
    with Store.open(db_path) as full:
        full.load_conversations()
        assert len(full.conversations_of(ann.id)) == 23
        assert (db_path / month).read_bytes() == encode(full.database.load(month))
    indexed, loaded = diaries(db_path, [ann.id])
    assert indexed == loaded


def test_format_1_indexes_go_when_format_2_ones_are_written(db_path):
    """An upgrade leaves no dead `.ids1` files behind; a user's file of another name stays."""
    with Store.open(db_path) as store:
        ann = store.add_contact(Contact(name="Ann", met_on=D))
        store.log(Conversation(contact_id=ann.id, on=D, channel=Channel.CALL, note="hello"))
    folder = db_path / "cache" / "diary" / "conversations"
    for index in folder.glob(f"*{diary_index.SUFFIX}"):
        index.with_name(index.name.replace(diary_index.SUFFIX, ".ids1")).write_bytes(b"old")
        index.unlink()  # as after an upgrade: none of the new format yet
    (folder / "notes.ids1.bak").write_text("a user's file")
    assert diaries(db_path, [ann.id])[0]
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["notes.ids1.bak", f"{D:%Y-%m}.json{diary_index.SUFFIX}"])
