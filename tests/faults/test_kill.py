"""kill -9 during writes: every acknowledged write survives exactly, at most one extra lands."""

from __future__ import annotations

import pytest

from bench.faults.kills import kill_rounds

KILLS = 60


@pytest.mark.slow
def test_kill_9_at_random_moments_loses_no_acknowledged_write(tmp_path):
    stats = kill_rounds(tmp_path / "db", KILLS, seed=7)
    print(stats)
    assert stats.kills == KILLS
    # The kills must really land inside commits, on both sides of the commit point,
    # or the test proves nothing.
    assert stats.temps_dropped + stats.journals_replayed + stats.unacknowledged_extra >= 5
    assert stats.acknowledged >= KILLS
