"""The contacts digest says what the full records say, however the files around it change.

The reference is the slow obvious way: every contact read by a fully loaded store, each
turned into its row by `digest.rows_of`. The digest files must give the same rows whether
fresh, stale, damaged, foreign or unwritable, and `netui list` / name look-ups built on them
must print and find what the full records would.
"""

from __future__ import annotations

import os
import shutil
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from netui.cli.contacts_cmds import cell
from netui.core import dates
from netui.core.config import Settings
from netui.core.db import digest
from netui.core.db.schema import contact_file
from netui.core.db.store import Store
from netui.core.errors import StorageError
from netui.core.model import Contact, Stage

D = date(2026, 11, 24)
SETTINGS = Settings()

names = st.text(min_size=1, max_size=14).map(lambda s: " ".join(s.split())).filter(bool)
people = st.lists(
    st.tuples(
        names,
        st.text(max_size=10),  # company
        st.sampled_from(list(Stage)),
        st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
        st.booleans(),  # archived
        st.lists(st.sampled_from(["Quorum", "vip", "ÉTÉ", "b2b"]), max_size=3, unique=True),
        st.none() | st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
    ),
    max_size=25,
)


def fill(store: Store, rows) -> list[str]:
    ids = []
    for name, company, stage, met_on, archived, tags, follow_up in rows:
        c = store.add_contact(Contact(name=name, company=company, met_on=met_on, tags=tags))
        if stage is not Stage.MET:
            store.set_stage(c.id, stage, on=met_on + timedelta(days=3))
        if follow_up is not None:
            store.snooze(c.id, follow_up)
        if archived:
            store.archive(c.id)
        ids.append(c.id)
    return ids


def reference(db_path: Path, settings: Settings = SETTINGS) -> list[digest.Row]:
    """Every contact's row from a fully loaded store (records parsed the store's way)."""
    with Store.open(db_path, settings=settings) as full:
        return sorted(digest.rows_of(full.contacts_by_id.values(), settings))


def from_files(db_path: Path, settings: Settings = SETTINGS) -> list[digest.Row]:
    with Store.open(db_path, settings=settings, lazy=True) as lazy:
        return sorted(lazy.digest_rows())


def digest_files(db_path: Path) -> list[Path]:
    return sorted((db_path / "cache" / "digest").rglob(f"*{digest.SUFFIX}"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=people, then=people)
def test_the_digest_matches_the_records_after_any_changes(tmp_path_factory, first, then):
    db_path = tmp_path_factory.mktemp("db") / "db"
    with Store.open(db_path) as store:
        ids = fill(store, first)
    assert from_files(db_path) == reference(db_path)
    with Store.open(db_path, lazy=True) as store:  # a cold store writing: the digest goes stale
        fill(store, then)
        if ids:
            store.update_contact(ids[0], name="Renamed", company="Elsewhere")
    assert from_files(db_path) == reference(db_path)


def test_damaged_foreign_or_missing_digest_files_are_rebuilt_never_an_error(db_path, monkeypatch):
    with Store.open(db_path) as store:
        for n in range(40):
            store.add_contact(Contact(name=f"Person {n}", met_on=D))
    want = reference(db_path)
    assert from_files(db_path) == want
    files = digest_files(db_path)
    assert len(files) > 2
    files[0].write_bytes(files[0].read_bytes()[:-5])  # torn
    damaged = bytearray(files[1].read_bytes())
    damaged[20] ^= 0x01
    files[1].write_bytes(bytes(damaged))  # one bit flipped
    files[2].write_bytes(files[3].read_bytes())  # another shard's digest
    files[3].unlink()
    assert from_files(db_path) == want
    builds = []
    original = digest.build
    monkeypatch.setattr(digest, "build", lambda *a: builds.append(a[1]) or original(*a))
    assert from_files(db_path) == want
    assert builds == []  # the four were rebuilt sound the first time


def test_digest_files_of_the_earlier_format_go_when_the_new_ones_are_written(db_path):
    """Formats 1 and 2 were `<shard>.digest`, format 3 `<shard>.digest3`: exactly those
    names go, nothing else there."""
    with Store.open(db_path) as store:
        for n in range(40):
            store.add_contact(Contact(name=f"Person {n}", met_on=D))
    folder = db_path / "cache" / "digest" / "contacts"
    shards = sorted(p.name for p in (db_path / "contacts").glob("*.json"))
    for shard in shards:
        (folder / f"{shard}.digest").write_bytes(b"an old format's file")
        (folder / f"{shard}.digest3").write_bytes(b"format 3's file")
    others = [f"{shards[0]}.digest.bak", "notes.digest", f"{shards[0]}.digestive", "99.json.dig"]
    for name in others:
        (folder / name).write_text("a user's file")
    for current in digest_files(db_path):
        current.unlink()  # as after an upgrade: none of the new format yet
    assert from_files(db_path) == reference(db_path)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        others + [f"{shard}{digest.SUFFIX}" for shard in shards]
    )


