"""netui next to jrnl and khard, whole processes, in one run: the table of issue 8.

    bench/run [--size small|large|both] [--runs N] [--no-results] [--no-app]

Installs the peers into bench/.venvs, generates (or reuses) the corpus, measures every row,
checks every answer against the planted counts, prints the table and writes bench/RESULTS.md.
Exits 1 when an answer was wrong, so a fast wrong answer never passes for a result.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from bench import peers
from bench.generate import DATA_DIR, SIZES, Corpus, ensure_corpus
from bench.measure import (
    NETUI_RUNS,
    Timing,
    append_fsync,
    run_once,
    time_command,
    time_in_process,
)
from bench.report import (
    ROOT,
    Row,
    SizeResult,
    Target,
    machine,
    results_markdown,
    seconds,
    table,
)

# The goals of issue 12 (ratios: shared machines drift, side by side they do not).
SEARCH_TARGET = Target(">= 25x faster", ratio=25)
LIST_TARGET = Target(">= 30x faster", ratio=30)
CAPTURE_TARGET = Target(">= 30x faster", ratio=30)
MEMORY_CEILING_MIB = 250
WITH_PEERS = ("small", "large")  # at "scale" netui runs alone: a peer run takes minutes
APP_SCRIPTS = ("bench_search.py", "bench_tui.py")
# What any Python command line that reads JSON files imports: the floor under netui's imports.
IMPORTS_FLOOR = "import json, pathlib"
JRNL_ENTRY = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d\] ", re.MULTILINE)


@dataclass
class Bench:
    """What every row needs: the corpus, a scratch copy to write into, and the tools."""

    corpus: Corpus
    manifest: dict[str, Any]
    scratch: Path
    runs: int
    env: dict[str, str]
    netui: str
    jrnl: str
    khard: str

    def netui_cmd(self, *args: str, db: Path | None = None) -> list[str]:
        return [self.netui, "--db", str(db or self.corpus.netui_db), *args]

    def jrnl_cmd(self, *args: str, config: Path | None = None) -> list[str]:
        return [self.jrnl, "--config-file", str(config or self.corpus.jrnl_config), *args]

    def khard_cmd(self, *args: str) -> list[str]:
        return [self.khard, "-c", str(self.corpus.khard_config), *args]

    def time(self, command: Any) -> Timing:
        """A peer's command (seconds a run): the median of `runs`."""
        return time_command(command, self.env, self.runs)

    def time_netui(self, command: Any) -> Timing:
        """A netui command or a floor (~0.1 s a run): the median of at least NETUI_RUNS, as a
        median of 3 swung by +-20% between runs on a shared 2-core VM (search: 80 -> 121 ms)."""
        return time_command(command, self.env, max(self.runs, NETUI_RUNS))


def isolated_env(scratch: Path) -> dict[str, str]:
    """No tool reads or writes the user's own config or data while measured."""
    env = dict(os.environ)
    for name in ("CONFIG", "DATA", "CACHE", "STATE"):
        folder = scratch / "xdg" / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(folder)
    env.pop("NETUI_DB", None)
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", COLUMNS="120", LINES="40", NO_COLOR="1")
    return env


def _counted(want: int, got: int | None, what: str) -> str:
    if got is None:
        return f"WRONG: could not count {what}"
    return "ok" if got == want else f"WRONG: {got} {what}, planted {want}"


def _all_ok(*checks: str) -> str:
    """One answer cell for several checks: "ok" once, or every distinct complaint."""
    return "; ".join(dict.fromkeys(checks))


def _is_conversation(item: dict) -> bool:
    return item.get("kind") == "conversation"


def _jrnl_found(run_stderr: str) -> int | None:
    """jrnl's own count line: "100 entries found" / "1 entry found" / "no entries found"."""
    if "no entries found" in run_stderr:
        return 0
    match = re.search(r"(\d+) entr(?:y|ies) found", run_stderr)
    return int(match.group(1)) if match else None


