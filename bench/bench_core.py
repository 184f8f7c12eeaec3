"""Whole-process cost of the core commands at the two corpus sizes.

Usage: python bench/bench_core.py [--runs N]
Prints the median wall time of `netui stage`, `netui add`, `netui log` and `netui list` as
whole processes, plus the in-process time of a durable stage change.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from netui.core.db.store import Store
from netui.core.model import Channel, Contact, Conversation, Stage, StageStep

SIZES = {"small": (1_000, 10_000), "large": (10_000, 100_000)}


def build(path: Path, contacts: int, conversations: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    start = date(2016, 1, 1)
    people = []
    for i in range(contacts):
        met = start + timedelta(days=rng.randrange(3800))
        stage = rng.choice(list(Stage))
        people.append(
            Contact(
                name=f"Person {i} {rng.choice(['Kim', 'Núñez', 'Søren', 'Zoë', '王'])}",
                company=f"Company {rng.randrange(500)}",
                met_on=met,
                stage=stage,
                stage_history=[StageStep(stage, met)],
                tags=[f"tag{rng.randrange(20)}"],
            )
        )
    convs = [
        Conversation(
            contact_id=rng.choice(people).id,
            on=start + timedelta(days=rng.randrange(3800)),
            channel=rng.choice(list(Channel)),
            note=" ".join(rng.choice(WORDS) for _ in range(40)),
        )
        for _ in range(conversations)
    ]
    with Store.open(path) as store:
        store.import_batch(contacts=people, conversations=convs, undoable=False)
    return [p.id for p in people]


WORDS = ["estate", "planning", "referral", "sailing", "coffee", "lunch", "intro", "podcast"]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    netui = [sys.executable, "-m", "netui"]
    print(f"{'size':<7} {'operation':<34} {'median ms':>10}")
    for size, (n_contacts, n_convs) in SIZES.items():
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "db"
            t = time.perf_counter()
            ids = build(db, n_contacts, n_convs)
            took = 1000 * (time.perf_counter() - t)
            print(f"{size:<7} {'build corpus (one transaction)':<34} {took:>10.0f}")
            env = {**os.environ, "NETUI_DB": str(db)}
            stages = ["thanked", "called", "coffee", "met"]
            rows = {
                "netui stage (whole process)": [
                    timed([*netui, "stage", ids[i], stages[i % 4]], env) for i in range(args.runs)
                ],
                "netui log (whole process)": [
                    timed([*netui, "log", ids[i], "--note", "bench"], env) for i in range(args.runs)
                ],
                "netui add (whole process)": [
                    timed([*netui, "add", f"New {i}"], env) for i in range(args.runs)
                ],
                "netui list (whole process)": [
                    timed([*netui, "list"], env) for _ in range(args.runs)
                ],
            }
            with Store.open(db) as store:
                t = time.perf_counter()
                store.load_conversations()
                rows["load the whole diary (in process)"] = [time.perf_counter() - t]
                samples = []
                for i in range(args.runs * 4):
                    t = time.perf_counter()
                    store.set_stage(ids[i], stages[i % 4])
                    samples.append(time.perf_counter() - t)
                rows["stage change, durable (in process)"] = samples
            for name, samples in rows.items():
                print(f"{size:<7} {name:<34} {1000 * statistics.median(samples):>10.1f}")


if __name__ == "__main__":
    main()
