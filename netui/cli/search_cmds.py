"""`netui search`: the TUI's search, on the command line.

One query runs once, so it answers from the search cache (`cached_search`): the records'
text folded once and kept beside the data, rebuilt only where the data changed. Neither
the TUI's index nor the model objects of 100,000 conversations are worth building for it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from netui.cli.context import CliError, Context, out, out_json
from netui.core.text import one_line, printable

if TYPE_CHECKING:
    from netui.core.search.engine import Hit

DEFAULT_LIMIT = 50
NAME_WIDTH = 24

QUERY_HELP = """\
words are ANDed and match the start of words, ignoring case and accents;
"quoted phrase"; -word excludes; word* prefix;
name: company: tag: at: (event) stage: channel: since:DATE before:DATE on:DATE.
A query that starts with -word needs `--` first, or quotes around all of it:
    netui search -- -golf estate        netui search '-golf estate'"""


def register(sub: argparse._SubParsersAction) -> None:
    search = sub.add_parser(
        "search",
        help="search contacts and past conversations",
        description="Search contacts and past conversations, newest first.",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("query", nargs="+", metavar="QUERY", help="what to look for")
    search.add_argument("--json", action="store_true", help="print the hits as JSON")
    search.add_argument(
        "--limit",
        type=_limit,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"show at most N hits (default {DEFAULT_LIMIT}; 0 = all)",
    )
    search.set_defaults(handler=cmd_search)


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (all) or more")
    return value


def _line(hit: Hit) -> str:
    when = hit.on.isoformat() if hit.on else "-"
    what = "contact" if hit.kind == "contact" else hit.field
    return f"{when:<10}  {one_line(hit.name, NAME_WIDTH):<{NAME_WIDTH}}  {what}: {hit.snippet}"


def cmd_search(args: argparse.Namespace, ctx: Context) -> int:
    # Imported here: every other command would pay for loading the search engine.
    from netui.core.errors import QueryError
    from netui.core.search.cached import search_database
    from netui.core.search.engine import parse_query

    text = " ".join(args.query)
    try:
        query = parse_query(text, ctx.today)
    except QueryError as exc:
        raise CliError(f"cannot read the query: {exc}") from None
    if query.is_empty:
        raise CliError("nothing to search for: give a word or a filter (netui search --help)")
    limit = args.limit or None
    # Archived contacts are searched too: their history is still worth finding.
    hits = search_database(ctx.database, query, limit)
    if args.json:
        out_json([hit.to_json() for hit in hits])
        return 0
    if not hits:
        out("No matches.")
        return 0
    # One write for every line (1,000 hits: 1,000 prints cost ~1.5 ms); each line escaped as
    # `out` escapes it.
    sys.stdout.write("".join(f"{printable(_line(hit))}\n" for hit in hits))
    if limit is not None and len(hits) == limit:
        print(f"(the first {limit}; --limit 0 shows every match)", file=sys.stderr)
    return 0
