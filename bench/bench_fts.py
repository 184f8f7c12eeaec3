"""SQLite FTS5 in place of the hand-made search cache? The evidence, measured (issue 16, point 4).

Usage (from the repository root, with the project's `.venv`):
    python -m bench.bench_fts [--db DIR] [--runs 3]

DIR is a netui database (default: the large corpus under bench/.data, which is only read: it
is copied to a temporary folder first, without its caches). The prototype here,
`FtsIndex`, is a disposable SQLite file (stdlib sqlite3) holding, per contact and per
conversation, the meta columns a query filters and orders by, the record's JSON, and an FTS5
table of its words. It answers like `netui search` (`cached.search_database`):

- words are cut and folded by netui itself (`fold`, then the `\\w+` words of
  `search.words`) and stored space-separated under FTS5's `ascii` tokenizer with `_` as a
  token character, so an FTS5 token is exactly a word of the reference: a bare word and a
  prefix find exactly the records `Term.matches` finds. FTS5's own tokenizer
  (`unicode61 remove_diacritics 2`) on the raw text does not (measured below);
- phrases are asked as the AND of their words (`detail=none` keeps the index small), a
  superset that the reference matcher (`engine._is_conversation_hit` and its neighbours)
  then confirms record by record on the folded text;
- contacts, the owners' matches and the filters are set algebra, as in `cached.py`.

It prints the numbers that decided the question (written into the docstring of
netui/core/search/cache.py): cold build, update after an edit and a log, size on disk,
whole-process time of one query, in-app per-keystroke p95, peak memory, and exactness
against `search_records` (the reference) on the bench words, accents, Greek, CJK, prefixes,
phrases and field filters, plus a seeded fuzz of tricky text.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from bench.measure import time_command
from netui.core.db.storage import Database, kind_of
from netui.core.db.store import Store
from netui.core.folding import fold
from netui.core.model import Contact, Conversation
from netui.core.search import engine
from netui.core.search.cache import _records
from netui.core.search.cached import search_database
from netui.core.search.engine import (
    Hit,
    Query,
    SearchIndex,
    Term,
    contact_doc,
    contact_hit,
    conversation_doc,
    conversation_hit,
    parse_query,
    search_records,
    words,
)

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / ".data" / "large-seed20240611-v1" / "netui"
TOKENIZER = "ascii tokenchars '_'"  # tokens = netui's own words, space-separated
SCHEMA = f"""
CREATE TABLE files(rel TEXT PRIMARY KEY, signature TEXT NOT NULL);
CREATE TABLE contact(
    n INTEGER PRIMARY KEY, rel TEXT, id TEXT, met INT, stage TEXT, archived INT, name TEXT,
    folded_name TEXT, text TEXT, name_w TEXT, company_w TEXT, tag_w TEXT, at_w TEXT, json TEXT);
CREATE INDEX contact_rel ON contact(rel);
CREATE TABLE conv(
    n INTEGER PRIMARY KEY, rel TEXT, id TEXT, contact_id TEXT, day TEXT, created TEXT,
    channel TEXT, text TEXT, json TEXT);
CREATE INDEX conv_rel ON conv(rel);
CREATE INDEX conv_owner ON conv(contact_id);
CREATE VIRTUAL TABLE contact_words USING fts5(
    text, name_w, company_w, tag_w, at_w, content='contact', content_rowid='n',
    detail=column, prefix='1 2', tokenize="{TOKENIZER}");
CREATE VIRTUAL TABLE conv_words USING fts5(
    text, content='conv', content_rowid='n', detail=none, prefix='1 2', tokenize="{TOKENIZER}");