def test_a_damaged_shard_stops_the_read_before_any_digest_is_written(db_path):
    """Files rebuilt while reading are written once every shard was read (`CacheFolder.keep`)."""
    with Store.open(db_path) as store:
        for n in range(40):
            store.add_contact(Contact(name=f"Person {n}", met_on=D))
    for current in digest_files(db_path):
        current.unlink()
    last = sorted((db_path / "contacts").glob("*.json"))[-1]
    last.write_text(last.read_text().replace('"stage":"met"', '"stage":"boss"', 1))
    with pytest.raises(StorageError, match=last.name):
        from_files(db_path)
    assert digest_files(db_path) == []


def test_other_settings_give_other_due_dates(db_path):
    with Store.open(db_path) as store:
        store.add_contact(Contact(name="Dana Kim", met_on=D))
    assert from_files(db_path)[0][digest.DUE] == (D + timedelta(days=1)).isoformat()
    slow = Settings(thank_you_days=5)
    assert from_files(db_path, slow)[0][digest.DUE] == (D + timedelta(days=5)).isoformat()
    assert from_files(db_path, slow) == reference(db_path, slow)


def test_digest_files_are_private(db_path):
    with Store.open(db_path) as store:
        store.add_contact(Contact(name="Dana Kim", met_on=D))
    from_files(db_path)
    (path,) = digest_files(db_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_folder_that_cannot_be_written_is_read_from_memory(db_path):
    with Store.open(db_path) as store:
        store.add_contact(Contact(name="Dana Kim", met_on=D))
    cache = db_path / "cache"
    shutil.rmtree(cache, ignore_errors=True)  # the write above may have made a digest
    cache.mkdir(mode=0o500)
    try:
        if os.access(cache, os.W_OK):  # root writes anyway: nothing to check
            return
        assert from_files(db_path) == reference(db_path)
        assert digest_files(db_path) == []
    finally:
        cache.chmod(0o700)


def test_finding_a_name_reads_one_record_not_every_contact(db_path, monkeypatch):
    with Store.open(db_path) as store:
        for n in range(60):
            store.add_contact(Contact(name=f"Person {n:02d}", met_on=D))
        dana = store.add_contact(Contact(name="Dana Kim", met_on=D))
    from_files(db_path)  # the digest exists, as after any earlier command
    built = []
    original = Contact.from_dict
    monkeypatch.setattr(Contact, "from_dict", lambda doc: built.append(1) or original(doc))
    with Store.open(db_path, lazy=True) as lazy:
        assert lazy.find("dana kim").id == dana.id
    assert len(built) == 1


def found_by(store: Store, ref: str) -> object:
    """What `find` answers: the contact's id, or the error and the ids it names."""
    from netui.core.errors import AmbiguousContact, NetuiError

    try:
        return store.find(ref).id
    except AmbiguousContact as exc:
        return ("ambiguous", sorted(c.id for c in exc.matches))
    except NetuiError as exc:
        return type(exc).__name__


finder_names = st.lists(
    st.text(alphabet='aAéÉ "\\\x07ßﬁ😀Ωk-', min_size=1, max_size=8).filter(str.strip),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=finder_names, pick=st.integers(0, 11), cut=st.integers(0, 8), data=st.data())
def test_find_through_the_digest_answers_as_every_record_would(
    tmp_path_factory, names, pick, cut, data
):
    """Shards whose names cannot match are skipped undecoded: the answer stays the same for
    exact names, parts of names, id prefixes, and texts JSON escapes (quotes, backslashes,
    controls, accents, ligatures, emoji)."""
    db_path = tmp_path_factory.mktemp("db") / "db"
    with Store.open(db_path) as store:
        ids = [store.add_contact(Contact(name=n, met_on=D)).id for n in names]
    name, cid = names[pick % len(names)], ids[pick % len(ids)]
    refs = [name, name[cut:], name.upper(), cid[: 6 + cut], data.draw(st.text(min_size=1))]
    with Store.open(db_path, lazy=True) as cold, Store.open(db_path) as warm:
        for ref in refs:
            assert found_by(cold, ref) == found_by(warm, ref), ref


def old_list_lines(db_path: Path, today: date, archived: bool, tag: str | None) -> list[str]:
    """`netui list` as it was written over full records: the reference for its output."""
    with Store.open(db_path) as store:
        contacts = [
            c
            for c in store.contacts(include_archived=True)
            if c.archived == archived
            and (tag is None or tag.casefold() in (t.casefold() for t in c.tags))
        ]
        lines = [f"{'NAME':<26} {'COMPANY':<22} {'STAGE':<14} NEXT"]
        for c in contacts:
            nxt = store.next_action(c, today)
            due = (
                ("overdue " if nxt.due < today else "") + dates.humanize(nxt.due, today)
                if nxt
                else "-"
            )
            lines.append(f"{cell(c.name, 26)} {cell(c.company, 22)} {c.stage.label:<14} {due}")
    return lines


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=people, archived=st.booleans(), tag=st.none() | st.sampled_from(["quorum", "été"]))
def test_list_prints_what_the_full_records_would(tmp_path_factory, rows, archived, tag):
    from netui.cli.contacts_cmds import list_lines, list_rows

    db_path = tmp_path_factory.mktemp("db") / "db"
    with Store.open(db_path) as store:
        fill(store, rows)
    with Store.open(db_path, lazy=True) as lazy:
        shown = list_rows(lazy.digest_rows(), archived, None, tag)
    assert list_lines(shown, D) == old_list_lines(db_path, D, archived, tag)


