"""`netui import`, `export`, `dupes` and `merge`: moving contacts in and out, and joining twins."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from netui.cli.context import CliError, Context, out, out_json
from netui.cli.progress import progress_on_stderr
from netui.core.model import Contact, Stage
from netui.core.text import one_line, printable

if TYPE_CHECKING:
    from netui.core.io.importer import ImportPlan

# The format names are a contract of the command line; tests check they match the core's
# lists. Spelled out here so that `netui add` does not import vobject and icalendar.
IMPORT_FORMATS = ("vcard", "csv", "linkedin", "json")
EXPORT_FORMATS = ("vcard", "csv", "json", "ics", "markdown")

_NAME_CELLS = 40


def register(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser(
        "import",
        help="import contacts from vCard, CSV, LinkedIn Connections.csv or netui JSON",
        description="Import contacts. Records matching an existing contact (same external "
        "id, name and company, or email or phone under a compatible name) are merged into "
        "it. New contacts wait unsorted (listed and searchable, not in the queue) until "
        "sorted in the TUI (U) or with --stage. Unreadable records and properties are skipped "
        "and reported; the rest lands in one transaction. The file is refused when nothing in "
        "it is usable, or with --strict.",
    )
    imp.add_argument("path", metavar="PATH", help="a file, or a folder of .vcf files")
    imp.add_argument("--format", choices=IMPORT_FORMATS, help="default: recognised from content")
    imp.add_argument("--dry-run", action="store_true", help="show what would happen; write nothing")
    imp.add_argument("--tag", metavar="TAG", help="tag every imported contact")
    imp.add_argument(
        "--stage",
        metavar="{met,thanked,called,coffee}",
        help="put new contacts on this rung from today (default: unsorted, out of the queue "
        "until sorted)",
    )
    imp.add_argument(
        "--strict",
        action="store_true",
        help="refuse the whole file if any record or property had to be skipped or mended",
    )
    imp.add_argument(
        "--encoding",
        metavar="ENC",
        help="the file's text encoding (e.g. shift_jis, gb18030, cp1251, latin-1); "
        "default: UTF-8, else detected",
    )
    imp.set_defaults(handler=cmd_import)

    exp = sub.add_parser(
        "export",
        help="export contacts (vCard, CSV), everything (JSON), the queue (ics) or the diary",
        description="Export to PATH (written atomically; a file already there is refused "
        "unless --force) or - for standard output. JSON without filters holds everything, "
        "archived contacts included.",
    )
    exp.add_argument("path", metavar="PATH|-")
    exp.add_argument("--format", choices=EXPORT_FORMATS, help="default: from PATH's extension")
    exp.add_argument("--stage", metavar="S", help="only contacts at this stage")
    exp.add_argument("--tag", metavar="T", help="only contacts with this tag")
    exp.add_argument("--archived", action="store_true", help="archived contacts instead")
    exp.add_argument(
        "--force",
        action="store_true",
        help="replace PATH if a file is there already (without it, such a file is refused)",
    )
    exp.set_defaults(handler=cmd_export)

    dupes = sub.add_parser("dupes", help="list contacts that are probably the same person")
    dupes.add_argument("--json", action="store_true")
    dupes.set_defaults(handler=cmd_dupes)

    merge = sub.add_parser("merge", help="merge contact B into contact A (undoable)")
    merge.add_argument("keep", metavar="A", help="the contact to keep")
    merge.add_argument("drop", metavar="B", help="the contact merged into A, then removed")
    merge.set_defaults(handler=cmd_merge)


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    from netui.core.io.importer import MERGE, SKIP, apply, plan_import

    stage = Stage.parse(args.stage) if args.stage else None
    with progress_on_stderr() as bar:
        plan = plan_import(
            args.path,
            ctx.store,
            fmt=args.format,
            tag=args.tag,
            progress=bar,
            stage=stage,
            strict=args.strict,
            encoding=args.encoding,
        )
    if plan.errors:
        for problem in plan.errors:
            print(f"netui: error: {printable(f'{args.path}: {problem}')}", file=sys.stderr)
        print(f"netui: nothing imported ({plan.summary()})", file=sys.stderr)
        return 1
    if args.dry_run:
        _print_entries(plan)
        _print_report(plan)
        out(f"Dry run: {plan.summary()}. Nothing was written.")
        return 0
    apply(plan, ctx.store)
    for entry in plan.entries:
        if entry.action == MERGE:
            out(f"merged {entry.where}: {one_line(entry.name, _NAME_CELLS)} {entry.reason}")
        elif entry.action == SKIP and not entry.contact_id:
            out(f"skipped {entry.where}: {one_line(entry.reason)}")
    _print_report(plan)
    for cut in plan.cuts:
        out(f"cut {cut}")
    encoding = f", {plan.encoding}" if plan.encoding else ""
    out(f"Imported {Path(plan.source).name} ({plan.format}{encoding}): {plan.summary()}.")
    if waiting := plan.unsorted_added:
        out(
            f"{waiting} new contacts wait unsorted, out of the queue: sort them in the TUI "
            "(U), or see them with netui list --unsorted."
        )
    refusal = ctx.store.undo_refusal
    if refusal:
        out(f"Not undoable: {refusal}.")
    return 0


def _print_report(plan: ImportPlan) -> None:
    """What was mended on the way in, and the pairs kept apart that the user should see."""
    for line in plan.repaired:
        out(f"mended {one_line(line)}")
    for line in plan.doubtful:
        out(f"check  {one_line(line)}")
    if plan.encoding:
        out(f"read as {plan.encoding}; if names look wrong, import again with --encoding")


def _print_entries(plan: ImportPlan) -> None:
    for entry in plan.entries:
        name = one_line(entry.name, _NAME_CELLS)
        out(f"{entry.action:<6} {entry.where}: {name}{': ' if name else ''}{entry.reason}")


# Names of standard output: written exactly as `-` is (never a rename over a device).
STDOUT_NAMES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    from netui.core.errors import FileExists
    from netui.core.io.export import Selection, format_for, refuse_inside_database, render
    from netui.core.io.files import check_target, write_atomic

    to_stdout = args.path in STDOUT_NAMES
    fmt = args.format or (None if to_stdout else format_for(args.path))
    if fmt is None:
        where = "standard output" if to_stdout else f"{args.path!r}"
        known = ", ".join(EXPORT_FORMATS)
        raise CliError(f"cannot tell the format for {where}; use --format ({known})")
    target = Path(args.path)
    try:
        if not to_stdout:
            refuse_inside_database(ctx.store.path, target)
            check_target(target, replace=args.force)
        selection = Selection(
            stage=Stage.parse(args.stage) if args.stage else None,
            tag=args.tag,
            archived=args.archived,
        )
        rendered = render(ctx.store, fmt, ctx.today, selection)
        if to_stdout:
            _write_stdout(rendered.text)
            return 0
        write_atomic(target, rendered.text, replace=args.force)
    except FileExists as exc:
        raise CliError(f"{exc} (--force replaces it)") from None
    out(f"Exported {rendered.contacts} contacts to {args.path} ({fmt}).")
    return 0


def _write_stdout(text: str) -> None:
    """Raw bytes for a pipe; on a terminal, control characters in user text are escaped."""
    from netui.core.io.files import encode

    if sys.stdout.isatty():
        sys.stdout.write(printable(text.replace("\r\n", "\n")))
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(encode(text))
    sys.stdout.buffer.flush()


def cmd_dupes(args: argparse.Namespace, ctx: Context) -> int:
    from netui.core.io.dupes import find_duplicates

    pairs = find_duplicates(ctx.store.contacts(include_archived=True))
    if args.json:
        out_json([pair.to_json() for pair in pairs])
        return 0
    if not pairs:
        out("No likely duplicates.")
        return 0
    for pair in pairs:
        out(f"{_label(pair.first)}  and  {_label(pair.second)}: {'; '.join(pair.reasons)}")
    s = "s" if len(pairs) != 1 else ""
    out(f"{len(pairs)} likely duplicate{s}. Merge B into A with: netui merge A B")
    return 0


def _label(contact: Contact) -> str:
    company = f", {one_line(contact.company, _NAME_CELLS)}" if contact.company else ""
    archived = ", archived" if contact.archived else ""
    return f"{one_line(contact.name, _NAME_CELLS)} ({contact.id[:8]}{company}{archived})"


def cmd_merge(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store
    keep, drop = store.find(args.keep), store.find(args.drop)
    if keep.id == drop.id:
        raise CliError(f"{args.keep!r} and {args.drop!r} are the same contact")
    merged = store.merge(keep.id, drop.id)
    out(f"Merged {one_line(drop.name)} into {_label(merged)}.")
    facts = [
        ("emails", ", ".join(merged.emails)),
        ("phones", ", ".join(merged.phones)),
        ("tags", ", ".join(merged.tags)),
        ("stage", merged.stage_label),
        ("conversations", str(len(store.conversations_of(merged.id)))),
    ]
    for label, value in facts:
        if value:
            out(f"  {label}: {one_line(value)}")
    out("Undo with: netui undo")
    return 0
