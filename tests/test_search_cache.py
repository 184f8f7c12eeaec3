"""The search cache: answers equal a scan of the store's records, whatever the cache's state."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netui.core.config import Settings
from netui.core.db import doctor
from netui.core.db.storage import Database, contact_file, conversation_file
from netui.core.db.store import Store
from netui.core.model import Channel, Contact, Conversation, Stage
from netui.core.search import cache as cache_module
from netui.core.search.cache import (
    FOLDER,
    PARTIAL,
    SUFFIX,
    DiaryEntry,
    diary_row,
    load_corpus,
)
from netui.core.search.cached import search_database
from netui.core.search.engine import (
    DOC_SEP,
    Hit,
    doc_ends,
    docs_matching,
    fold,
    parse_query,
    search_records,
    utf8_docs_matching,
)

TODAY = date(2026, 11, 24)
WORDS = ["estate", "plan", "planning", "Zoë", "José", "golf", "a", "the", "Straße", "πελαργός"]
WORDS += ["𝓖𝓲𝓾𝓵𝓲𝓸", "Ｇｏｌｆ"]  # styled letters fold to plain ones (NFKC)
JOINERS = st.sampled_from([" ", "", "-"])  # words run together too: "πελαργόςestate"
SENTENCES = st.tuples(JOINERS, st.lists(st.sampled_from(WORDS), max_size=5)).map(
    lambda parts: parts[0].join(parts[1])
)
PIECES = [
    *WORDS,
    "strasse",
    "zoe",
    "giulio",
    "plan*",
    '"plan"',  # one whole word: the word index's exact look-up
    '"πελαργός"',
    "pl",  # a prefix of several words
    '"estate plan"',
    '"estate plan"*',
    "-golf",
    "-the",
    '-"a the"',
    "name:zoe",
    "company:estate",
    "tag:plan",
    "-tag:golf",
    "at:the",
    "stage:met",
    "-stage:called",
    "channel:email",
    "-channel:call",
    "since:2020-02-01",
    "before:2020-03-01",
]
CREATED = ["2020-01-01T00:00:00+00:00", "2020-01-02T00:00:00+00:00"]
QUERIES = st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map(" ".join)


@st.composite
def corpora(draw) -> tuple[list[Contact], list[Conversation]]:
    count = draw(st.integers(1, 5))
    contacts = [
        Contact(
            draw(st.sampled_from(WORDS)) + " " + draw(st.sampled_from(WORDS)),
            company=draw(SENTENCES),
            title=draw(SENTENCES),
            tags=draw(st.lists(st.sampled_from(WORDS), max_size=2)),
            met_at=draw(SENTENCES),
            notes=draw(SENTENCES),
            needs=draw(st.lists(SENTENCES, max_size=2)),
            stage=draw(st.sampled_from(list(Stage))),
            archived=draw(st.booleans()),
            met_on=draw(st.none() | st.dates(date(2020, 1, 1), date(2020, 1, 9))),
        )
        for _ in range(count)
    ]
    conversations = [
        Conversation(
            draw(st.sampled_from(contacts)).id,
            draw(st.dates(date(2020, 1, 20), date(2020, 4, 10))),  # several diary months
            channel=draw(st.sampled_from([Channel.EMAIL, Channel.CALL, Channel.COFFEE])),
            note=draw(SENTENCES),
            did=draw(SENTENCES),
            correspondence=draw(st.lists(SENTENCES, max_size=2)),
            created=draw(st.sampled_from(CREATED)),  # ties on a day: then by created, id
        )
        for _ in range(draw(st.integers(0, 10)))
    ]
    return contacts, conversations


def scanned(store: Store, text: str, limit: int | None = None) -> list[Hit]:
    """The reference: the scan over every record the store holds."""
    query = parse_query(text, TODAY)
    return search_records(query, store.contacts_by_id.values(), store.all_conversations(), limit)


def cached(store: Store, text: str, limit: int | None = None) -> list[Hit]:
    return search_database(store.database, parse_query(text, TODAY), limit)


def cache_root(store: Store) -> Path:
    return store.path.joinpath(*FOLDER)


def month_cache(store: Store, on: date) -> Path:
    return cache_root(store) / f"{conversation_file(on)}{SUFFIX}"


def test_styled_letters_are_found_by_plain_ones_in_the_cache_and_the_scan(store):
    store.add_contact(Contact("𝓖𝓲𝓾𝓵𝓲𝓸 Ｒｏｓｓｉ", company="𝐀𝐜𝐦𝐞"))
    for text in ("giulio", "name:rossi", "company:acme"):
        hits = cached(store, text)
        assert [hit.name for hit in hits] == ["𝓖𝓲𝓾𝓵𝓲𝓸 Ｒｏｓｓｉ"]
        assert hits == scanned(store, text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), QUERIES, st.sampled_from([None, 1, 3]), st.data())
def test_the_cache_answers_as_the_scan_before_and_after_a_change(data, text, limit, draw):
    contacts, conversations = data
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "db") as store:
        store.import_batch(contacts=contacts, conversations=conversations)
        want = scanned(store, text, limit)
        assert cached(store, text, limit) == want  # built now
        assert cached(store, text, limit) == want  # read back from the files
        change = draw.draw(st.sampled_from(["note", "name", "delete", "log", "move"]))
        victim = draw.draw(st.sampled_from(conversations)) if conversations else None
        person = draw.draw(st.sampled_from(contacts))
        if change == "name":
            store.update_contact(person.id, name="Golf Zoë", company="estate")
        elif change == "log" or victim is None:
            store.log(Conversation(person.id, date(2020, 2, 2), note="zoe plans golf"))
        elif change == "note":
            store.update_conversation(victim.id, note="golf estate planning")
        elif change == "delete":
            store.delete_conversation(victim.id)
        else:  # to another month: two files change together
            store.update_conversation(victim.id, on=victim.on + timedelta(days=40))
        assert cached(store, text, limit) == scanned(store, text, limit)


@settings(max_examples=300)
@given(
    st.lists(st.text(st.sampled_from("ab eπς\x1fé_1ß-"), max_size=12).map(fold), max_size=6),
    st.lists(st.sampled_from(["a", "e", "π", "πς", "ab", "b_1", "ss", "eπ", "1"]), min_size=1),
    st.booleans(),
)
def test_matching_on_utf8_bytes_finds_exactly_what_matching_on_text_finds(docs, tokens, prefix):
    """Word boundaries differ on bytes (a Greek letter is no word character there)."""
    term = parse_query(("" if prefix else '"') + " ".join(tokens) + ("" if prefix else '"'))
    for t in term.terms:
        joined, encoded = DOC_SEP.join(docs), [d.encode() for d in docs]
        want = list(docs_matching(t, joined, doc_ends(map(len, docs))))
        got = utf8_docs_matching(t, DOC_SEP.encode().join(encoded), doc_ends(map(len, encoded)))
        assert list(got) == want


@pytest.fixture
def filled(store):
    ann = Contact("José Álvarez", company="Estate Law", tags=["legal"], met_on=date(2024, 3, 5))
    bob = Contact("Bob Stone", company="Golf Club", met_on=date(2024, 1, 2))
    store.import_batch(
        contacts=[ann, bob],
        conversations=[
            Conversation(ann.id, date(2024, 3, 6), note="Estate planning: trusts."),
            Conversation(ann.id, date(2024, 4, 1), channel=Channel.EMAIL, note="Golf; estate tax."),
            Conversation(bob.id, date(2024, 2, 1), note="Estate of the club\nπελαργός"),
        ],
    )
    return store


QUERY_SET = ["estate", "golf", "πελαργος", "name:jose", "channel:email", '"estate planning"']


def agree(store: Store) -> None:
    for text in QUERY_SET:
        assert cached(store, text) == scanned(store, text), text


def test_a_search_writes_private_cache_files_named_after_their_data_files(filled):
    os.umask(0)
    try:
        agree(filled)
    finally:
        os.umask(0o022)
    root = cache_root(filled)
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert names == [
        "contacts/" + n + SUFFIX
        for n in sorted(os.listdir(filled.path / "contacts"))
        if n.endswith(".json")
    ] + [f"conversations/2024-0{m}.json{SUFFIX}" for m in (2, 3, 4)] + ["shadowed.json"]
    for path in [filled.path / "cache", *root.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path


def rebuilt_by_loading(store) -> list[str]:
    with load_corpus(store.database) as corpus:
        return corpus.rebuilt


def test_a_second_search_reads_the_files_and_a_commit_rebuilds_only_its_file(filled):
    assert rebuilt_by_loading(filled)  # the first search builds every file
    assert rebuilt_by_loading(filled) == []
    ann = filled.find("José")
    filled.log(Conversation(ann.id, date(2024, 3, 20), note="Golf at last"))
    rebuilt = rebuilt_by_loading(filled)  # the month, and Ann's last contact day
    assert rebuilt == [contact_file(ann.id), "conversations/2024-03.json"]
    assert [h.snippet for h in cached(filled, "golf last")] == ["Golf at last"]


def test_prefixes_too_wide_for_the_word_index_are_scanned_with_the_same_answers(
    filled, monkeypatch
):
    agree(filled)
    monkeypatch.setattr(cache_module, "MAX_PREFIX_WORDS", 0)
    for text in ["est", "golf", "πελ", '"estate"', "e"]:
        assert cached(filled, text) == scanned(filled, text), text


def test_a_damaged_word_in_the_index_is_caught_when_read_and_rebuilt(filled):
    agree(filled)
    path = month_cache(filled, date(2024, 3, 6))  # "Estate planning: trusts."
    clean = path.read_bytes()
    # The file ends with the places of its last word, "trusts": one hex digit changed.
    path.write_bytes(clean[:-1] + (b"1" if clean[-1:] == b"0" else b"0"))
    assert cached(filled, "trusts") == scanned(filled, "trusts") != []
    assert path.read_bytes() == clean


def _an_end_moved(data: bytes) -> bytes:
    """The first hex digit of the ends section (just after the header) changed."""
    at = data.index(b"\n") + 1
    return data[:at] + (b"1" if data[at : at + 1] == b"0" else b"0") + data[at + 1 :]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],  # torn
        lambda data: data + b"x",
        lambda data: b"not json\n" + data,
        lambda data: data.replace(b'"format":1', b'"format":99'),
        lambda data: data.replace(b"estate", b"GOLF!!"),  # columns no longer decode as built
        lambda data: data[:-40] + b"}" * 40,  # a record's JSON
        lambda data: data.replace(b'"2024-03-06"', b'"2024-03-0x"', 1),  # meta is still JSON
        lambda data: bytes(b ^ 0xFF for b in data),
        _an_end_moved,  # still hex, so only the CRC tells
        lambda data: data.replace(b'"columns":["text"]', b'"columns":["text","text"]'),
    ],
)
def test_a_damaged_cache_file_is_rebuilt_and_answers_do_not_change(filled, damage):
    agree(filled)
    path = month_cache(filled, date(2024, 3, 6))
    clean = path.read_bytes()
    path.write_bytes(damage(clean))
    agree(filled)
    assert path.read_bytes() == clean  # found out, and built again
    agree(filled)


def test_a_cache_file_of_another_data_file_is_not_believed(filled):
    agree(filled)
    march, april = month_cache(filled, date(2024, 3, 1)), month_cache(filled, date(2024, 4, 1))
    march.write_bytes(april.read_bytes())
    agree(filled)
    assert b"2024-03-06" in march.read_bytes()


def test_a_record_turned_to_junk_in_the_cache_is_caught_and_rebuilt(filled):
    agree(filled)
    path = month_cache(filled, date(2024, 3, 6))
    data = path.read_bytes()
    # Same length, valid JSON, but a different id than the meta line says.
    conv = next(v for v in filled.all_conversations() if v.on == date(2024, 3, 6))
    path.write_bytes(data.replace(conv.id.encode()[-8:], b"00000000"))
    agree(filled)


def test_a_hit_reads_the_diary_text_the_store_reads():
    conv = Conversation("c1", date(2024, 3, 6), note="Golf", correspondence=["Dear Ann"])
    entry = DiaryEntry.from_row(json.loads(json.dumps(diary_row(conv))))
    assert (entry.id, entry.on, entry.note, entry.did, entry.correspondence) == (
        conv.id,
        conv.on,
        "Golf",
        "",
        ("Dear Ann",),
    )


@pytest.mark.parametrize(
    "change",
    [{2: 5}, {6: [1]}, {6: None}, {1: "soon"}, {1: 3}, {7: "one too many"}, {0: None}],
)
def test_a_diary_entry_of_the_wrong_shape_is_refused_as_damage(change):
    # CacheError follows (`Part._decoded` turns these into it), and the file is rebuilt.
    row = diary_row(Conversation("c1", date(2024, 3, 6)))
    row += [None] * (max(change) + 1 - len(row))
    for place, value in change.items():
        row[place] = value
    with pytest.raises((KeyError, ValueError, TypeError, AttributeError)):
        DiaryEntry.from_row(row)


def test_search_works_when_the_cache_cannot_be_written(filled):
    shutil.rmtree(filled.path / "cache", ignore_errors=True)  # the writes made a digest
    (filled.path / "cache").write_text("not a folder")  # mkdir fails, as on a read-only disk
    agree(filled)
    assert (filled.path / "cache").read_text() == "not a folder"


def test_a_read_only_database_is_searched_from_memory(filled):
    agree(filled)
    database = Database.open(filled.path)
    database.read_only = True  # as when the lock file cannot be opened for writing
    filled.log(Conversation(filled.find("Bob").id, date(2024, 2, 9), note="more golf"))
    before = month_cache(filled, date(2024, 2, 1)).read_bytes()
    hits = search_database(database, "golf")
    assert hits == scanned(filled, "golf")
    assert month_cache(filled, date(2024, 2, 1)).read_bytes() == before  # not rewritten
    database.close()


def test_caches_of_removed_files_and_dead_partials_are_tidied(filled):
    agree(filled)
    root = cache_root(filled)
    gone = root / "conversations" / f"1999-01.json{SUFFIX}"
    gone.write_bytes(b"old")
    dead = root / "conversations" / f"2024-02.json{SUFFIX}{PARTIAL}1"
    dead.write_bytes(b"half")
    os.utime(dead, (0, 0))
    filled.log(Conversation(filled.find("Bob").id, date(2024, 2, 9), note="more golf"))
    agree(filled)
    assert not gone.exists() and not dead.exists()


def test_ids_in_two_months_and_orphans_answer_as_the_store_reads_them(filled):
    """A hand-edited folder: the store keeps the later month's copy and drops orphans."""
    agree(filled)
    db = filled.database
    conv = next(v for v in filled.all_conversations() if v.on == date(2024, 3, 6))
    twin = {**conv.to_dict(), "on": "2024-04-20", "note": "the twin says golf"}
    orphan = {**twin, "id": "f" * 32, "contact_id": "0" * 32, "note": "estate golf"}
    april = db.load("conversations/2024-04.json")
    april["conversations"].update({conv.id: twin, orphan["id"]: orphan})
    with db.exclusive():
        db.commit({"conversations/2024-04.json": april})
    with Store.open(filled.path, settings=Settings()) as fresh:
        assert len(fresh.all_conversations()) == 4
        agree(fresh)
        assert [h.on for h in cached(fresh, "golf") if h.conversation_id == conv.id] == [
            date(2024, 4, 20)
        ]
        # A forged answer about duplicates (without its checksum) is not believed.
        summary = cache_root(fresh) / "shadowed.json"
        forged = summary.read_bytes()[8:].replace(conv.id.encode(), b"x" * 32)
        summary.write_bytes(b"00000000" + forged)
        agree(fresh)


