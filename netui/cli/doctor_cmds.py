"""`netui doctor [--restore]`: check a database that netui refuses to open, and mend it.

The doctor never opens the database through the store (which would refuse a damaged one):
it reads the files itself, so it works exactly when the rest of netui cannot.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from netui.cli.context import CliError, Context, out
from netui.core.config import load_settings
from netui.core.db import doctor
from netui.core.db.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "doctor",
        help="check every file of the database; --restore puts back good backups",
        description="Check every file of the database (JSON, shapes, records, ids, references, "
        "schema version, leftovers of an interrupted save). Exit status 0 when netui can use "
        "it, 1 when something is wrong.",
    )
    parser.add_argument(
        "--restore",
        action="store_true",
        help="replace each damaged file by its .bak when that backup is good; the damaged "
        "file is kept as NAME.corrupt-TIMESTAMP; nothing is deleted; then clear referrals and "
        "links that name a missing contact (diary entries are kept)",
    )
    parser.set_defaults(handler=run_doctor)


def run_doctor(args: argparse.Namespace, ctx: Context) -> int:
    root = ctx.db_path
    if not root.is_dir():
        raise CliError(f"no database folder at {root}")
    report = doctor.restore(root) if args.restore else doctor.check(root)
    if args.restore and report.healthy and report.warnings:
        repaired = _repair_references(root)
        if repaired:
            report = doctor.check(root)
            report.actions = repaired
    out(f"netui doctor: {root}")
    for action in report.actions:
        out(f"  {action}")
    for finding in report.findings:
        out(f"  {finding.level.upper():7} {finding.file}: {finding.message}")
    out(summary(report))
    return 0 if report.healthy else 1


def _repair_references(root: Path) -> list[str]:
    """Links to contacts that no longer exist: cleared through the store (one undo)."""
    with Store.open(root, settings=load_settings()) as store:
        return store.repair_references()


def summary(report: doctor.Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    counts = f"{report.files_checked} files checked, {_plural(errors, 'error')}, " + _plural(
        warnings, "warning"
    )
    if report.healthy:
        return f"{counts}: netui can use this database"
    if report.future_schema:
        return f"{counts}: upgrade netui to open it"
    return f"{counts}: some data is unusable until the errors above are mended"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
