"""The fault machinery: what `tests/faults/` (short runs, every check once) and
`bench/faults_long.py` (the same checks hundreds of times) both drive.

It is not a test module, so the benchmarks never import the test suite, and it is not in
`netui/`, so the shipped package carries no test tools.

    helpers.py    a populated database, byte snapshots, the child-process writer's pipes
    ops.py        the deterministic write sequence a killed writer is checked against
    writer.py     that child process (`python -m bench.faults.writer`)
    kills.py      kill -9 rounds against the writer
    disk_full.py  ENOSPC at the k-th write of each kind of change
    crashes.py    a crash just before the k-th rename after the commit point
"""