def test_the_doctor_finds_nothing_wrong_with_a_cache_folder(filled):
    agree(filled)
    dead = cache_root(filled) / f"shadowed.json{PARTIAL}1"
    dead.write_bytes(b"")  # even a partial file left by a crash
    dead.chmod(0o600)
    report = doctor.check(filled.path)
    assert report.findings == []


def test_a_cache_file_is_text_that_names_its_data_file(filled):
    """Nothing in a cache file is ever executed: a checksummed JSON header, then text."""
    agree(filled)
    data = month_cache(filled, date(2024, 3, 6)).read_bytes()
    head = data.decode("utf-8").split("\n", 1)[0]
    header = json.loads(head[8:])
    assert header["source"] == "conversations/2024-03.json"
    assert header["signature"] == list(filled.database.signature("conversations/2024-03.json"))


def test_a_cache_file_of_an_older_format_is_rebuilt_under_its_name(filled):
    """An upgrade: each file written by an older netui is built again, never misread."""
    agree(filled)
    path = month_cache(filled, date(2024, 3, 6))
    data = path.read_bytes()
    head, rest = data.split(b"\n", 1)
    header = json.loads(head[8:])
    header["format"] = cache_module.FORMAT - 1
    text = json.dumps(header, separators=(",", ":")).encode()
    path.write_bytes(b"%08x" % zlib.crc32(text) + text + b"\n" + rest)  # a sound old file
    assert rebuilt_by_loading(filled) == ["conversations/2024-03.json"]
    assert path.read_bytes() == data
    agree(filled)


@given(
    st.binary(max_size=20_000),
    st.lists(st.tuples(st.integers(0, 21_000), st.integers(1, 6_000)), max_size=30),
)
@settings(max_examples=200, deadline=None)
def test_pieces_read_in_few_calls_are_the_pieces_asked_for(data, spans):
    # Near pieces are read in one call and cut apart again; on disk and in memory, in any
    # order, overlapping. A piece past the end (a truncated file) is an EOFError, which
    # `Part.pieces` reports as a damaged cache.
    want = [data[offset : offset + size] for offset, size in spans]
    whole = all(offset + size <= len(data) for offset, size in spans)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "part"
        path.write_bytes(data)
        source = cache_module._File(path)
        try:
            for reader in (cache_module._Source(data), source):
                if whole:
                    assert reader.pieces(spans) == want
                else:
                    with pytest.raises(EOFError):
                        reader.pieces(spans)
        finally:
            source.close()