def _json_count(bench: Bench, command: list[str], keep: Callable[[dict], bool]) -> int | None:
    run = run_once(command, bench.env)
    if run.error:
        return None
    try:
        return sum(1 for item in json.loads(run.stdout) if keep(item))
    except (ValueError, TypeError, AttributeError):
        return None


def _fill(row: Row, netui: Timing | None = None, peer: Timing | None = None) -> Row:
    if netui is not None:
        row.netui_s, row.netui_peak = netui.median_s, netui.peak_mib
        if netui.error:
            row.netui_s, row.check = None, f"netui failed: {netui.error}"
    if peer is not None:
        row.peer_s, row.peer_peak = peer.median_s, peer.peak_mib
        if peer.error:
            row.peer_s, row.check = None, f"peer failed: {peer.error}"
    return row


def search_rows(bench: Bench) -> list[Row]:
    word = bench.manifest["primary_marker"]
    want = bench.manifest["markers"][word]
    limit = "0"  # every hit, as jrnl prints every entry found
    netui_args = ("search", word, "--limit", limit)
    netui = bench.time_netui(bench.netui_cmd(*netui_args))
    jrnl = bench.time(bench.jrnl_cmd("-contains", word))
    row = _fill(
        Row(
            f"search notes for a word ({want:,} hits)",
            f"netui search {word} --limit {limit}",
            peer=f"jrnl -contains {word}",
            target=SEARCH_TARGET,
            command=bench.netui_cmd(*netui_args),
        ),
        netui,
        jrnl,
    )
    if not row.check:
        got = _json_count(
            bench,
            bench.netui_cmd(*netui_args, "--json"),
            _is_conversation,
        )
        row.check = _all_ok(
            _counted(want, got, "netui hits"),
            _counted(want, _jrnl_found(jrnl.last.stderr), "jrnl entries"),
        )
    rows = [row]
    for marker, count in bench.manifest["markers"].items():
        if marker == word or netui.error:
            continue
        got = _json_count(
            bench,
            bench.netui_cmd("search", marker, "--limit", limit, "--json"),
            _is_conversation,
        )
        rows.append(
            Row(
                f"answer check: netui search {marker}",
                check=_counted(count, got, "netui hits"),
                note="not timed",
            )
        )
    return rows


def list_rows(bench: Bench) -> list[Row]:
    contacts = bench.manifest["active_contacts"]
    tag = bench.manifest["tag_marker"]
    tagged = bench.manifest["tags"][tag]
    rows = []
    for label, netui_args, khard_args, want in (
        (f"list contacts ({contacts:,})", ("list",), ("list",), contacts),
        (f"filter contacts by tag ({tagged:,})", ("list", "--tag", tag), ("list", tag), tagged),
    ):
        netui = bench.time_netui(bench.netui_cmd(*netui_args))
        khard = bench.time(bench.khard_cmd(*khard_args))
        row = _fill(
            Row(
                label,
                "netui " + " ".join(netui_args),
                peer="khard " + " ".join(khard_args),
                target=LIST_TARGET,
                command=bench.netui_cmd(*netui_args),
            ),
            netui,
            khard,
        )
        if not row.check:
            got = _json_count(bench, bench.netui_cmd(*netui_args, "--json"), lambda _item: True)
            # khard prints "Address book: NAME" and a header line above the rows.
            khard_rows = len(khard.last.stdout.splitlines()) - 2
            row.check = _all_ok(
                _counted(want, got, "netui rows"), _counted(want, khard_rows, "khard rows")
            )
        rows.append(row)
    return rows