"""
COLUMN = {None: "text", "name": "name_w", "company": "company_w", "tag": "tag_w", "at": "at_w"}
QUERIES = [  # the bench words, accents, Greek, CJK, prefixes, phrases, field filters
    "quillwort",
    "zanzibarite",
    "πελαργός",
    "πελαργος",
    "ΠΕΛΑΡΓΌΣ",
    "café",
    "cafe",
    "jose",
    "José",
    "zoe",
    "françois",
    "straße",
    "strasse",
    "東京",
    "東",
    "김",
    "москва",
    "plan",
    "plan*",
    "estate planning",
    '"estate planning"',
    '"estate plan"*',
    "estate -sailing",
    "lawyer estate -golf",
    '"thank you for your time"',
    "name:dana",
    'name:"dana kim"',
    "company:a",
    "tag:legal berlin",
    "-tag:legal quillwort",
    "stage:coffee company:a",
    "at:mixer since:2024-01-01",
    "channel:email before:2018-01-01",
    "on:2020-02-03",
    "the a to",
    "e",
    "o'brien",
    "estate-planning",
]
TYPED = ["estate planning", "quillwort berlin"]


def _words(folded: str) -> str:
    return " ".join(words(folded))


def _match(term: Term) -> str:
    """The FTS5 query of one term: its words ANDed, the last a prefix when the term says so
    (a phrase is a superset here, confirmed later)."""
    last = len(term.tokens) - 1
    return " ".join(
        f'"{token}"' + ("*" if i == last and term.prefix else "")
        for i, token in enumerate(term.tokens)
    )


class FtsIndex:
    """The prototype: one SQLite file, rebuilt per data file whose signature changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fresh = not path.exists()
        self.sql = sqlite3.connect(path, isolation_level=None)
        self.sql.execute("PRAGMA journal_mode=WAL")
        self.sql.execute("PRAGMA synchronous=OFF")  # disposable: rebuilt when damaged
        if fresh:
            os.chmod(path, 0o600)
            self.sql.executescript(SCHEMA)

    def close(self) -> None:
        self.sql.close()

    # -- building ------------------------------------------------------------------------

    def update(self, db: Database) -> list[str]:
        """Bring the index up to date with the data files; the files redone."""
        with db.shared():
            signatures = db.signatures({"contacts", "conversations"})
            known = dict(self.sql.execute("SELECT rel, signature FROM files"))
            redo = [rel for rel, sig in signatures.items() if known.get(rel) != json.dumps(sig)]
            gone = [rel for rel in known if rel not in signatures]
            self.sql.execute("BEGIN")
            for rel in gone + redo:
                self._drop(rel)
            for rel in redo:
                self._add(db, rel, json.dumps(signatures[rel]))
            self.sql.execute("COMMIT")
        return redo

    def _drop(self, rel: str) -> None:
        for table, cols in (("contact", "text, name_w, company_w, tag_w, at_w"), ("conv", "text")):
            self.sql.execute(
                f"INSERT INTO {table}_words({table}_words, rowid, {cols}) "
                f"SELECT 'delete', n, {cols} FROM {table} WHERE rel = ?",
                (rel,),
            )
            self.sql.execute(f"DELETE FROM {table} WHERE rel = ?", (rel,))
        self.sql.execute("DELETE FROM files WHERE rel = ?", (rel,))

    def _add(self, db: Database, rel: str, signature: str) -> None:
        records = _records(db, rel)
        dump = json.JSONEncoder(separators=(",", ":")).encode
        if kind_of(rel) == "contacts":
            rows = []
            for doc, c in records:
                folded = contact_doc(c)
                f = folded.fields
                rows.append(
                    (
                        rel,
                        c.id,
                        c.met_on.toordinal() if c.met_on else 0,
                        c.stage.value,
                        int(c.archived),
                        c.name,
                        f["name"],
                        _words(folded.text),
                        _words(f["name"]),
                        _words(f["company"]),
                        _words(f["tag"]),
                        _words(f["at"]),
                        dump(doc),
                    )
                )
            self.sql.executemany(
                "INSERT INTO contact(rel, id, met, stage, archived, name, folded_name, text,"
                " name_w, company_w, tag_w, at_w, json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            self.sql.execute(
                "INSERT INTO contact_words(rowid, text, name_w, company_w, tag_w, at_w)"
                " SELECT n, text, name_w, company_w, tag_w, at_w FROM contact WHERE rel = ?",
                (rel,),
            )
        else:
            rows = [
                (
                    rel,
                    v.id,
                    v.contact_id,
                    v.on.isoformat(),
                    v.created,
                    v.channel.value,
                    _words(conversation_doc(v).text),
                    dump(doc),
                )
                for doc, v in records
            ]
            self.sql.executemany(
                "INSERT INTO conv(rel, id, contact_id, day, created, channel, text, json)"
                " VALUES (?,?,?,?,?,?,?,?)",
                rows,
            )
            self.sql.execute(
                "INSERT INTO conv_words(rowid, text) SELECT n, text FROM conv WHERE rel = ?",
                (rel,),
            )
        self.sql.execute("INSERT INTO files VALUES (?, ?)", (rel, signature))

    # -- answering -----------------------------------------------------------------------

    def _ids(self, sql: str, args: Iterable[Any] = ()) -> set[int]:
        return {n for (n,) in self.sql.execute(sql, tuple(args))}

    def contacts_matching(self, term: Term, field: str | None = None) -> set[int]:
        return self._ids(
            "SELECT rowid FROM contact_words WHERE contact_words MATCH ?",
            (f"{COLUMN[field]} : ({_match(term)})",),
        )

    def convs_matching(self, term: Term) -> set[int]:
        return self._ids("SELECT rowid FROM conv_words WHERE conv_words MATCH ?", (_match(term),))

    def search(self, q: Query, limit: int | None = None) -> list[Hit]:
        """Hits for q as `search_records` finds them (the prototype's claim, checked below)."""
        if q.is_empty:
            return []
        confirm = any(t.is_phrase for t in (*q.terms, *q.excluded, *q.filters))
        confirm |= any(t.is_phrase for t in q.excluded_filters)
        passing = self._passing(q)
        hits: list[Hit] = []
        if not q.about_conversations_only:
            hits = self._contact_hits(q, passing, limit, confirm)
        room = None if limit is None else limit - len(hits)
        if room != 0:
            hits += self._conversation_hits(q, passing, room, confirm)
        return hits

    def _passing(self, q: Query) -> set[int]:
        where: list[str] = []
        args: list[Any] = []
        _one_of(where, args, "stage", q.stages, q.excluded_stages)
        found = self._ids(
            "SELECT n FROM contact" + (" WHERE " + " AND ".join(where) if where else ""), args
        )
        for term in q.filters:
            found &= self.contacts_matching(term, term.field)
        for term in q.excluded_filters:
            if not term.is_phrase:  # a phrase's AND is a superset: the confirmation decides
                found -= self.contacts_matching(term, term.field)
        return found

    def _contact_hits(
        self, q: Query, passing: set[int], limit: int | None, confirm: bool
    ) -> list[Hit]:
        found = set(passing)
        for term in q.terms:
            found &= self.contacts_matching(term)
        for term in q.excluded:
            if not term.is_phrase:
                found -= self.contacts_matching(term)
        rows = self._rows("contact", "n, met, folded_name, id", found)
        by_name = any(t.field == "name" for t in q.filters)
        rows.sort(
            key=lambda r: (
                not (by_name or any(t.matches(r[2]) for t in q.terms)),
                -r[1],
                r[2],
                r[3],
            )
        )
        hits = []
        for contact in self._records("contact", [r[0] for r in rows], Contact.from_dict):
            if limit is not None and len(hits) >= limit:
                break
            if not confirm or engine._is_contact_hit(q, contact_doc(contact)):
                hits.append(contact_hit(q, contact))
        return hits

    def _rows(self, table: str, columns: str, numbers: Iterable[int]) -> list[tuple[Any, ...]]:
        """Some rows of a table, by number: one statement, the numbers as a JSON array."""
        return self.sql.execute(
            f"SELECT {columns} FROM (SELECT value AS wanted FROM json_each(?))"
            f" CROSS JOIN {table} ON n = wanted",
            (json.dumps(list(numbers)),),
        ).fetchall()

    def _records(
        self,
        table: str,
        numbers: list[int],
        make: Callable[[dict[str, Any]], Any],
        chunk: int = 256,
    ) -> Iterable[Any]:
        """The model objects of these records, in this order, read a chunk at a time."""
        for first in range(0, len(numbers), chunk):
            part = numbers[first : first + chunk]
            raw = dict(self._rows(table, "n, json", part))
            yield from (make(json.loads(raw[n])) for n in part)

    def _conversation_hits(
        self, q: Query, passing: set[int], room: int | None, confirm: bool
    ) -> list[Hit]:
        owner_of = dict(self.sql.execute("SELECT id, n FROM contact"))  # contact id -> number
        own = [self.convs_matching(t) for t in q.terms]
        theirs = [self.contacts_matching(t) for t in q.terms]
        where, args = [], []
        if q.since:
            where.append("day >= ?")
            args.append(q.since.isoformat())
        if q.before:
            where.append("day < ?")
            args.append(q.before.isoformat())
        _one_of(where, args, "channel", q.channels, q.excluded_channels)
        columns = "n, contact_id, day, created, id, channel"
        if q.terms:
            rows = self._rows("conv", columns, set().union(*own))
            rows = [r for r in rows if _passes(r, q)]
        else:
            sql = f"SELECT {columns} FROM conv" + (" WHERE " + " AND ".join(where) if where else "")
            rows = self.sql.execute(sql, args).fetchall()
        excluded = [
            (self.convs_matching(t), self.contacts_matching(t))
            for t in q.excluded
            if not t.is_phrase
        ]
        found = []
        for row in rows:
            n, owner = row[0], owner_of.get(row[1])
            if owner is None or owner not in passing:
                continue
            if any(n not in m and owner not in o for m, o in zip(own, theirs, strict=True)):
                continue
            if any(n in m or owner in o for m, o in excluded):
                continue
            found.append(row)
        found.sort(key=lambda r: (r[2], r[3], r[4]), reverse=True)
        shown = found if room is None or confirm else found[:room]
        people = self._rows("contact", "id, name, archived", {owner_of[r[1]] for r in shown})
        owners = {r[0]: _Owner(r[0], r[1], bool(r[2])) for r in people}
        hits = []
        convs = self._records("conv", [r[0] for r in shown], Conversation.from_dict)
        for conv in convs:
            if room is not None and len(hits) >= room:
                break
            owner = owners[conv.contact_id]
            if confirm:
                (person,) = self._records("contact", [owner_of[owner.id]], Contact.from_dict)
                if not engine._is_conversation_hit(q, conversation_doc(conv), contact_doc(person)):
                    continue
            hits.append(conversation_hit(q, conv, owner))
        return hits


