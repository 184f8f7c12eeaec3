"""The long fault runs of issue 7: the checks of tests/faults/, repeated many more times.

Usage (from the repository root):
    python -m bench.faults_long [--kills 500] [--writer-rounds 10] [--layouts 5] [--seed 1]

- kill -9: a writer killed at random moments; after each kill the database must hold every
  acknowledged write exactly, plus at most the one in flight;
- two writers: rounds of two processes adding 200 contacts each at once (exactly 400 more);
- disk full: ENOSPC at every write of every kind of change, over several shard layouts;
- crash after the commit point: the writer dies before each rename of each kind of change.

Prints what was tried and how often; exits 1 (with the failed check) if anything broke.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pendulum

from bench.faults import crashes, disk_full
from bench.faults.helpers import collect, go, open_store, populate, start_writer
from bench.faults.kills import kill_rounds

EACH = 200


def kills(scratch: Path, count: int, seed: int) -> str:
    return str(kill_rounds(scratch / "kills", count, seed))


def two_writers(scratch: Path, rounds: int) -> str:
    root = scratch / "writers"
    open_store(root).close()
    for n in range(1, rounds + 1):
        writers = [start_writer("add", str(root), f"R{n}{side}", str(EACH)) for side in "LR"]
        for child in writers:
            go(child)
        for child in writers:
            out, err = collect(child)
            assert child.returncode == 0 and out.strip() == "done", err
        with open_store(root) as store:
            assert len(store.contacts()) == 2 * EACH * n, f"round {n}: writes lost"
    return f"{rounds} rounds of 2 x {EACH} concurrent adds: {2 * EACH * rounds} contacts, none lost"


def layouts(scratch: Path, count: int, name: str):
    """`count` freshly populated databases (random ids: each spreads over other shards)."""
    for n in range(count):
        root = scratch / f"{name}-{n}" / "db"
        yield root, populate(root)


def disk_full_everywhere(scratch: Path, count: int) -> str:
    tried = 0
    for n, template in enumerate(layouts(scratch, count, "disk")):
        for name, change in disk_full.CHANGES.items():
            writes = disk_full.count_writes(template, scratch / f"count-{n}-{name}", change)
            for k in range(1, writes + 1):
                disk_full.check_disk_full(template, scratch / f"full-{n}-{name}-{k}", name, k)
                tried += 1
    kinds = len(disk_full.CHANGES)
    return f"{tried} disk-full faults ({kinds} kinds of change x every write x {count} layouts)"


def crashes_after_commit(scratch: Path, count: int) -> str:
    tried = 0
    with pendulum.travel_to(pendulum.datetime(2026, 3, 20, 12), freeze=True):
        for n, template in enumerate(layouts(scratch, count, "crash")):
            for name, change in crashes.CHANGES.items():
                new = crashes.after_change(template, scratch / f"new-{n}-{name}", change)
                renames = crashes.data_renames(template, scratch / f"count-{n}-{name}", change)
                for k in range(1, renames + 1):
                    where = scratch / f"crash-{n}-{name}-{k}"
                    crashes.check_crash_before_rename(template, where, name, k, new)
                    tried += 1
    kinds = len(crashes.CHANGES)
    return f"{tried} crashes before a rename ({kinds} kinds of change x each x {count} layouts)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=500)
    parser.add_argument("--writer-rounds", type=int, default=10)
    parser.add_argument("--layouts", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    runs = [
        ("kill -9 during writes", lambda d: kills(d, args.kills, args.seed)),
        ("two writers", lambda d: two_writers(d, args.writer_rounds)),
        ("disk full", lambda d: disk_full_everywhere(d, args.layouts)),
        ("crash after the commit point", lambda d: crashes_after_commit(d, args.layouts)),
    ]
    for title, run in runs:
        with tempfile.TemporaryDirectory(prefix="netui-faults-") as scratch:
            started = time.perf_counter()
            try:
                result = run(Path(scratch))
            except AssertionError as exc:
                print(f"{title}: FAILED: {exc}")
                return 1
            print(f"{title}: {result} ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
