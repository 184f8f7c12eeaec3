"""kill -9 a writer at random moments, then check the survivor against what was acknowledged.

Shared by the test suite (60 kills, marked slow) and bench/faults_long.py (500).
"""

from __future__ import annotations

import json
import random
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.faults import ops
from bench.faults.helpers import collect, open_store, start_writer, temp_files
from netui.core.db.storage import JOURNAL


@dataclass
class KillStats:
    kills: int = 0
    acknowledged: int = 0  # writes the child reported done, all found intact
    unacknowledged_extra: int = 0  # a write that landed but was killed before its ack
    journals_replayed: int = 0  # killed after the commit point: the reopen finished the write
    temps_dropped: int = 0  # killed before the commit point: half-written temps thrown away

    def __str__(self) -> str:
        return (
            f"{self.kills} kills, {self.acknowledged} acknowledged writes all intact, "
            f"{self.unacknowledged_extra} unacknowledged writes landed, "
            f"{self.journals_replayed} kills after the commit point (journal replayed), "
            f"{self.temps_dropped} kills mid-write (temp files dropped)"
        )


def kill_rounds(root: Path, rounds: int, seed: int, max_delay: float = 0.12) -> KillStats:
    """Start a writer, kill -9 it after a random delay, verify; `rounds` times."""
    rng = random.Random(seed)
    stats = KillStats()
    done = 0  # writes 0..done-1 are in the database
    for _ in range(rounds):
        child = start_writer("sequence", str(root), str(done))
        # Wait for the first acknowledged write, then kill at a random moment among the next
        # ones: on a loaded machine a fixed delay from the start can fall before any write.
        assert child.stdout is not None
        first = child.stdout.readline()
        time.sleep(rng.uniform(0, max_delay))
        child.send_signal(signal.SIGKILL)
        out, err = collect(child)
        out = first + out
        assert child.returncode == -signal.SIGKILL, err
        acks = [int(line.split()[1]) for line in out.splitlines() if line.startswith("ack ")]
        assert acks == list(range(done, done + len(acks))), acks
        stats.kills += 1
        stats.acknowledged += len(acks)
        stats.journals_replayed += (root / JOURNAL).exists()
        stats.temps_dropped += bool(temp_files(root)) and not (root / JOURNAL).exists()
        done += len(acks)
        extra = _check_survivor(root, done)
        done += extra
        stats.unacknowledged_extra += extra
    return stats


def _check_survivor(root: Path, acknowledged: int) -> int:
    """Open the database; it must hold writes 0..acknowledged-1, plus at most the next one."""
    with open_store(root) as store:
        store.load_conversations()
        got = ops.observed(store)
    assert not temp_files(root), temp_files(root)
    assert not (root / JOURNAL).exists()
    for extra in (0, 1):
        if got == ops.expected(acknowledged + extra):
            return extra
    want = ops.expected(acknowledged)
    raise AssertionError(
        "after the kill the database differs from every acknowledged state:\n"
        + json.dumps(_diff(want, got), indent=1, default=str)[:3000]
    )


def _diff(want: dict, got: dict) -> dict:
    out = {}
    for key in want:
        if isinstance(want[key], dict):
            missing = {k: v for k, v in want[key].items() if got[key].get(k) != v}
            extra = {k: v for k, v in got[key].items() if k not in want[key]}
            if missing or extra:
                out[key] = {"expected but not found": missing, "found but not expected": extra}
        elif want[key] != got[key]:
            out[key] = {"expected": want[key], "found": got[key]}
    return out


if __name__ == "__main__":  # a quick manual run
    import tempfile

    print(kill_rounds(Path(tempfile.mkdtemp()) / "db", int(sys.argv[1]), seed=1))