def capture_rows(bench: Bench) -> list[Row]:
    """Durable captures into a scratch copy of the corpus (each run adds one entry)."""
    db = bench.scratch / "netui"
    shutil.copytree(bench.corpus.netui_db, db)
    journal = bench.scratch / "journal.txt"
    shutil.copyfile(bench.corpus.journal, journal)
    config = bench.scratch / "jrnl.yaml"
    config.write_text(
        bench.corpus.jrnl_config.read_text(encoding="utf-8").replace(
            json.dumps(str(bench.corpus.journal.resolve())), json.dumps(str(journal))
        ),
        encoding="utf-8",
    )
    who = bench.manifest["capture_contact"]["name"]
    note = "Sent a thank-you note; mentioned her sailing trip (run {})."

    def log_cmd(i: int) -> list[str]:
        return bench.netui_cmd("log", who, "--note", note.format(i), db=db)

    def add_cmd(i: int) -> list[str]:
        name, company = f"Bench Person {i}", "Pine & Oak Legal"
        return bench.netui_cmd(
            "add", name, "--company", company, "--note", "Met at the mixer.", db=db
        )

    log, add = bench.time_netui(log_cmd), bench.time_netui(add_cmd)
    jrnl = bench.time(lambda i: bench.jrnl_cmd(f"{who}: {note.format(i)}", config=config))
    stages = ("thanked", "called")
    stage = bench.time_netui(lambda i: bench.netui_cmd("stage", who, stages[i % 2], db=db))
    queue = bench.time_netui(bench.netui_cmd("queue", db=db))

    per_tool = len(log.runs) + 1  # + the warm-up
    added = len(add.runs) + 1
    netui_check = _netui_counts_check(
        db,
        contacts=bench.manifest["contacts"] + added,
        conversations=bench.manifest["conversations"] + per_tool + added,
    )
    jrnl_entries = len(JRNL_ENTRY.findall(journal.read_text(encoding="utf-8")))
    jrnl_check = _counted(
        bench.manifest["conversations"] + len(jrnl.runs) + 1, jrnl_entries, "jrnl entries"
    )
    rows = [
        _fill(
            Row(
                "capture: log a conversation",
                f"netui log '{who}' --note ...",
                peer="jrnl '<entry>'",
                target=CAPTURE_TARGET,
                command=log_cmd(-1),
            ),
            log,
            jrnl,
        ),
        _fill(
            Row(
                "capture: add a contact",
                "netui add NAME --company C --note ...",
                peer="jrnl '<entry>'",
                target=CAPTURE_TARGET,
                command=add_cmd(-1),
            ),
            add,
            jrnl,
        ),
        _fill(Row("stage change (whole process)", f"netui stage '{who}' thanked|called"), stage),
        _fill(Row("follow-up queue (whole process)", "netui queue"), queue),
    ]
    for row in rows[:2]:
        if not row.check:
            row.check = _all_ok(netui_check, jrnl_check)
    return rows


def _netui_counts_check(db: Path, *, contacts: int, conversations: int) -> str:
    """Count what landed on disk, through the core, after every capture returned."""
    from netui.core.db.store import Store

    with Store.open(db, create=False) as store:
        store.load_conversations()
        got_contacts = len(store.contacts_by_id)
        got_convs = len(store.all_conversations())
    return _all_ok(
        _counted(contacts, got_contacts, "netui contacts"),
        _counted(conversations, got_convs, "netui conversations"),
    )


