"""Search speed: index build, per-query time in process, and `netui search` as a whole process.

Usage:
    python -m bench.bench_search [--contacts 10000] [--conversations 100000] [--runs 20]
    python -m bench.bench_search --process     # also time `netui search` against `jrnl -contains`

The in-process part builds the benchmark corpus in memory (bench/generate.py, seeded) and
prints, per query, the median and 95th percentile of `SearchIndex.search(query, limit=100)`
with the caches emptied before every run (the cost of a query never seen before), then the
keystrokes of typing two queries letter by letter (caches kept, as in the TUI).
The goal (issue 5): at most 16 ms per query at 10,000 contacts and 100,000 conversations.

`--process` uses the cached large corpus on disk (`bench.generate.ensure_corpus`) and times
`netui search QUERY --limit 20` against `jrnl -contains QUERY -n 20` on the same notes;
`jrnl` must be on PATH (jrnl 4.6 from PyPI), else only netui is timed.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from bench.generate import DEFAULT_SEED, PRIMARY_MARKER, build, ensure_corpus
from netui.core.search import SearchIndex, parse_query, search_records

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


def in_process(contacts: int, conversations: int, runs: int, seed: int) -> None:
    start = time.perf_counter()
    plan = build(contacts, conversations, seed)
    print(
        f"corpus: {contacts:,} contacts, {conversations:,} conversations "
        f"(generated in {time.perf_counter() - start:.1f} s)"
    )
    gc.collect()
    start = time.perf_counter()
    index = SearchIndex.build(plan.contacts, plan.conversations)
    print(f"index build:               {_ms(time.perf_counter() - start)}")
    start = time.perf_counter()
    hits = search_records(PRIMARY_MARKER, plan.contacts, plan.conversations, limit=20)
    print(f"scan without index (CLI):  {_ms(time.perf_counter() - start)}  ({len(hits)} hits)")

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
    for text in TYPED:
        index.forget_cache()
        keystrokes = []
        for end in range(1, len(text) + 1):
            start = time.perf_counter()
            index.search(parse_query(text[:end]), limit=100)
            keystrokes.append(time.perf_counter() - start)
        print(
            f"  {text!r}: median {_ms(statistics.median(keystrokes))}, "
            f"slowest {_ms(max(keystrokes))} over {len(keystrokes)} keystrokes"
        )


def _wall(argv: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def whole_process(runs: int, seed: int) -> None:
    corpus = ensure_corpus("large", seed)
    env = {**os.environ, "NETUI_DB": str(corpus.netui_db)}
    netui = [sys.executable, "-m", "netui", "search", "--limit", "20"]
    print(f"\nwhole process on {corpus.root.name}, median of {runs}:")
    jrnl = shutil.which("jrnl")
    for word in (PRIMARY_MARKER, "estate"):
        ours = _wall([*netui, word], runs, env)
        line = f"  netui search {word!r}: {_ms(ours)}"
        if jrnl:
            theirs = _wall(
                [jrnl, "--config-file", str(corpus.jrnl_config), "-contains", word, "-n", "20"],
                runs,
                env,
            )
            line += f"   jrnl -contains: {_ms(theirs)}   ratio {theirs / ours:5.1f}x"
        print(line)
    if not jrnl:
        print("  (jrnl not on PATH: install jrnl==4.6 to compare)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--process", action="store_true", help="also time whole processes")
    args = parser.parse_args(argv)
    in_process(args.contacts, args.conversations, args.runs, args.seed)
    if args.process:
        whole_process(max(3, args.runs // 4), args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