def _one_of(where: list[str], args: list[Any], column: str, wanted: Any, unwanted: Any) -> None:
    """SQL conditions: the column holds one of `wanted` (if any), none of `unwanted`."""
    for values, test in ((wanted, "IN"), (unwanted, "NOT IN")):
        if values:
            where.append(f"{column} {test} ({','.join('?' * len(values))})")
            args += [v.value for v in values]


def _passes(row: tuple[Any, ...], q: Query) -> bool:
    """The date and channel filters, on a conversation's meta columns."""
    day, channel = row[2], row[5]
    if (q.since and day < q.since.isoformat()) or (q.before and day >= q.before.isoformat()):
        return False
    if q.channels and channel not in {c.value for c in q.channels}:
        return False
    return channel not in {c.value for c in q.excluded_channels}


class _Owner:
    __slots__ = ("archived", "id", "name")

    def __init__(self, id: str, name: str, archived: bool) -> None:
        self.id, self.name, self.archived = id, name, archived


# -- measuring -----------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _mib(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _p95(times: list[float]) -> float:
    return sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def _process(args: list[str], runs: int) -> tuple[float, float, str]:
    """Median wall time and peak MiB of a fresh process (after one warm-up run), its output."""
    timing = time_command(args, dict(os.environ), runs)
    if timing.error:
        raise SystemExit(f"{args}: {timing.error}")
    return timing.median_s, timing.peak_mib, timing.last.stdout


