"""A disposable copy of what search needs, folded once, kept beside the data in `cache/search/`.

Why: `netui search` is one process per query, and turning 100,000 diary entries into model
objects and folding their text took seconds on every run. Here each data file (a contact
shard, a month of the diary) has one cache file holding its records' searchable text already
folded, joined into one UTF-8 string per field group, so a query is a regex pass over a few
big strings mapped straight from the page cache; one meta row per record (what orders and
filters it), read only for the records a query finds; and, read only for the hits shown, each
contact's original JSON (turned into a model object exactly as the store reads it) and each
conversation's id, day and text (`DiaryEntry`: what its hit shows).

A diary month also keeps a word index: its words (`engine.words` of each folded document)
in byte order, and for each the places of the records holding it. A one-word term (most
queries) is then a binary search and a few hundred bytes read, where the scan read and
checked 23 MiB of text (format 8; 100,000 conversations, cold processes, min of 8: loading
the cache 11.4 -> 5.5 ms, finding zanzibarite's 100 hits 11.2 -> 5.6 ms). Phrases and
prefixes wider than MAX_PREFIX_WORDS words still scan, so the columns stay, checked only
when scanned. The price: cold build ~+25%, cache 84 -> 112 MiB at 100,000 conversations.

A cache file names the data file and the signature (inode, size, mtime) it was built from,
and the Unicode version folding used; every section carries a CRC-32. A stale, foreign or
damaged cache file is rebuilt from the data file: never trusted, never an error for the user.
Only JSON and text are read back (no pickle: the folder may have been tampered with). Files
are written to a temporary name (mode 0600, folders 0700) and renamed into place, never
changed in place; a folder that cannot be written to is searched from caches built in memory.

Layout of a cache file (`build`):

    CRC of the header (8 hex digits), header JSON, newline,
    ends (where each document of each column ends: hex of little-endian 32-bit words),
    columns (folded text, UTF-8), meta (a CRC and a JSON row per record, padded to one width),
    ids (a JSON list), records (each record's JSON, back to back),
    words (the month's words, UTF-8, back to back, in byte order),
    word index (hex words: where each word ends, where its places end, their CRC),
    postings (each word's places, hex words)

The header gives each section's size and CRC (each meta row, record and word's places has
its own), the columns' names, and, for a diary month, the newest record's sort key and the
span of its dates. The ends are a section of their own rather than JSON strings in the
header: parsing 146 headers that held them took ~2 ms of every search (format 7), reading
them as hex ~0.4.

Why not SQLite FTS5 (issue 16, point 4): decided from numbers, kept. `bench/bench_fts.py`
holds the prototype and prints these (10,000 contacts / 100,000 conversations, 2 cores):
- FTS5's own tokenizer (`unicode61 remove_diacritics 2`) answers otherwise: `πελαργος` misses
  all 89 `πελαργός` of 20,000 notes (final sigma), and `ﬁnance`, `Ｇｉｕｌｉｏ`, `Straße`
  (no NFKD), `estate_planning` (`_` splits), `ab🫨cd` (a symbol newer than Unicode 6.1 glues
  words) differ. Exact only with netui's own fold and words stored space-separated under the
  `ascii` tokenizer, phrases as a superset the reference matcher confirms: then 38 queries
  and 1,155 fuzzed answers all equal `search_records`. The folding, the set algebra and
  the confirming stay; only this file's format would go.
- No speed to win (format 7, before the word index): `netui search WORD --limit 0`, this vs FTS5:
  quillwort 163 vs 176 ms, zanzibarite 138 vs 127, πελαργός 155 vs 133 (noise; 65 ms of it
  is imports). Cold build 3.0 vs 4.8 s, size 100 vs 125 MiB (the data: 56 MiB). FTS5 wins
  the update after an edit and a log (63 vs 21 ms) and resident memory (124 vs 31 MiB, most
  of ours being this file's mapped pages, shared with the page cache). It cannot serve the
  TUI: FTS5 rowids are not diary order, so a limited query gathers every match (worst p95
  511 ms against the in-memory `SearchIndex`'s 5.3 ms).
"""