def test_a_write_carries_the_digest_over_so_the_next_command_rebuilds_nothing(db_path, monkeypatch):
    with Store.open(db_path) as store:
        ids = [store.add_contact(Contact(name=f"Person {n}", met_on=D)).id for n in range(30)]
    from_files(db_path)
    builds = []
    original = digest.build
    monkeypatch.setattr(digest, "build", lambda *a: builds.append(a[1]) or original(*a))
    with Store.open(db_path, lazy=True) as cold:  # as `netui add`, `netui stage` run
        for n in range(40):  # new shards among them
            cold.add_contact(Contact(name=f"Dana Kim {n}", met_on=D))
        cold.set_stage(ids[3], Stage.CALLED, on=D)
        cold.archive(ids[4])
    with Store.open(db_path) as warm:  # as the TUI writes
        warm.update_contact(ids[5], name="Renamed")
        warm.merge(ids[6], ids[7])
    assert from_files(db_path) == reference(db_path)
    assert builds == []


lookalike_people = st.lists(
    st.tuples(
        st.sampled_from(["Ann Lee", "ann  lee", "Ánn Lee", "Bob Stone", "[b]Dana[/]"]),
        st.lists(st.sampled_from(["ann@x.example", "ANN@x.example ", "bob@y.example"]), max_size=2),
        st.lists(st.sampled_from(["(555) 010 0100", "555-010-0100", "112"]), max_size=2),
        st.lists(st.sampled_from(["linkedin:ann", "LinkedIn:Ann", "vcard-uid:x"]), max_size=1),
    ),
    min_size=1,
    max_size=8,
)