def floor_rows(bench: Bench) -> list[Row]:
    word = bench.manifest["primary_marker"]
    want = bench.manifest["markers"][word]
    rows = []
    rg = peers.ripgrep()
    if rg:
        timing = bench.time_netui([rg, "-c", word, str(bench.corpus.journal)])
        row = _fill(Row("floor: text search", peer=f"rg -c {word} journal.txt"), peer=timing)
        if not row.check:
            row.check = _counted(want, int(timing.last.stdout.strip() or 0), "rg lines")
        rows.append(row)
    else:
        rows.append(
            Row("floor: text search", check="skipped: rg not installed (apt-get install ripgrep)")
        )
    python = bench.time_netui([sys.executable, "-c", "pass"])
    rows.append(_fill(Row("floor: interpreter start-up", peer="python -c pass"), peer=python))
    imports = bench.time_netui([sys.executable, "-c", IMPORTS_FLOOR])
    rows.append(_fill(Row("floor: imports", peer=f'python -c "{IMPORTS_FLOOR}"'), peer=imports))
    rows.append(bare_textual_row(bench))
    fsync_file = bench.scratch / "append-fsync.log"
    seconds = time_in_process(append_fsync(str(fsync_file)), max(20, bench.runs * 10))
    rows.append(
        Row(
            "floor: durable write",
            peer="append + fsync of one line (in-process)",
            peer_s=seconds,
            note="in-process",
        )
    )
    return rows