def one_shot(kind: str, root: str, text: str) -> int:
    """What `netui search TEXT --limit 0` does, minus the CLI: answer, print a line a hit."""
    q = parse_query(text)
    if kind == "fts":
        index = FtsIndex(Path(root) / "cache" / "fts.sqlite3")
        hits = index.search(q)
    else:
        db = Database.open(root, create=False)
        hits = search_database(db, q)
    out = sys.stdout.write
    for hit in hits:
        out(f"{hit.on} {hit.name} {hit.field}: {hit.snippet}\n")
    return 0


def naive_differences(
    conversations: list[Conversation], sample: list[str]
) -> tuple[int, list[str]]:
    """Words for which FTS5's own tokenizer on the raw text finds other records than netui."""
    sql = sqlite3.connect(":memory:")
    sql.execute(
        "CREATE VIRTUAL TABLE t USING fts5(text, detail=none, "
        'tokenize="unicode61 remove_diacritics 2")'
    )
    texts = [engine.SEP.join(v.texts()) for v in conversations]
    sql.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", enumerate(texts))
    folded = [fold(t) for t in texts]
    differ = []
    for word in sample:
        term = parse_query(word).terms[0]
        want = {i for i, f in enumerate(folded) if term.matches(f)}
        phrase = word.replace('"', '""')
        try:
            got = {
                i for (i,) in sql.execute("SELECT rowid FROM t WHERE t MATCH ?", (f'"{phrase}"*',))
            }
        except sqlite3.OperationalError:
            got = set()
        if got != want:
            differ.append(f"{word!r}: fts5 {len(got)}, netui {len(want)}")
    return len(differ), differ


