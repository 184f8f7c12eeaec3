"""The side-by-side table and bench/RESULTS.md: rows, targets, the machine they ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.measure import NETUI_RUNS

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Target:
    """A goal (issues 8 and 12): a speed ratio over the peer, or a ceiling in milliseconds / MiB."""

    text: str
    ratio: float | None = None  # peer time / netui time at least this
    max_ms: float | None = None
    max_mib: float | None = None


@dataclass
class Row:
    """One operation: netui's median and peak next to a peer's (or a floor's)."""

    operation: str
    netui: str = ""  # the command, as shown
    netui_s: float | None = None
    netui_peak: float | None = None
    peer: str = ""
    peer_s: float | None = None
    peer_peak: float | None = None
    target: Target | None = None
    check: str = ""  # "ok", or what was wrong with an answer
    note: str = ""
    command: list[str] | None = None  # netui's full command line, to profile a missed target

    @property
    def ratio(self) -> float | None:
        if self.netui_s and self.peer_s:
            return self.peer_s / self.netui_s
        return None

    @property
    def met(self) -> bool | None:
        if self.target is not None and self.target.max_mib is not None:
            return self.netui_peak is not None and self.netui_peak <= self.target.max_mib
        if self.target is None or self.netui_s is None:
            return None
        if self.target.ratio is not None:
            return self.ratio is not None and self.ratio >= self.target.ratio
        if self.target.max_ms is not None:
            return self.netui_s * 1000 <= self.target.max_ms
        return None


@dataclass
class SizeResult:
    size: str
    contacts: int
    conversations: int
    rows: list[Row] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)  # (script, output) unparsed
    profiles: dict[str, str] = field(default_factory=dict)  # operation -> top of the profile
    breakdowns: dict[str, str] = field(default_factory=dict)  # operation -> where time goes


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 1:
        return f"{value * 1000:.3g} ms"
    return f"{value:.3g} s"


def mib(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _verdict(row: Row) -> str:
    met = row.met
    if met is None:
        return ""
    return "**yes**" if met else "**NO**"


def table(rows: list[Row]) -> str:
    head = (
        "| operation | netui | time | peak MiB | compared with | time | peak MiB "
        "| ratio | target | met | answer |"
    )
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        ratio = f"{r.ratio:.1f}x" if r.ratio else "-"
        cells = [
            r.operation,
            f"`{r.netui}`" if r.netui else "-",
            seconds(r.netui_s),
            mib(r.netui_peak),
            f"`{r.peer}`" if r.peer else "-",
            seconds(r.peer_s),
            mib(r.peer_peak),
            ratio,
            r.target.text if r.target else "",
            _verdict(r),
            r.check + (f" ({r.note})" if r.note else ""),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def commit() -> str:
    """HEAD's short hash, and whether tracked files differed from it (others' work in progress)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (with uncommitted changes)" if dirty else head


def machine(python_version: str) -> list[str]:
    """The machine as the run starts: CPU, OS, Python, date, commit and how busy it was."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores",
        f"- OS: {platform.system()} {platform.release()}",
        f"- Python (netui): {python_version}",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, commit {commit()}",
        f"- Load average at start (1, 5, 15 min): {load} (a shared machine: other work ran too)",
    ]


def results_markdown(
    results: list[SizeResult], command: str, runs: int, machine_lines: list[str]
) -> str:
    parts = [
        "# Benchmarks: netui side by side with jrnl and khard",
        "",
        "Produced by this exact command, from the repository root:",
        "",
        f"    {command}",
        "",
        *machine_lines,
        "",
        f"Every time is the median of fresh processes after one untimed warm-up run (so every "
        f"tool reads from a warm page cache): {runs} of a peer's command, and at least "
        f"{max(runs, NETUI_RUNS)} of netui's and of a floor (~0.1 s each; a median of 3 swung by "
        "+-20% on this shared VM); peak memory is the largest resident "
        "set of those runs (`os.wait4` rusage of the process itself). Ratios are the peer's "
        "median over netui's. Every answer is checked against the counts planted by "
        "`bench/generate.py` (see each corpus's `manifest.json`). The targets of issue 12 "
        "apply at the large size; the small size is shown for the trend, the scale size "
        "(netui alone) for how each cost grows.",
        "",
    ]
    for result in results:
        parts += [
            f"## {result.size}: {result.contacts:,} contacts, "
            f"{result.conversations:,} conversations",
            "",
            table(result.rows),
            "",
        ]
        for name, text in result.extra:
            parts += [
                f"Output of `{name}` (no `BENCH` lines to parse):",
                "",
                "```",
                text,
                "```",
                "",
            ]
        for operation, profile in result.profiles.items():
            if result.breakdowns.get(operation):
                parts += [
                    f"Where `{operation}` spends its time: {result.breakdowns[operation]}",
                    "",
                ]
            parts += [
                f"Profile of `{operation}` (a target missed; cProfile: netui's functions by "
                "cumulative time, then all by own time):",
                "",
                "```",
                profile,
                "```",
                "",
            ]
    parts += [
        "## Notes",
        "",
        "- jrnl 4.6 writes its journal with a temp file and `os.replace`, without fsync; "
        "netui fsyncs every file and its folder before a command returns.",
        "- `khard list` parses every .vcf file on each run; `netui list` reads 32 contact "
        "shards and never touches the diary.",
        "- Floors: `rg -c` is the fastest whole-process text search over the same notes; "
        "`python -c pass` is the interpreter's start-up; `python -c \"import json, "
        'pathlib"` the least a Python tool reading JSON files imports; append + fsync of '
        "one line is the least a durable change can cost (measured in-process).",
        "",
    ]
    return "\n".join(parts)