def bare_textual_row(bench: Bench) -> Row:
    """The floor of the first screen: a bare Textual app (Header, Static, Footer) started in
    a pseudo-terminal until its text is on the terminal."""
    from bench.bench_tui import BARE_APP, first_screen

    seconds = sorted(
        first_screen([sys.executable, "-c", BARE_APP], bench.env, b"\x11")
        for _ in range(bench.runs)
    )
    return Row(
        "floor: first screen",
        peer="bare Textual app (Header, Static, Footer)",
        peer_s=seconds[len(seconds) // 2],
    )


def scale_rows(bench: Bench) -> list[Row]:
    """netui alone at the scale size: how search, list, add and log grow."""
    word = bench.manifest["primary_marker"]
    db = bench.scratch / "netui"
    shutil.copytree(bench.corpus.netui_db, db)
    who = bench.manifest["capture_contact"]["name"]
    commands = {
        "search notes for a word": ("search", word, "--limit", "0"),
        f"list contacts ({bench.manifest['active_contacts']:,})": ("list",),
        "capture: add a contact": ("add", "Scale Person {}", "--note", "Met at the mixer."),
        "capture: log a conversation": ("log", who, "--note", "Scale run {}."),
    }
    rows = []
    for label, args in commands.items():

        def command(i: int, args: tuple[str, ...] = args) -> list[str]:
            return bench.netui_cmd(*(a.format(i) for a in args), db=db)

        shown = "netui " + " ".join(a.format("N") for a in args)
        rows.append(_fill(Row(label, shown, command=command(-1)), bench.time_netui(command)))
    return rows


def app_rows(bench: Bench, result: SizeResult) -> list[Row]:
    """Rows from the in-app benchmarks owned by others, if present; run at the large size.

    They get a scratch copy of the corpus through the environment (`NETUI_BENCH_DB`, and
    `NETUI_BENCH_CORPUS`, `NETUI_BENCH_MANIFEST`, `NETUI_BENCH_RUNS`, `NETUI_BENCH_SIZE`) and
    print lines `BENCH {json}` with `operation`, `value_ms`, and optionally `target_ms`,
    `floor`, `floor_ms`, `peak_mib`, `check`. Other output is kept verbatim in RESULTS.md.
    """
    rows = []
    for name in APP_SCRIPTS:
        script = ROOT / "bench" / name
        if not script.exists():
            rows.append(Row(f"in the app ({name})", check="skipped: script not present yet"))
            continue
        if result.size == "small":
            rows.append(Row(f"in the app ({name})", check="run at the larger sizes only"))
            continue
        print(f"[{result.size}] {name} ...", file=sys.stderr)
        db = bench.scratch / f"netui-{script.stem}"
        shutil.copytree(bench.corpus.netui_db, db)
        env = dict(
            bench.env,
            NETUI_BENCH_DB=str(db),
            NETUI_BENCH_CORPUS=str(bench.corpus.root),
            NETUI_BENCH_MANIFEST=str(bench.corpus.manifest_path),
            NETUI_BENCH_RUNS=str(bench.runs),
            NETUI_BENCH_SIZE=result.size,
        )
        proc = subprocess.run(
            [sys.executable, "-m", f"bench.{script.stem}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
        parsed = [_app_row(line) for line in proc.stdout.splitlines() if line.startswith("BENCH ")]
        rows += [row for row in parsed if row is not None]
        if proc.returncode != 0 or not parsed:
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-20:]
            result.extra.append((f"bench/{name}", relative_paths("\n".join(tail))))
            if proc.returncode != 0:
                rows.append(Row(f"in the app ({name})", check=f"exit status {proc.returncode}"))
    return rows


def _app_row(line: str) -> Row | None:
    try:
        data = json.loads(line.removeprefix("BENCH "))
        value = float(data["value_ms"]) / 1000
    except (ValueError, KeyError, TypeError):
        return None
    target_ms = data.get("target_ms")
    floor_ms = data.get("floor_ms")
    return Row(
        str(data.get("operation", "?")),
        netui="in-process",
        netui_s=value,
        netui_peak=data.get("peak_mib"),
        peer=str(data.get("floor") or ""),
        peer_s=float(floor_ms) / 1000 if floor_ms is not None else None,
        target=Target(f"<= {target_ms:g} ms", max_ms=float(target_ms)) if target_ms else None,
        check=str(data.get("check", "")),
    )


def memory_row(rows: list[Row]) -> Row:
    """Issue 12's memory goal is the TUI's: the largest peak of the `TUI:` rows, which include
    the app with its diary loaded and its search index built. (bench_search's process holds an
    index and a one-shot scan's records at once, which no app does: its rows show their own.)"""
    tui = [r for r in rows if r.operation.startswith("TUI:")]
    peaks = [r.netui_peak for r in tui if r.netui_peak is not None]
    return Row(
        "TUI peak memory, largest of the TUI rows above",
        netui_peak=max(peaks, default=None),
        target=Target(f"<= {MEMORY_CEILING_MIB} MiB", max_mib=MEMORY_CEILING_MIB),
    )


def breakdown(bench: Bench, row: Row, floors: list[Row]) -> str:
    """Where a missed row's time goes, measured without a profiler: the interpreter's start-up,
    netui's imports for the command (`netui COMMAND --help`: parser built, nothing opened),
    and the command's own work; with the floors beside them."""
    command = row.command or []
    name = next((word for word in command[3:] if not word.startswith("-")), "")
    if not name or row.netui_s is None:
        return ""
    helped = bench.time_netui([bench.netui, name, "--help"])
    start = next((r.peer_s for r in floors if r.operation == "floor: interpreter start-up"), None)
    imports = next((r.peer_s for r in floors if r.operation == "floor: imports"), None)
    write = next((r.peer_s for r in floors if r.operation == "floor: durable write"), None)
    if helped.error or helped.median_s is None or start is None:
        return ""
    own = row.netui_s - helped.median_s
    parts = [
        f"whole process {seconds(row.netui_s)} = interpreter start-up {seconds(start)}",
        f"+ netui's imports for `{name}` {seconds(helped.median_s - start)} "
        f"(`netui {name} --help`: {seconds(helped.median_s)})",
        f"+ the command's own work {seconds(own)}",
    ]
    floors_text = [f"`python -c pass` {seconds(start)}"]
    if imports is not None:
        floors_text.append(f'`python -c "{IMPORTS_FLOOR}"` {seconds(imports)}')
    if write is not None:
        floors_text.append(f"append + fsync {seconds(write)}")
    return " ".join(parts) + ". Floors: " + ", ".join(floors_text) + "."


def profile(bench: Bench, command: list[str]) -> str:
    """Top of a cProfile of one netui command, for a row whose target was missed."""
    out = bench.scratch / "profile.prof"
    profiled = [sys.executable, "-m", "cProfile", "-o", str(out), *command]
    if run_once(profiled, bench.env).error or not out.exists():
        return ""
    text = StringIO()
    stats = pstats.Stats(str(out), stream=text)
    stats.sort_stats("cumulative").print_stats(r"netui[/\\]", 15)
    stats.sort_stats("tottime").print_stats(10)
    return _without_machine_paths(text.getvalue())


def _without_machine_paths(profile_text: str) -> str:
    """Keep the ncalls tables only, with paths relative to the repository or the stdlib."""
    tables, keep = [], False
    for line in profile_text.splitlines():
        if line.lstrip().startswith("ncalls"):
            keep = True
            tables.append("")
        elif not line.strip():
            keep = False
        if keep:
            tables.append(line)
    return relative_paths("\n".join(tables).strip("\n"))


def relative_paths(text: str) -> str:
    """No machine paths in RESULTS.md: the repository's become relative, the stdlib's short."""
    for prefix, short in ((f"{ROOT}/", ""), (f"{sys.base_prefix}/", "<python>/")):
        text = text.replace(prefix, short)
    return text


def measure_size(size: str, runs: int, seed: int | None, with_app: bool = True) -> SizeResult:
    corpus = ensure_corpus(size) if seed is None else ensure_corpus(size, seed)
    manifest = corpus.manifest()
    result = SizeResult(size, manifest["contacts"], manifest["conversations"])
    scratch = Path(tempfile.mkdtemp(prefix=f"scratch-{size}-", dir=DATA_DIR))
    try:
        bench = Bench(
            corpus=corpus,
            manifest=manifest,
            scratch=scratch,
            runs=runs,
            env=isolated_env(scratch),
            netui=str(Path(sys.executable).with_name("netui")),
            jrnl=str(peers.JRNL.ensure()) if size in WITH_PEERS else "",
            khard=str(peers.KHARD.ensure()) if size in WITH_PEERS else "",
        )
        steps = (search_rows, list_rows, capture_rows) if size in WITH_PEERS else (scale_rows,)
        floors: list[Row] = []
        for step in (*steps, floor_rows):
            print(f"[{size}] {step.__name__.removesuffix('_rows')} ...", file=sys.stderr)
            found = step(bench)
            result.rows += found
            floors = found if step is floor_rows else floors
        if with_app:
            result.rows += app_rows(bench, result)
        result.rows.append(memory_row(result.rows))
        for row in result.rows:
            if row.met is False and row.command:
                result.profiles[row.netui] = profile(bench, row.command)
                result.breakdowns[row.netui] = breakdown(bench, row, floors)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="netui next to jrnl and khard (issue 8).")
    parser.add_argument("--size", choices=[*SIZES, "both"], default="both")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (median)")
    parser.add_argument("--seed", type=int, help="corpus seed (default: the generator's)")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    parser.add_argument(
        "--no-app",
        action="store_true",
        help="leave out the in-app benchmarks (bench_search, bench_tui: many minutes): the "
        "command-line rows and the floors alone",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sizes = list(WITH_PEERS) if args.size == "both" else [args.size]
    machine_lines = machine(sys.version.split()[0])
    results = []
    for size in sizes:
        result = measure_size(size, args.runs, args.seed, with_app=not args.no_app)
        results.append(result)
        print(f"\n{size}: {result.contacts:,} contacts, {result.conversations:,} conversations")
        print(table(result.rows))
        for name, text in result.extra:
            print(f"\n{name} said:\n{text}")
        for operation, text in result.breakdowns.items():
            print(f"\nwhere `{operation}` spends its time: {text}")
    command = "bench/run " + shlex.join(argv if argv is not None else sys.argv[1:])
    if not args.no_results:
        text = results_markdown(results, command.strip(), args.runs, machine_lines)
        (ROOT / "bench" / "RESULTS.md").write_text(text, encoding="utf-8")
        print("\nwrote bench/RESULTS.md", file=sys.stderr)
    wrong = [r for res in results for r in res.rows if r.check.startswith("WRONG")]
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