CONSTRUCTED = [  # (text, word): where FTS5's own tokenizer and netui may disagree
    ("estate_planning", "planning"),
    ("ab\U0001fae8cd", "cd"),  # a symbol newer than Unicode 6.1 between two words
    ("\ufb01nance", "finance"),
    ("\uff27\uff49\uff55\uff4c\uff49\uff4f", "giulio"),
    ("\U0001d4d6\U0001d4f2\U0001d4fe\U0001d4f5\U0001d4f2\U0001d4f8", "giulio"),
    ("Stra\u00dfe", "strasse"),
    (
        "\u03c0\u03b5\u03bb\u03b1\u03c1\u03b3\u03cc\u03c2",
        "\u03c0\u03b5\u03bb\u03b1\u03c1\u03b3\u03bf\u03c2",
    ),
    ("\u6570\u636e\u5e93", "\u6570\u636e"),
    ("\u0130stanbul", "istanbul"),
    ("o'brien", "brien"),
]


def constructed_differences() -> list[str]:
    """The CONSTRUCTED cases on which FTS5's `unicode61 remove_diacritics 2` answers otherwise."""
    sql = sqlite3.connect(":memory:")
    sql.execute('CREATE VIRTUAL TABLE t USING fts5(text, tokenize="unicode61 remove_diacritics 2")')
    differ = []
    for text, word in CONSTRUCTED:
        sql.execute("DELETE FROM t")
        sql.execute("INSERT INTO t(text) VALUES (?)", (text,))
        found = sql.execute("SELECT count(*) FROM t WHERE t MATCH ?", (f'"{word}"*',)).fetchone()[0]
        wanted = parse_query(word).terms[0].matches(fold(text))
        if bool(found) != wanted:
            differ.append(f"{word!r} in {text!r}: fts5 {'finds' if found else 'misses'} it")
    return differ


