"""Search (`/`): results change on every keystroke; enter goes to the contact or conversation.

Building the index takes seconds at 100,000 conversations, so it is built once per store in
a thread worker and kept for the next `/` (brought up to date in milliseconds when little
changed). Each keystroke then searches synchronously: a few milliseconds, less than a frame,
and the answer always belongs to the text in the bar. Keys typed while the index is being
built are kept in the bar and searched as soon as it is ready.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from netui.core import dates
from netui.core.db.store import Store
from netui.core.errors import QueryError, StorageError
from netui.core.search.engine import Hit, SearchIndex
from netui.core.text import printable
from netui.tui.format import safe
from netui.tui.widgets.table import Column, RowTable, column_widths

FIELD_LABELS = {"correspondence": "sent", "observations": "observed"}
MATCH_LEAD = 12  # characters kept before a match when a narrow column cuts the snippet
RESULT_LIMIT = 200  # hits drawn for one keystroke; more would cost time nobody scrolls through
QUERY_HELP = (
    'words · "a phrase" · -not · plan* · name: company: tag: at: stage: channel: since: before: on:'
)

# One index per open store, kept between visits to the screen (weakly: it goes with the store).
_indexes: weakref.WeakKeyDictionary[Store, SearchIndex] = weakref.WeakKeyDictionary()

SearchResult = str | tuple[str, str] | None  # contact id, (contact id, conversation id), none


def indexed(store: Store, known: SearchIndex | None) -> SearchIndex:
    """The store's records indexed: `known` brought up to date, or a fresh build. Slow: a worker."""
    if known is not None and not known.wants_rebuild:
        index = known if known.is_current(store) else known.refreshed(store)
    else:
        index = SearchIndex.of_store(store)
    _indexes[store] = index
    return index


def highlighted(snippet: str, spans: Sequence[tuple[int, int]], match: Style) -> Text:
    """The snippet as plain text with its matches styled; escapes keep the spans in place."""
    text = Text()
    done = 0
    for start, end in spans:
        text.append(printable(snippet[done:start], keep_newlines=False))
        text.append(printable(snippet[start:end], keep_newlines=False), match)
        done = end
    text.append(printable(snippet[done:], keep_newlines=False))
    return text


def from_first_match(
    snippet: str, spans: Sequence[tuple[int, int]], room: int
) -> tuple[str, Sequence[tuple[int, int]]]:
    """Cut the snippet's start when the first match would not fit in `room` characters."""
    if not spans or spans[0][1] <= room:
        return snippet, spans
    start = max(spans[0][0] - MATCH_LEAD, 0)
    space = snippet.find(" ", start, spans[0][0])
    start = space + 1 if space >= 0 else start  # begin on a word
    shift = 1 - start  # for the "…" in front
    return "…" + snippet[start:], [(a + shift, b + shift) for a, b in spans if b > start]


def hit_key(hit: Hit) -> str:
    return f"{hit.contact_id}:{hit.conversation_id or ''}"


class HitTable(RowTable[Hit]):
    """One row per hit: who, when, and where the words were found."""

    COLUMNS = (
        Column("Who", flex=2, min_width=10),
        Column("When", width=16),
        Column("Found", flex=5, min_width=12),
    )
    COMPONENT_CLASSES: ClassVar[set[str]] = RowTable.COMPONENT_CLASSES | {
        "hit-table--match",
        "hit-table--field",
        "hit-table--archived",
    }

    def __init__(self, today: date, *, id: str | None = None) -> None:
        super().__init__(empty_text="", id=id)
        self.today = today

    def row_key(self, row: Hit) -> str:
        return hit_key(row)

    def row_cells(self, row: Hit) -> Sequence[Text]:
        who = Text(safe(row.name))
        if row.archived:
            who.append(" (archived)", self.get_component_rich_style("hit-table--archived"))
        when = dates.humanize(row.on, self.today) if row.on else ""
        if row.kind == "contact" and when:
            when = f"met {when}"
        found = Text()
        if row.kind == "contact" or row.field != "note":
            label = FIELD_LABELS.get(row.field, row.field)
            found.append(f"{label}: ", self.get_component_rich_style("hit-table--field"))
        room = column_widths(self.COLUMNS, self.scrollable_content_region.width)[2] - len(found)
        snippet, spans = from_first_match(row.snippet, row.spans, room)
        match = self.get_component_rich_style("hit-table--match")
        found.append_text(highlighted(snippet, spans, match))
        return who, Text(when), found