from __future__ import annotations

import binascii
import json
import mmap
import os
import sys
import unicodedata
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from datetime import date
from itertools import accumulate, chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from zlib import crc32

from netui.core.db.cache_folder import PARTIAL, CacheFolder
from netui.core.db.schema import TABLE_OF_KIND, RecordProblem, kind_of, parse_record
from netui.core.errors import CacheError, StorageError
from netui.core.search.engine import (
    DOC_SEP,
    contact_doc,
    conversation_doc,
    doc_ends,
    postings_of,
    words,
)

if TYPE_CHECKING:
    from netui.core.db.storage import Database, Signature
    from netui.core.model import Contact, Conversation

__all__ = [
    "CONTACT_COLUMNS",
    "PARTIAL",
    "CacheError",
    "Part",
    "SearchCorpus",
    "load_corpus",
]

FORMAT = 8  # bump whenever the layout or what fold() produces changes
FOLDER = ("cache", "search")
SUFFIX = ".cache"
SHADOWED = "shadowed.json"
CONTACT_COLUMNS = ("text", "name", "company", "tag", "at")
_SECTIONS = ("ends", "columns", "meta", "ids", "records", "words", "word_index", "postings")
_DOC_SEP = DOC_SEP.encode()
_UNICODE = unicodedata.unidata_version
_MAX_HEADER = 1 << 24
_HEAD_GUESS = 4096  # a header is ~500 bytes: one read finds it
MAX_PREFIX_WORDS = 64  # a prefix spanning more words than this is answered by a scan
_U32 = next(code for code in "IL" if array(code).itemsize == 4)
_R = TypeVar("_R")
_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))  # made once: 15% faster


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a JSON file may hold a lone surrogate


def _pack(numbers: Sequence[int]) -> str:
    """Whole numbers as hex of little-endian 32-bit words: read 5x faster than JSON or base64."""
    words = array(_U32, numbers)
    if sys.byteorder == "big":
        words.byteswap()
    return words.tobytes().hex()


def _unpack(text: bytes) -> array[int]:
    words = array(_U32, binascii.unhexlify(text))
    if sys.byteorder == "big":
        words.byteswap()
    return words


def _dump(value: Any) -> str:
    return _ENCODER.encode(value)  # one line, always


# -- building --------------------------------------------------------------------------------


def _records(db: Database, rel: str) -> list[tuple[dict[str, Any], Any]]:
    """(original JSON, model object) of each record of a data file, as the store reads them
    (the same checks, so a hand-edited record is refused in the same words)."""
    kind = kind_of(rel) or ""
    docs = db.load(rel).get(TABLE_OF_KIND[kind], {})
    built = []
    for record_id, doc in docs.items():
        try:
            built.append((doc, parse_record(rel, record_id, doc)))
        except RecordProblem as exc:
            raise StorageError(
                f"{db.root / rel}: {exc}; the last good "
                f"version is {db.backup_path(rel)} (run `netui doctor`)"
            ) from None
    return built


