"""Timing a whole process and its peak memory, the way a user at a shell would feel it.

Each run is one fresh process: the wall time from fork to exit and its peak resident memory,
both taken by `launch.py` (a small process, so the peak is the command's own; see there why).
One untimed warm-up run first puts every tool's files in the page cache, then the median of N.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Command = Sequence[str]
LAUNCHER = Path(__file__).resolve().with_name("launch.py")
# The fewest runs of a netui command or a floor (~0.1 s each), whatever --runs says: a median of
# 3 swung by +-20% between two runs on a shared 2-core VM (search: 80 -> 121 ms, same code).
NETUI_RUNS = 11


@dataclass(frozen=True)
class Run:
    """One process: how long it took, how much memory it peaked at, and what it said."""

    seconds: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str

    @property
    def error(self) -> str | None:
        """The first line of stderr when the process failed, else None."""
        if self.returncode == 0:
            return None
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[-1].strip() if lines else f"exit status {self.returncode}"


@dataclass
class Timing:
    """The runs of one command: the median is what the table shows."""

    runs: list[Run] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mib(self) -> float:
        return max(r.peak_mib for r in self.runs)

    @property
    def last(self) -> Run:
        return self.runs[-1]

    @property
    def error(self) -> str | None:
        return next((r.error for r in self.runs if r.error), None)


def run_once(command: Command, env: dict[str, str], timeout: float = 600.0) -> Run:
    """Run through `launch.py`, which times the command and reads its own rusage."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as report,
    ):
        launcher = [sys.executable, "-S", "-I", str(LAUNCHER), report.name, *command]
        proc = subprocess.Popen(
            launcher,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            start_new_session=True,
        )
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        fields = report.read().split()
        if len(fields) != 3:
            seconds, peak_kib, code = timeout, 0, -9
            stderr += f"\nkilled after {timeout:.0f} s"
        else:
            seconds, peak_kib, code = float(fields[0]), int(fields[1]), int(fields[2])
        return Run(
            seconds=seconds,
            peak_mib=peak_kib / 1024,  # ru_maxrss is in KiB on Linux
            returncode=code,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=stderr,
        )


def time_command(
    command: Command | Callable[[int], Command],
    env: dict[str, str],
    runs: int,
    *,
    warmup: int = 1,
) -> Timing:
    """Median of `runs` fresh processes after `warmup` untimed ones; stops at the first failure.

    `command` may be a function of the run number, for commands that must differ per run.
    """
    make = command if callable(command) else (lambda _i: command)
    timing = Timing()
    for i in range(warmup + runs):
        run = run_once(make(i), env)
        if run.error:
            return Timing([run])
        if i >= warmup:
            timing.runs.append(run)
    return timing


def time_in_process(action: Callable[[], object], runs: int) -> float:
    """Median seconds of an in-process action (for floors such as append + fsync)."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def append_fsync(path: str) -> Callable[[], None]:
    """An action appending one line to `path` and fsyncing it: the floor of a durable write."""
    line = b'{"stage": "thanked", "on": "2025-06-30"}\n'

    def action() -> None:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    return action