class SearchScreen(Screen[SearchResult]):
    """The search bar over the results; answers what enter chose, or None on escape."""

    CSS_PATH = "search.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "choose",
            "Go to",
            tooltip="Select the contact and show the conversation found",
            id="choose",
            priority=True,  # from the bar and the results alike
        ),
        Binding("escape", "leave", "Back", tooltip="Back to where you were", id="leave"),
        Binding("down", "move(1)", "Next", tooltip="Next result", id="search-next", show=False),
        Binding(
            "up",
            "move(-1)",
            "Previous",
            tooltip="Previous result",
            id="search-previous",
            show=False,
        ),
        Binding(
            "pagedown",
            "page(1)",
            "Page down",
            tooltip="A page of results down",
            id="search-page-down",
            show=False,
        ),
        Binding(
            "pageup",
            "page(-1)",
            "Page up",
            tooltip="A page of results up",
            id="search-page-up",
            show=False,
        ),
        Binding(
            "tab",
            "switch_focus",
            "Bar ⇄ results",
            tooltip="Between the search bar and the results (j/k move there)",
            id="search-switch",
        ),
    ]

    def __init__(self, store: Store, query: str = "") -> None:
        super().__init__()
        self.store = store
        self.today = dates.today()
        self.index: SearchIndex | None = _indexes.get(store)
        self.initial_query = query
        self.shown_query: str | None = None  # the query whose results are on screen
        self.answered: str | None = None  # the last query searched (or found unreadable)
        self.keystroke_ms = 0.0  # the last search and list update, for benchmarks
        self._indexing = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            self.initial_query,
            placeholder="Search conversations and contacts",
            id="search-query",
            compact=True,
        )
        yield Static("", id="search-status")
        yield Static(Content.styled(QUERY_HELP, "dim"), id="search-help")
        yield HitTable(self.today, id="search-results")
        yield Footer(compact=True)

    @property
    def bar(self) -> Input:
        return self.query_one("#search-query", Input)

    @property
    def results(self) -> HitTable:
        return self.query_one(HitTable)

    def on_mount(self) -> None:
        self.sub_title = "Search"
        self.bar.focus()
        if self.index is not None and self.index.is_current(self.store):
            self.run_query()
        else:
            self.say("indexing…", "dim italic")
            self.catch_up()

    # -- the index ----------------------------------------------------------------------------

    def catch_up(self) -> None:
        """Index what the store holds now, unless that is already under way."""
        if not self._indexing:
            self._indexing = True
            self.build_index()

    @work(thread=True, exit_on_error=False, group="search-index")
    def build_index(self) -> SearchIndex:
        return indexed(self.store, self.index)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "search-index" or not event.worker.is_finished:
            return
        self._indexing = False
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, SearchIndex):
            self.index = event.worker.result
            self.shown_query = None
            self.run_query()
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            reason = str(error) if isinstance(error, StorageError) else repr(error)
            self.say(f"Could not index the diary: {reason}", "bold $error")

    # -- searching ----------------------------------------------------------------------------

    def say(self, message: str, style: str = "") -> None:
        """One line under the bar, always literal (an error may quote the query).

        Its size is fixed, so no layout pass: that would cost about 10 ms a keystroke."""
        status = self.query_one("#search-status", Static)
        status.update(Content.styled(safe(message), style), layout=False)

    @on(Input.Changed, "#search-query")
    def _typed(self, _: Input.Changed) -> None:
        self.run_query()

    def run_query(self) -> None:
        """Search for what is in the bar now and show it (kept as is while a build runs)."""
        if self.index is None:
            return
        if not self.index.is_current(self.store):
            self.catch_up()  # another change landed: catch up off-thread, answer meanwhile
        text = self.bar.value
        if text == self.shown_query:
            return
        started = time.perf_counter()
        try:
            self.show_hits(text, self.index.search(text, limit=RESULT_LIMIT + 1, today=self.today))
        except QueryError as exc:
            self.say(str(exc), "bold $error")  # the last good results stay below
        self.answered = text
        self.keystroke_ms = (time.perf_counter() - started) * 1000

    def show_hits(self, text: str, hits: list[Hit]) -> None:
        self.shown_query = text
        more = len(hits) > RESULT_LIMIT
        del hits[RESULT_LIMIT:]
        results = self.results
        results.empty_text = "No matches." if text.strip() else "Type to search."
        results.set_rows(hits)
        if text.strip():
            count = f"first {RESULT_LIMIT}" if more else str(len(hits))
            self.say(f"{count} result{'s' if len(hits) != 1 else ''}", "dim")
        else:
            self.say("")

    # -- keys ---------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.results.cursor += step

    def action_page(self, step: int) -> None:
        table = self.results
        table.action_page_down() if step > 0 else table.action_page_up()

    def action_switch_focus(self) -> None:
        (self.results if self.bar.has_focus else self.bar).focus()

    @on(RowTable.Chosen, "#search-results")
    def _clicked(self, event: RowTable.Chosen) -> None:
        """A double click on a row (enter is the screen's own key)."""
        event.stop()
        self.action_choose()

    def action_choose(self) -> None:
        table = self.results
        if not 0 <= table.cursor < len(table.rows):
            return
        hit = table.rows[table.cursor]
        if hit.conversation_id is None:
            self.dismiss(hit.contact_id)
        else:
            self.dismiss((hit.contact_id, hit.conversation_id))

    def action_leave(self) -> None:
        self.dismiss(None)
