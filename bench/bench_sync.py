"""`netui sync` as a whole process at 10k contacts / 100k conversations (or any size).

Usage: python -m bench.bench_sync [--contacts N] [--conversations N] [--runs N]

Two devices (laptop, desktop) and a bare remote in a temporary folder, from the benchmark
corpus (bench/generate.py). Prints the median wall time of:
  - the first sync (set up: git init, commit everything, push) and the clone of the other device,
  - a sync with nothing to do,
  - a sync that sends 100 changes, and one that receives those 100 while sending 100 of its own
    (a merge by record).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.generate import generate
from netui.core.config import Settings
from netui.core.db.store import Store
from netui.core.model import Conversation


def netui(db: Path, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "netui", "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, done.stdout.strip()


def hundred_changes(db: Path, tag: str) -> None:
    """50 edited contacts and 50 new diary entries: 100 records changed."""
    with Store.open(db, settings=Settings()) as store:
        people = store.contacts()[:: max(1, len(store.contacts()) // 50)][:50]
        for person in people:
            store.update_contact(person.id, tags=[*person.tags, tag])
        for person in people:
            store.log(Conversation(contact_id=person.id, on=date(2026, 11, 30), note=tag))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="netui-bench-sync-"))
    try:
        home = work / "home"
        home.mkdir()
        (home / ".gitconfig").write_text("[user]\n\tname = Bench\n\temail = bench@localhost\n")
        os.environ["GIT_CONFIG_GLOBAL"] = str(home / ".gitconfig")
        corpus = generate(work / "corpus", args.contacts, args.conversations, 7)
        laptop, desktop, remote = work / "laptop", work / "desktop", work / "remote.git"
        shutil.copytree(corpus.netui_db, laptop)
        subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
        print(f"{args.contacts} contacts / {args.conversations} conversations")
        seconds, said = netui(laptop, "sync", "--remote", str(remote))
        print(f"first sync (set up, push all): {seconds * 1000:7.0f} ms  [{said[-40:]}]")
        seconds, said = netui(desktop, "sync", "--remote", str(remote))
        print(f"bring to a new device:         {seconds * 1000:7.0f} ms  [{said[-40:]}]")
        idle = [netui(laptop, "sync")[0] for _ in range(args.runs)]
        print(f"nothing to do (median of {args.runs}):  {statistics.median(idle) * 1000:7.0f} ms")
        send, merge = [], []
        for run in range(args.runs):
            hundred_changes(desktop, f"desk{run}")
            seconds, said = netui(desktop, "sync")
            send.append(seconds)
            hundred_changes(laptop, f"lap{run}")
            seconds, said_merge = netui(laptop, "sync")
            merge.append(seconds)
        print(f"send 100 changes (median):     {statistics.median(send) * 1000:7.0f} ms  [{said}]")
        print(
            f"send 100, receive 100, merge:  {statistics.median(merge) * 1000:7.0f} ms  "
            f"[{said_merge}]"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