def build(db: Database, rel: str, signature: Signature) -> bytes:
    """The cache file of one data file (a contact shard or a diary month)."""
    kind = kind_of(rel)
    records = _records(db, rel)
    # A contact as the data file holds it (a hit shows the whole contact); of a conversation,
    # only what its hit shows (`DiaryEntry`), as a JSON list.
    raw = [_dump(doc if kind == "contacts" else diary_row(rec)).encode() for doc, rec in records]
    header: dict[str, Any] = {
        "format": FORMAT,
        "unicode": _UNICODE,
        "source": rel,
        "signature": list(signature),
        "count": len(records),
    }
    if kind == "contacts":
        docs = [contact_doc(contact) for _, contact in records]
        columns = {"text": [d.text for d in docs]}
        columns.update({name: [d.fields[name] for d in docs] for name in CONTACT_COLUMNS[1:]})
        meta = [
            [c.id, c.met_on.toordinal() if c.met_on else 0, c.stage.value, c.archived, c.name]
            for _, c in records
        ]
    else:
        columns = {"text": [conversation_doc(v).text for _, v in records]}
        meta = [
            [v.id, v.contact_id, v.on.isoformat(), v.created, v.channel.value] for _, v in records
        ]
        if meta:
            header["newest"] = max(row[2:4] + row[:1] for row in meta)  # (on, created, id)
            header["days"] = [min(row[2] for row in meta), max(row[2] for row in meta)]
    encoded = {name: [_encode(text) for text in texts] for name, texts in columns.items()}
    header["columns"] = list(encoded)
    vocabulary, postings = _word_index(columns["text"] if kind == "conversations" else [])
    header["words"] = len(vocabulary)
    starts = accumulate(map(len, raw), initial=0)
    lines = [
        _dump([*row, at, len(doc), zlib.crc32(doc)]).encode()
        for row, at, doc in zip(meta, starts, raw, strict=False)
    ]
    width = max(map(len, lines), default=0) + 1  # every row padded to one width, then "\n"
    lines = [line.ljust(width - 1) + b"\n" for line in lines]
    header["width"] = width + 8
    sections = {
        "ends": "".join(_pack(doc_ends(map(len, docs))) for docs in encoded.values()).encode(),
        "columns": b"".join(_DOC_SEP.join(docs) for docs in encoded.values()),
        "meta": b"".join(b"%08x" % zlib.crc32(line) + line for line in lines),
        "ids": _dump([row[0] for row in meta]).encode(),
        "records": b"".join(raw),
        "words": b"".join(vocabulary),
        "word_index": _pack(
            [
                *accumulate(map(len, vocabulary)),
                *accumulate(len(docs) // 8 for docs in postings),
                *map(zlib.crc32, postings),
            ]
        ).encode(),
        "postings": b"".join(postings),
    }
    header["sizes"] = [len(sections[name]) for name in _SECTIONS]
    checked = ("ends", "columns", "ids", "words", "word_index")
    header["crc"] = {name: zlib.crc32(sections[name]) for name in checked}
    head = _dump(header).encode()
    return b"".join([b"%08x" % zlib.crc32(head), head, b"\n", *sections.values()])


def _word_index(texts: Sequence[str]) -> tuple[list[bytes], list[bytes]]:
    """Every word of these folded documents (UTF-8, in byte order) and, for each, the packed
    places of the documents holding it (see `Part.docs_with_word`)."""
    places = postings_of(set(words(text)) for text in texts)
    vocabulary = sorted(places, key=_encode)
    return [_encode(w) for w in vocabulary], [_pack(places[w]).encode() for w in vocabulary]


# -- reading ---------------------------------------------------------------------------------

_GAP = 4096  # pieces of a file nearer than this are read in one call (see `_Source.pieces`)


class _Source:
    """A cache file built in this process, held in memory (see `_File` for one on disk)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def size(self) -> int:
        return len(self.data)

    def read(self, offset: int, size: int) -> bytes:
        return self.data[offset : offset + size]

    def buffer(self) -> bytes | mmap.mmap:
        """The whole file, for a regex scan over its columns."""
        return self.data

    def pieces(self, spans: Sequence[tuple[int, int]]) -> list[bytes]:
        """The pieces at these (offset, size), in the order asked: near ones (sorted by
        offset) in one read, so a dense run of rows or records is one call, not hundreds.
        EOFError if the file ends before a piece does."""
        found = [b""] * len(spans)
        run: list[int] = []  # the pieces read together, each less than _GAP after the last
        start = end = -_GAP
        for k in sorted(range(len(spans)), key=spans.__getitem__):
            offset, size = spans[k]
            if offset - end >= _GAP:
                self._cut(run, spans, start, end, found)
                run, start, end = [k], offset, offset + size
            else:
                run.append(k)
                end = max(end, offset + size)
        self._cut(run, spans, start, end, found)
        return found

    def _cut(
        self,
        run: list[int],
        spans: Sequence[tuple[int, int]],
        start: int,
        end: int,
        found: list[bytes],
    ) -> None:
        """Read [start, end) once and cut the pieces of `run` out of it."""
        if not run:
            return
        chunk = self.read(start, end - start)
        if len(chunk) != end - start:
            raise EOFError
        for k in run:
            offset, size = spans[k]
            found[k] = chunk[offset - start : offset - start + size]

    def close(self) -> None:
        pass


class _File(_Source):
    """A cache file on disk, read a piece at a time with `os.pread`.

    Why not a mapping (format 8 mapped every file): a search reads a few thousand scattered
    pieces (a meta row, a record, a word's places), and a first touch of a mapped page cost
    ~4.5 us (a page fault, in a VM) against ~1 us for a pread: 1,000 hits, 114 months,
    ~3,700 faults. Only the columns, scanned whole by a phrase or a contact's words, are
    still mapped, at the first scan. Safe for the same reason the mapping was: a cache file
    is never changed in place, only replaced by a rename, and the descriptor keeps the file.
    """

    __slots__ = ("_map", "fd", "length")

    def __init__(self, path: Path) -> None:
        super().__init__(b"")
        self.fd = os.open(path, os.O_RDONLY)
        self.length = os.fstat(self.fd).st_size
        self._map: mmap.mmap | None = None

    def size(self) -> int:
        return self.length

    def read(self, offset: int, size: int) -> bytes:
        return os.pread(self.fd, size, offset)

    def buffer(self) -> bytes | mmap.mmap:
        if self._map is None:
            self._map = mmap.mmap(self.fd, 0, access=mmap.ACCESS_READ)
        return self._map

    def close(self) -> None:
        if self.fd >= 0:
            if self._map is not None:
                with suppress(BufferError):  # a view of it still held: the mapping outlives us
                    self._map.close()
            os.close(self.fd)
            self.fd = -1


class Part:
    """The cache of one data file; each section is read when first needed.

    Every section is checked against its CRC-32 when read (each record, meta row and word's
    postings against its own), so a damaged file is caught, never believed.

    A plain class, not a dataclass: making one imports `inspect` (~5 ms of `netui search`).
    """

    __slots__ = (
        "_columns_checked",
        "_layout",
        "_words",
        "header",
        "rel",
        "source",
        "where",
    )

    def __init__(
        self, rel: str, header: dict[str, Any], source: _Source, where: dict[str, int]
    ) -> None:
        self.rel = rel
        self.header = header
        self.source = source  # the whole file
        self.where = where  # offset of each section in the file
        self._layout: _Columns | None = None  # see `_columns`
        self._columns_checked = False
        self._words: tuple[bytes, array[int]] | None = None  # see `docs_with_word`

    def read(self, offset: int, size: int) -> bytes:
        data = self.source.read(offset, size)
        if len(data) != size:
            raise CacheError(f"{self.rel}: the file is truncated")
        return data

    def pieces(self, spans: Sequence[tuple[int, int]]) -> list[bytes]:
        try:
            return self.source.pieces(spans)
        except EOFError:
            raise CacheError(f"{self.rel}: the file is truncated") from None

    @property
    def count(self) -> int:
        count: int = self.header["count"]  # _parse checked it against the meta section
        return count

    def ends(self, column: str) -> Sequence[int]:
        """Where each document of a column ends (see `search.docs_matching`)."""
        return self._columns().ends[column]

    def column(self, name: str) -> memoryview:
        """A column's folded documents, DOC_SEP-joined UTF-8.

        The columns and their ends are read and checked at the first call: a query answered
        from the word index never reads them (146 files: ~8 ms of unhexlify, cold, saved).
        """
        layout = self._columns()
        if not self._columns_checked:
            view = memoryview(self.source.buffer())[self.where["columns"] : self.where["meta"]]
            if zlib.crc32(view) != layout.crc:
                raise CacheError(f"{self.rel}: the columns are damaged")
            self._columns_checked = True
        return layout.views[name]

    def _columns(self) -> _Columns:
        if self._layout is None:
            self._layout = _columns_of(self.rel, self.header, self.source, self.where)
        return self._layout

    def folded(self, column: str, i: int) -> str:
        """One document's folded text in a column."""
        ends = self.ends(column)
        doc = self.column(column)[ends[i - 1] if i else 0 : ends[i] - len(_DOC_SEP)]
        return bytes(doc).decode("utf-8", "surrogatepass")

    def docs_with_word(self, word: str, prefix: bool) -> set[int] | None:
        """Places of the diary records whose folded text has `word` as a word (or a word
        starting with it, for a prefix), from the word index; exactly the documents
        `docs_matching` finds for a one-word term, as the index holds `engine.words` of each.

        None when a prefix spans more than MAX_PREFIX_WORDS words ("e"): scan then. Why:
        a scan reads and checks every byte of the month's text; this reads a few hundred
        bytes (one word, 100,000 conversations: 14 -> ~3 ms a query, measured cold).
        """
        vocabulary, table = self._word_table()
        count = len(table) // 3
        key = _encode(word)
        first = _first_at_least(vocabulary, table, count, key)
        if prefix:
            end = _first_at_least(vocabulary, table, count, key + b"\xff", first)  # no UTF-8 has ff
        else:
            end = first + (first < count and _word(vocabulary, table, first) == key)
        if end - first > MAX_PREFIX_WORDS:
            return None
        found: set[int] = set()
        start = self.where["postings"]
        for i in range(first, end):
            begin, stop = table[count + i - 1] if i else 0, table[count + i]
            packed = self.read(start + 8 * begin, 8 * (stop - begin))
            if zlib.crc32(packed) != table[2 * count + i]:
                raise CacheError(f"{self.rel}: the places of a word are damaged")
            found.update(_unpack(packed))
        if found and max(found) >= self.count:
            raise CacheError(f"{self.rel}: a word's places are out of range")
        return found

    def _word_table(self) -> tuple[bytes, array[int]]:
        if self._words is None:
            vocabulary, packed = self._section("words", "word_index")  # side by side: one read
            table = _unpack(packed)
            if len(table) != 3 * (self.header.get("words") or 0):
                raise CacheError(f"{self.rel}: the word index does not count every word")
            self._words = (vocabulary, table)
        return self._words

    def _section(self, *names: str) -> list[bytes]:
        """These sections, read (together) and checked. Not kept: each caller keeps what it
        makes of them (the word table, the ids), and 114 months' raw copies were 1.4 MB of
        fresh memory, ~350 page faults (~2.7 us each on the bench VM)."""
        sizes = self.header["sizes"]
        spans = [(self.where[name], sizes[_SECTIONS.index(name)]) for name in names]
        found = self.pieces(spans)
        for name, data in zip(names, found, strict=True):
            if zlib.crc32(data) != self.header["crc"].get(name):
                raise CacheError(f"{self.rel}: the {name} section is damaged")
        return found

    def rows(self, places: Iterable[int]) -> list[list[Any]]:
        """What orders and filters these records (see `build`), then where their JSON is.

        Only these rows are read, each checked against its own CRC.
        """
        start, width = self.where["meta"], self.header["width"]
        read = self.pieces([(start + i * width, width) for i in places])
        lines = [piece[8:] for piece in read]
        if [b"%08x" % crc32(line) for line in lines] != [piece[:8] for piece in read]:
            raise CacheError(f"{self.rel}: the meta section is damaged")
        rows: list[list[Any]] = _json(b"[" + b",".join(lines) + b"]", self.rel)  # checked below
        if len(rows) != len(lines) or not all(type(row) is list for row in rows):
            raise CacheError(f"{self.rel}: the meta section is damaged")
        return rows

    def all_rows(self) -> list[list[Any]]:
        return self.rows(range(self.count))

    def ids(self) -> list[str]:
        ids = _json(self._section("ids")[0], self.rel)
        if type(ids) is not list or len(ids) != self.count:
            raise CacheError(f"{self.rel}: the ids section is damaged")
        return ids

    def contact(self, i: int, row: list[Any] | None = None) -> Contact:
        """Contact i as the store reads it, for a hit to show (`row`: its meta row, if read)."""
        from netui.core.model import Contact  # only a contact's hit needs the model

        return self._decoded([(i, row or self.rows([i])[0])], Contact.from_dict)[0]

    def diary_entries(self, places: Sequence[tuple[int, list[Any]]]) -> list[DiaryEntry]:
        """What the hits of these conversations (place, meta row) show, without building
        whole records (1,000 hits: 22 -> 9 ms, most of it one JSON parse instead of 1,000)."""
        return self._decoded(places, DiaryEntry.from_row)

    def _decoded(
        self, places: Sequence[tuple[int, list[Any]]], make: Callable[[Any], _R]
    ) -> list[_R]:
        """These records (place, meta row), each checked against its CRC, parsed at once."""
        start = self.where["records"]
        raws = self.pieces([(start + row[-3], row[-2]) for _, row in places])
        if list(map(crc32, raws)) != [row[-1] for _, row in places]:
            raise CacheError(f"{self.rel}: a record is damaged")
        docs = _json(b"[" + b",".join(raws) + b"]", self.rel)
        if len(docs) != len(places):
            raise CacheError(f"{self.rel}: a record is damaged")
        records = []
        for (i, row), doc in zip(places, docs, strict=True):
            try:
                record = make(doc)
            except (KeyError, ValueError, TypeError, AttributeError):
                raise CacheError(f"{self.rel}: record {i} is damaged") from None
            if getattr(record, "id", None) != row[0]:
                raise CacheError(f"{self.rel}: record {i} is not the one indexed")
            records.append(record)
        return records


def _word(vocabulary: bytes, table: array[int], i: int) -> bytes:
    return vocabulary[table[i - 1] if i else 0 : table[i]]


def _first_at_least(
    vocabulary: bytes, table: array[int], count: int, key: bytes, low: int = 0
) -> int:
    """bisect_left over the sorted words without cutting the vocabulary into a list."""
    high = count
    while low < high:
        middle = (low + high) // 2
        if _word(vocabulary, table, middle) < key:
            low = middle + 1
        else:
            high = middle
    return low


class DiaryEntry(NamedTuple):
    """A conversation's id, day and text (see `engine.DiaryText`), as `build` stored them.

    Stored as a JSON list by `diary_row` (format 8; the whole record before: 1,000 hits read
    in ~4.5 -> ~3 ms, and the cache ~25% smaller). Checked all the same (a mistake raises and
    `_decoded` calls the file damaged), as the folder is not trusted. A named tuple: built
    3x faster than a frozen dataclass.
    """

    id: str
    on: date
    note: str
    recommended: str
    observations: str
    did: str
    correspondence: tuple[str, ...]

    @classmethod
    def from_row(cls, row: list[Any]) -> DiaryEntry:
        entry_id, on, note, recommended, observations, did, letters = row  # ValueError: short
        letters = tuple(letters)
        "".join((entry_id, note, recommended, observations, did, *letters))  # TypeError: not text
        return cls(entry_id, date.fromisoformat(on), note, recommended, observations, did, letters)


def diary_row(conv: Conversation) -> list[Any]:
    """What a conversation's hit shows, as `DiaryEntry.from_row` reads it back."""
    return [
        conv.id,
        conv.on.isoformat(),
        conv.note,
        conv.recommended,
        conv.observations,
        conv.did,
        list(conv.correspondence),
    ]


def _json(raw: bytes, rel: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise CacheError(f"{rel}: a section is not valid JSON") from None


class _Columns:
    """Where a part's columns are (a plain class, as `SearchCorpus`: a named tuple class costs
    ~0.2 ms to make, in every netui search)."""

    __slots__ = ("crc", "ends", "views")

    def __init__(self, ends: dict[str, array[int]], views: dict[str, memoryview], crc: int) -> None:
        self.ends = ends  # where each document of each column ends
        self.views = views  # each column's documents, in place in the file
        self.crc = crc  # of every column together


def _columns_of(
    rel: str, header: dict[str, Any], source: _Source, where: dict[str, int]
) -> _Columns:
    """Where the documents of each column are; CacheError if the file says it wrongly."""
    try:
        packed = source.read(where["ends"], where["columns"] - where["ends"])
        if zlib.crc32(packed) != header["crc"]["ends"]:
            raise CacheError(f"{rel}: the ends are damaged")
        count, names = header["count"], header["columns"]
        every_end = _unpack(packed)
        if len(every_end) != count * len(names):
            raise CacheError(f"{rel}: the ends do not count every record")
        ends = {name: every_end[k * count : (k + 1) * count] for k, name in enumerate(names)}
        view = memoryview(source.buffer())[where["columns"] : where["meta"]]  # no copy
        views, start = {}, 0
        for name, column_ends in ends.items():
            width = column_ends[-1] - len(_DOC_SEP) if column_ends else 0
            views[name] = view[start : start + width]
            start += width
        if start != len(view):
            raise CacheError(f"{rel}: the columns do not add up")
        return _Columns(ends, views, header["crc"]["columns"])
    except (ValueError, KeyError, TypeError, IndexError) as exc:  # binascii.Error too
        raise CacheError(f"{rel}: unreadable ({exc})") from None


def _parse(rel: str, source: _Source) -> Part:
    """Check a cache file's header and find its sections; CacheError if it cannot be used."""
    start = source.read(0, _HEAD_GUESS)
    end = start.find(b"\n")
    if end < 0 and len(start) == _HEAD_GUESS:  # a long header: read it up to the limit
        start = source.read(0, _MAX_HEADER)
        end = start.find(b"\n")
    head = start[: end + 1]
    if not head.endswith(b"\n") or b"%08x" % zlib.crc32(head[8:-1]) != head[:8]:
        raise CacheError(f"{rel}: the header is damaged")
    try:
        header = json.loads(head[8:])
        sizes = header["sizes"]
        if len(sizes) != len(_SECTIONS) or sum(sizes) + len(head) != source.size():
            raise CacheError(f"{rel}: the file is truncated or too long")
        if sizes[_SECTIONS.index("meta")] != header["count"] * header["width"]:
            raise CacheError(f"{rel}: the meta section does not count every record")
        where = dict(zip(_SECTIONS, accumulate(sizes, initial=len(head)), strict=False))
        if type(header["crc"]) is not dict or type(header["columns"]) is not list:
            raise CacheError(f"{rel}: the header is not one netui writes")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise CacheError(f"{rel}: unreadable ({exc})") from None
    return Part(rel, header, source, where)


def _from_file(rel: str, path: Path) -> Part:
    """A cache file on disk, opened (see `_File`)."""
    source = _File(path)
    try:
        return _parse(rel, source)
    except BaseException:
        source.close()
        raise


def _current(part: Part, rel: str, signature: Signature) -> bool:
    header = part.header
    return (
        header.get("format") == FORMAT
        and header.get("unicode") == _UNICODE
        and header.get("source") == rel
        and header.get("signature") == list(signature)
    )


# -- the cache folder ------------------------------------------------------------------------


class SearchCorpus:
    """Every contact shard and diary month, in the order the store reads them."""

    __slots__ = ("contacts", "conversations", "rebuilt", "shadowed")

    def __init__(
        self,
        contacts: list[Part],
        conversations: list[Part],
        shadowed: dict[str, set[str]],
        rebuilt: list[str],
    ) -> None:
        self.contacts = contacts
        self.conversations = conversations
        self.shadowed = shadowed  # diary ids a later month holds again (the store keeps that)
        self.rebuilt = rebuilt  # data files whose cache was built now

    def close(self) -> None:
        """Close every cache file (each is held open from `load_corpus` on)."""
        for part in chain(self.contacts, self.conversations):
            part.source.close()

    def __enter__(self) -> SearchCorpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _load_part(folder: CacheFolder, rel: str, signature: Signature) -> Part | None:
    """The cache file of `rel` if it is current and sound."""
    try:
        part = _from_file(rel, folder.path(rel))
    except (CacheError, OSError):
        return None
    if _current(part, rel, signature):
        return part
    part.source.close()
    return None


def _shadowed(
    folder: CacheFolder, months: list[Part], signatures: dict[str, Signature], trust: bool
) -> dict[str, set[str]]:
    """Ids found in more than one diary month: the store keeps the last month's copy.

    netui never writes such a thing, but a hand-edited folder could hold it. Finding out
    needs every id, so the answer is cached too (with its CRC), valid while no month changes.
    """
    key = {part.rel: list(signatures[part.rel]) for part in months}
    path = folder.root / SHADOWED
    if trust:
        with suppress(OSError, ValueError, KeyError, TypeError, AttributeError):
            data = path.read_bytes()
            if b"%08x" % zlib.crc32(data[8:]) == data[:8]:
                saved = json.loads(data[8:])
                if saved["format"] == FORMAT and saved["files"] == key:
                    return {rel: set(ids) for rel, ids in saved["shadowed"].items()}
    ids_of = {part.rel: part.ids() for part in months}
    shadowed: dict[str, set[str]] = {}
    if len(set(chain.from_iterable(ids_of.values()))) < sum(map(len, ids_of.values())):
        last = {record_id: rel for rel, ids in ids_of.items() for record_id in ids}
        for rel, ids in ids_of.items():
            if hidden := {i for i in ids if last[i] != rel}:
                shadowed[rel] = hidden
    saved = {
        "format": FORMAT,
        "files": key,
        "shadowed": {r: sorted(i) for r, i in shadowed.items()},
    }
    text = _dump(saved).encode()
    folder.write(path, b"%08x" % zlib.crc32(text) + text)
    return shadowed


def load_corpus(db: Database, *, trust_files: bool = True) -> SearchCorpus:
    """The search cache of every contact shard and diary month, rebuilt where stale.

    Read under the database's shared lock, so the caches match one consistent state.
    `trust_files=False` rebuilds every cache file, for when one turned out damaged.
    """
    folder = CacheFolder(db, FOLDER[-1], SUFFIX)
    parts: dict[str, Part] = {}
    try:
        with db.shared():
            signatures = db.signatures({"contacts", "conversations"})
            rebuilt = []
            for rel, signature in signatures.items():
                part = _load_part(folder, rel, signature) if trust_files else None
                if part is None:
                    data = build(db, rel, signature)
                    folder.write(folder.path(rel), data)
                    part = _parse(rel, _Source(data))
                    rebuilt.append(rel)
                parts[rel] = part
            months = [p for rel, p in parts.items() if kind_of(rel) == "conversations"]
            shadowed = _shadowed(folder, months, signatures, trust_files)
    except BaseException:
        for part in parts.values():
            part.source.close()
        raise
    if rebuilt:
        folder.tidy(set(signatures))
    shards = [p for rel, p in parts.items() if kind_of(rel) == "contacts"]
    return SearchCorpus(shards, months, shadowed, rebuilt)
