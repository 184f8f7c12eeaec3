"""Search in the app: index build time and the time of one query, per keystroke.

Usage:
    python -m bench.bench_search [--contacts 10000] [--conversations 100000] [--runs 20]

Run by `bench/run` at the large size (see bench/README.md): it then reads the corpus's netui
database from NETUI_BENCH_DB (and NETUI_BENCH_RUNS, NETUI_BENCH_MANIFEST); run by hand it
builds the same seeded corpus in memory (bench/generate.py). It prints, per query, the median
and 95th percentile of `SearchIndex.search(query, limit=100)` with the caches emptied before
every run (the cost of a query never seen before), then the keystrokes of typing two queries
letter by letter (caches kept, as in the TUI), and `BENCH {json}` lines for the table.
The goal (issue 5): at most 16 ms per keystroke at 10,000 contacts and 100,000 conversations.
`netui search` as a whole process, next to `jrnl -contains`, is timed by `bench/run` itself.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date

from bench.generate import DEFAULT_SEED, PRIMARY_MARKER, build
from netui.core.db.store import Store
from netui.core.model import Contact, Conversation
from netui.core.search.engine import SearchIndex, parse_query, search_records

QUERIES = [
    "e",  # one letter: nearly every record
    "estate",
    "estate planning",
    '"estate planning"',
    "estate -sailing",
    "plan*",
    "zoe",
    "jose",
    PRIMARY_MARKER,
    "zanzibarite",
    "πελαργός",
    "name:dana",
    "tag:legal berlin",
    "stage:coffee company:a",
    "at:mixer since:2024-01-01",
    "channel:email before:2018-01-01",
    "on:2020-02-03",
    "the a to",  # common words, ANDed
    '"thank you for your time"',
    "lawyer estate -golf",
]
TYPED = ["estate planning", "quillwort berlin"]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def _timed(action: Callable[[], object], runs: int, before: Callable[[], None]) -> list[float]:
    times = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def _p95(times: list[float]) -> float:
    return sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def _records(args: argparse.Namespace) -> tuple[list[Contact], list[Conversation], str]:
    db = os.environ.get("NETUI_BENCH_DB")
    start = time.perf_counter()
    if db:
        with Store.open(db) as store:
            contacts = list(store.contacts_by_id.values())
            conversations = store.all_conversations()
        where = "read from NETUI_BENCH_DB"
    else:
        plan = build(args.contacts, args.conversations, args.seed)
        contacts, conversations, where = plan.contacts, plan.conversations, "generated"
    seconds = time.perf_counter() - start
    return contacts, conversations, f"{where} in {seconds:.1f} s"


def _planted() -> tuple[str, int] | None:
    """The primary marker and how many conversations carry it, when the runner says."""
    path = os.environ.get("NETUI_BENCH_MANIFEST")
    if not path:
        return None
    with open(path, encoding="utf-8") as manifest_file:
        manifest = json.load(manifest_file)
    word = manifest["primary_marker"]
    return word, manifest["markers"][word]


def _bench_line(operation: str, seconds: float, check: str = "", **extra: object) -> None:
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fields = {"operation": operation, "value_ms": round(seconds * 1000, 2), **extra}
    fields.update(peak_mib=round(peak_mib), check=check)
    print("BENCH " + json.dumps(fields, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("NETUI_BENCH_RUNS", 20)))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    runs = max(5, args.runs)

    contacts, conversations, how = _records(args)
    print(f"corpus: {len(contacts):,} contacts, {len(conversations):,} conversations ({how})")
    gc.collect()
    start = time.perf_counter()
    index = SearchIndex.build(contacts, conversations)
    build_s = time.perf_counter() - start
    print(f"index build:               {_ms(build_s)}")
    start = time.perf_counter()
    scanned = search_records(PRIMARY_MARKER, contacts, conversations)
    scan_s = time.perf_counter() - start
    print(f"scan, no index (the CLI):  {_ms(scan_s)}  ({len(scanned)} hits, no limit)")

    edited = contacts[0].replace(title="Quillwort grower")
    logged = Conversation(edited.id, date(2030, 1, 1), note="A fresh quillwort note.")
    start = time.perf_counter()
    fresh = index.updated([edited, *contacts[1:]], [*conversations, logged])
    update_s = time.perf_counter() - start
    newest = fresh.search(PRIMARY_MARKER, limit=3)
    assert newest[0].contact_id == edited.id and newest[1].conversation_id == logged.id
    print(f"index update (1 contact edited, 1 conversation logged): {_ms(update_s)}")

    print(f"\nper query, uncached, limit=100, {runs} runs       median          p95   hits")
    worst = 0.0
    for text in QUERIES:
        query = parse_query(text)
        times = _timed(lambda q=query: index.search(q, limit=100), runs, index.forget_cache)
        worst = max(worst, _p95(times))
        count = len(index.search(query, limit=100))
        print(f"  {text:<38} {_ms(statistics.median(times))} {_ms(_p95(times))}  {count:>5}")
    print(f"worst p95: {_ms(worst)}  (goal: 16 ms)")

    print("\ntyping letter by letter (parse + search, caches kept as in the TUI):")
    slowest = 0.0
    for text in TYPED:
        index.forget_cache()
        keystrokes = []
        for end in range(1, len(text) + 1):
            start = time.perf_counter()
            index.search(parse_query(text[:end]), limit=100)
            keystrokes.append(time.perf_counter() - start)
        slowest = max(slowest, max(keystrokes))
        print(
            f"  {text!r}: median {_ms(statistics.median(keystrokes))}, "
            f"slowest {_ms(max(keystrokes))} over {len(keystrokes)} keystrokes"
        )

    check = "ok"
    planted = _planted()
    if planted:
        word, want = planted
        got = sum(hit.kind == "conversation" for hit in index.search(word))
        check = "ok" if got == want else f"index found {got} {word}, {want} planted"
    met = "ok" if worst <= 0.016 and slowest <= 0.016 else "missed"
    _bench_line(
        f"search: one query in the app (worst p95 of {len(QUERIES)}, uncached)",
        worst,
        check if met == "ok" else f"{check}; target missed",
        target_ms=16,
    )
    _bench_line("search: slowest keystroke typing a query", slowest, target_ms=16)
    _bench_line("search: index build (once, in a worker)", build_s)
    _bench_line("search: index update after an edit and a log", update_s)
    _bench_line("search: one-shot scan without an index (100k, no limit)", scan_s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