FUZZ_ALPHABET = (
    "abc xyz_ -'.,;:!?\u2014\u2026\u00ab\u00bb\u3001\u3002"
    "\u00e9e\u0301\u00c9\u00df\u1e9e\ufb01\uff27\u03c0\u03ac\u0391\u6771\u4eac\u5927\uae40"
    "\u0915\u093e\u094d\u00bd\u2460\U0001d4d6\U0001fae8\u0130\u0131\u0640"
)


def fuzz(runs: int, seed: int = 7) -> tuple[int, int, list[str]]:
    """Random tricky text and queries: how often the prototype answers unlike the reference."""
    rng = random.Random(seed)
    checked = differ = 0
    examples: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):

            def text(n: int) -> str:
                return "".join(rng.choice(FUZZ_ALPHABET) for _ in range(rng.randint(1, n)))

            root = Path(tmp) / f"db{checked}"
            with Store.open(root) as store:
                people = [
                    store.add_contact(Contact(name=f"P{k} {text(12)}", notes=text(40)))
                    for k in range(3)
                ]
                for person in people:
                    for _ in range(3):
                        day = date(2024, 1, rng.randint(1, 28))
                        store.log(Conversation(person.id, day, note=text(40)))
                contacts = list(store.contacts_by_id.values())
                conversations = store.all_conversations()
            index = FtsIndex(Path(tmp) / f"fts{checked}.sqlite3")
            index.update(Database.open(root, create=False))
            for _ in range(20):
                picked = rng.choice(conversations).note or "x"
                start = rng.randrange(len(picked))
                raw = picked[start : start + rng.randint(1, 6)]
                query = rng.choice(["{}", '"{}"', "{}*", "-x {}", "name:{}"]).format(
                    raw.replace('"', "")
                )
                try:
                    q = parse_query(query)
                except Exception:
                    continue
                checked += 1
                want = [
                    (h.kind, h.conversation_id or h.contact_id)
                    for h in search_records(q, contacts, conversations)
                ]
                got = [(h.kind, h.conversation_id or h.contact_id) for h in index.search(q)]
                if got != want:
                    differ += 1
                    examples.append(f"{query!r}: {len(got)} vs {len(want)}")
            index.close()
    return checked, differ, examples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=CORPUS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fuzz", type=int, default=60, help="random databases to compare on")
    parser.add_argument(
        "--one-shot", nargs=3, metavar=("KIND", "ROOT", "QUERY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.one_shot:
        return one_shot(*args.one_shot)

    with tempfile.TemporaryDirectory(prefix="netui-fts-") as tmp:
        root = Path(tmp) / "db"
        shutil.copytree(args.db, root, ignore=shutil.ignore_patterns("cache"))
        db = Database.open(root, create=False)
        fts_path = root / "cache" / "fts.sqlite3"
        (root / "cache").mkdir(mode=0o700, exist_ok=True)

        print("cold build, from the database (one run each):")
        from netui.core.search.cache import load_corpus

        cache_build = _timed(lambda: load_corpus(db))
        index = FtsIndex(fts_path)
        fts_build = _timed(lambda: index.update(db))
        index.sql.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"  hand-made cache {_ms(cache_build)}   FTS5 {_ms(fts_build)}")
        print("size on disk:")
        cache_mib, fts_mib = _mib(root / "cache" / "search"), _mib(fts_path)
        data_mib = _mib(root / "contacts") + _mib(root / "conversations")
        print(
            f"  hand-made cache {cache_mib:6.1f} MiB   FTS5 {fts_mib:6.1f} MiB"
            f"   (the data: {data_mib:.1f} MiB)"
        )

        with Store.open(root) as store:
            someone = next(iter(store.contacts_by_id.values()))
            store.update_contact(someone.id, title="Quillwort grower")
            store.log(Conversation(someone.id, date(2030, 1, 1), note="A fresh quillwort note."))
        cache_update = _timed(lambda: load_corpus(db))
        fts_update = _timed(lambda: index.update(db))
        print("update after an edit and a log (two data files redone):")
        print(f"  hand-made cache {_ms(cache_update)}   FTS5 {_ms(fts_update)}")

        with Store.open(root) as store:
            contacts = list(store.contacts_by_id.values())
            conversations = store.all_conversations()

        print("\nexactness against search_records (the reference), whole answers, no limit:")
        wrong = []
        for text in QUERIES:
            q = parse_query(text)
            want = search_records(q, contacts, conversations)
            got = index.search(q)
            cached = search_database(db, q)
            ok = got == want
            print(
                f"  {text:<34} {len(want):>6} hits   FTS5 {'same' if ok else 'DIFFERENT'}"
                f"   cache {'same' if cached == want else 'DIFFERENT'}"
            )
            if not ok:
                wrong.append(text)
        checked, differ, examples = fuzz(args.fuzz)
        print(f"  fuzz (seeded, tricky text): {differ} of {checked} answers differ")
        for example in examples[:5]:
            print("   ", example)

        rng = random.Random(1)
        vocabulary = sorted({w for v in conversations[:5000] for w in words(" ".join(v.texts()))})
        sample = rng.sample(vocabulary, min(300, len(vocabulary)))
        sample += ["café", "cafe", "jose", "πελαργος", "straße", "strasse", "東京", "東", "o", "s"]
        count, differ_words = naive_differences(conversations[:20000], sample)
        print(
            f"\nFTS5's own tokenizer (unicode61 remove_diacritics 2) on the raw text, 20,000"
            f" conversations: {count} of {len(sample)} words find other records than netui"
        )
        for line in differ_words[:8]:
            print("   ", line)
        constructed = constructed_differences()
        print(f"  and {len(constructed)} of {len(CONSTRUCTED)} constructed cases:")
        for line in constructed:
            print("   ", line)

        print(f"\none query as a whole process (median of {args.runs}, after a warm-up; peak MiB):")
        me = [sys.executable, "-m", "bench.bench_fts", "--one-shot"]
        for word in ("quillwort", "zanzibarite", "πελαργός"):
            line = f"  {word:<12}"
            for kind in ("cache", "fts"):
                seconds, peak, out = _process([*me, kind, str(root), word], args.runs)
                line += f"  {kind} {_ms(seconds)} {peak:5.0f} MiB {out.count(chr(10)):>5} lines"
            print(line)
        floor, _, _ = _process([sys.executable, "-c", "pass"], args.runs)
        imports, _, _ = _process(
            [sys.executable, "-c", "import netui.core.search.cached, sqlite3"], args.runs
        )
        print(f"  floors: python -c pass {_ms(floor)}, the imports alone {_ms(imports)}")

        print("\nin the app: one query, limit 100 (median / p95 of the bench_search queries):")
        from bench.bench_search import QUERIES as APP_QUERIES

        start = time.perf_counter()
        memory = SearchIndex.build(contacts, conversations)
        print(f"  in-memory SearchIndex build {_ms(time.perf_counter() - start)}")
        worst = {"SearchIndex": 0.0, "FTS5": 0.0}
        for text in APP_QUERIES:
            q = parse_query(text)
            for name, run in (
                ("SearchIndex", lambda q=q: memory.search(q, limit=100)),
                ("FTS5", lambda q=q: index.search(q, limit=100)),
            ):
                times = []
                for _ in range(max(3, args.runs)):
                    memory.forget_cache()
                    times.append(_timed(run))
                worst[name] = max(worst[name], _p95(times))
        print(f"  worst p95: SearchIndex {_ms(worst['SearchIndex'])}   FTS5 {_ms(worst['FTS5'])}")
        for text in TYPED:
            slow = max(
                _timed(lambda t=text[:end]: index.search(parse_query(t), limit=100))
                for end in range(1, len(text) + 1)
            )
            print(f"  FTS5 typing {text!r}: slowest keystroke {_ms(slow)}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory of this process (corpus + both indexes): {peak:.0f} MiB")
        index.close()
        if wrong:
            print(f"\nFTS5 answered differently for: {wrong}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