# Ids not of netui's making (hand-edited or imported files): the digest skips no shard that
# holds one, since a candidate's vCard UID may contain it (`digest.load_keys`).
odd_ids = st.lists(
    st.sampled_from(["ann", "uuid", "x]],[", 'q"],[', "Ünï", "urn", "ABCDEF01" * 4]), max_size=8
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=lookalike_people, new=lookalike_people, uid_of=st.integers(0, 7), odd=odd_ids)
def test_add_finds_through_the_digest_the_lookalikes_every_record_would(
    tmp_path_factory, people, new, uid_of, odd
):
    from netui.core.identity import lookalikes, own_uid

    db_path = tmp_path_factory.mktemp("db") / "db"
    chosen = list(dict.fromkeys(odd))  # each id once
    with Store.open(db_path) as store:
        ids = [
            store.add_contact(
                Contact(name=n, emails=e, phones=p, external_ids=x, met_on=D)
                if i >= len(chosen)
                else Contact(name=n, emails=e, phones=p, external_ids=x, met_on=D, id=chosen[i])
            ).id
            for i, (n, e, p, x) in enumerate(people)
        ]
        everyone = store.contacts(include_archived=True)
    name, emails, phones, external = new[0]
    # A vCard of a known contact coming back names that contact's own UID.
    external = [*external, f"vcard-uid:{own_uid(ids[uid_of % len(ids)])}"]
    candidate = Contact(name=name, emails=emails, phones=phones, external_ids=external)
    with Store.open(db_path, lazy=True) as cold:
        pool = cold.lookalike_pool(candidate)
    assert [(c.id, why) for c, why in lookalikes(candidate, pool)] == [
        (c.id, why) for c, why in lookalikes(candidate, everyone)
    ]


def test_add_reads_only_the_shards_that_may_hold_a_lookalike(db_path, monkeypatch):
    """A look-alike by name, by email, and the contact a returning vCard's UID was made
    from are all found, while a shard holding none of them is skipped undecoded."""
    from netui.core.identity import own_uid

    with Store.open(db_path) as store:
        people = [Contact(name=f"Person {n}", emails=[f"p{n}@x.example"]) for n in range(40)]
        ids = [store.add_contact(person).id for person in people]
    candidate = Contact(
        name="person 3",
        emails=["P7@x.example"],
        external_ids=[f"vcard-uid:{own_uid(ids[11])}"],
    )
    decoded = []
    real = digest._decoded
    monkeypatch.setattr(digest, "_decoded", lambda *a: decoded.append(a) or real(*a))
    with Store.open(db_path, lazy=True) as cold:
        pool = {c.id for c in cold.lookalike_pool(candidate)}
    assert pool == {ids[3], ids[7], ids[11]}
    shards = {digest.contact_file(ids[n]) for n in (3, 7, 11)}
    assert len(decoded) == len(shards) < len({digest.contact_file(i) for i in ids})


def _cell_by_one_line(text: str, width: int) -> str:
    """`cell` as it was first written: the reference for its fast paths."""
    from netui.core.text import cell_width, one_line

    shown = one_line(text, width)
    return shown + " " * max(0, width - cell_width(shown))


