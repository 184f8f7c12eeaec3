"""The undo log under repeated bulk imports: its size, and what it costs `netui add`.

Usage: python bench/bench_undo.py [--imports N] [--rows R] [--runs K]
Imports the same R-row CSV N times (each import rewrites every row: a note column changes),
then prints the size of undo.json and the median wall time of K `netui add` processes.
Before the byte budget, 41 imports of 5,000 rows made undo.json 183 MB and `netui add` 21 s.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_csv(path: Path, rows: int, round_no: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Name", "Company", "Email", "Notes"])
        for n in range(rows):
            out.writerow(
                [f"Person {n:05d}", f"Firm {n % 97}", f"p{n}@example.org", f"import {round_no}"]
            )


def netui(db: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "netui", "--db", str(db), *args],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imports", type=int, default=50)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="netui-bench-undo-") as tmp:
        db, sheet = Path(tmp) / "db", Path(tmp) / "people.csv"
        netui(db, "add", "Warm Up")
        base = statistics.median(netui(db, "add", f"Before {n}") for n in range(args.runs))
        took = []
        for n in range(args.imports):
            write_csv(sheet, args.rows, n)
            took.append(netui(db, "import", str(sheet)))
        size = (db / "undo.json").stat().st_size
        after = statistics.median(netui(db, "add", f"After {n}") for n in range(args.runs))
        each = statistics.median(took)
        print(f"{args.imports} imports of {args.rows} rows: median import {each:.2f} s")
        print(f"undo.json after them: {size / 1e6:.2f} MB")
        runs = f"median of {args.runs}"
        print(f"netui add: {base * 1000:.0f} ms before, {after * 1000:.0f} ms after ({runs})")


if __name__ == "__main__":
    main()