@given(
    text=st.lists(
        st.sampled_from([*"ab Zé東京한\t\n\x1b\u202e\u0301\u200d👩🏽❤", "\ufe0f", "e\u0301"]),
        max_size=30,
    ).map("".join),
    width=st.integers(0, 28),
)
@example(" a", 2)  # a space at an end: one_line trims it (the ASCII fast path once did not)
@example("a ", 5)
def test_a_list_cell_reads_as_one_line_would_cut_and_pad_it(text, width):
    assert cell(text, width) == _cell_by_one_line(text, width)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=people,
    on=st.dates(min_value=date(2015, 1, 1), max_value=date(2031, 6, 30)),
    horizon=st.sampled_from([0, 3, 400]),
    linked=st.integers(0, 3),
)
def test_the_queue_from_the_digest_is_the_queue_of_the_records(
    tmp_path_factory, rows, on, horizon, linked
):
    from netui.cli.contacts_cmds import queue_line
    from netui.core.model import IntroStatus, Referral

    db_path = tmp_path_factory.mktemp("db") / "db"
    with Store.open(db_path) as store:
        ids = fill(store, rows)
        for n in range(min(linked, len(ids) - 1)):  # referral thank-yous and introductions
            store.add_referral(Referral(referrer_id=ids[n], referred_id=ids[n + 1], on=D))
            store.introduce(ids[n + 1], ids[n], on=D, status=IntroStatus.INTRODUCED)
    with Store.open(db_path) as full:  # as `netui queue` read every record (ties: file order)
        want = full.queue(on, horizon_days=horizon)
    with Store.open(db_path, lazy=True) as lazy:
        got = lazy.queue_brief(on, horizon_days=horizon)
        assert not lazy.contacts_loaded  # read from the digest, no record built
    assert [i.to_json() for i in got] == [i.to_json() for i in want]
    assert [queue_line(i, on) for i in got] == [queue_line(i, on) for i in want]
    assert [(i.kind, i.referral_id, i.introduction_id) for i in got] == [
        (i.kind, i.referral_id, i.introduction_id) for i in want
    ]


def test_a_contact_added_is_appended_to_the_digest_as_a_rebuild_would_write_it(
    db_path, monkeypatch
):
    with Store.open(db_path) as store:
        for n in range(40):
            store.add_contact(Contact(name=f"Person {n}", met_on=D, tags=["ÉTÉ"]))
    from_files(db_path)  # every shard's digest current
    decoded = []
    monkeypatch.setattr(digest, "parse_part", lambda *a: decoded.append(a[1]))
    with Store.open(db_path, lazy=True) as cold:  # as `netui add` runs
        for n in range(5):
            cold.add_contact(Contact(name=f'Ünï [b]{n}[/b] "q"', company="A, B", met_on=D))
        # An id not of netui's making, into a shard its digest says holds none: now it does.
        shards = {f"contacts/{p.name}" for p in (db_path / "contacts").glob("*.json")}
        odd = next(f"Ünï-{n}]],[" for n in range(99) if contact_file(f"Ünï-{n}]],[") in shards)
        cold.add_contact(Contact(id=odd, name="Odd", met_on=D))
        db = cold.database
        signatures = db.signatures({"contacts"})
    assert decoded == []  # appended, not decoded
    monkeypatch.undo()
    for rel, signature in signatures.items():
        built, _ = digest.build(db, rel, signature, SETTINGS)
        assert (db_path / "cache" / "digest" / f"{rel}{digest.SUFFIX}").read_bytes() == built
    assert from_files(db_path) == reference(db_path)


def test_each_part_is_checked_on_its_own_so_a_look_up_reads_the_names_alone(db_path, monkeypatch):
    """A name look-up reads each digest file only up to its names; a damaged row part is
    found (and rebuilt) by the command that reads the rows."""
    with Store.open(db_path) as store:
        ids = [store.add_contact(Contact(name=f"Person {n}", met_on=D)).id for n in range(40)]
    want = reference(db_path)
    for path in digest_files(db_path):
        data = bytearray(path.read_bytes())
        data[-2] ^= 0x01  # inside the rows, the last part
        path.write_bytes(bytes(data))
    builds = []
    original = digest.build
    monkeypatch.setattr(digest, "build", lambda *a: builds.append(a[1]) or original(*a))
    with Store.open(db_path, lazy=True) as cold:
        assert cold.find("Person 7").id == ids[7]
    assert builds == []
    assert from_files(db_path) == want
    assert len(builds) == len(digest_files(db_path))
