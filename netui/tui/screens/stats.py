"""The funnel at a glance: bars for met → thanked → called → coffee, then the numbers
behind them, a sparkline of people met per week, and introductions you could make."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from netui.core import dates
from netui.core.db.store import Store
from netui.core.followup.matches import Match, find_matches
from netui.core.followup.stats import WEEKS, Stats, bar, stats_of
from netui.tui.format import safe

BAR_CELLS = 22  # the funnel line fits 80 columns with its rates and medians


def funnel_content(stats: Stats) -> Content:
    """One line per rung: name, count, bar, share of the rung before, median days to get there."""
    largest = stats.funnel[0].reached
    lines = []
    previous = ""
    for step in stats.funnel:
        rate = f"{step.rate:.0%} of {previous}" if step.rate is not None else ""
        days = f"median {step.median_days:g} d" if step.median_days is not None else ""
        lines.append(
            Content.assemble(
                (f"{step.stage.label:<15}", "bold"),
                f"{step.reached:>6,} ",
                (f"{bar(step.reached, largest, BAR_CELLS):<{BAR_CELLS}}", "$accent"),
                f" {rate:<15}",
                (days, "dim"),
            )
        )
        previous = step.stage.label
    overall = "-" if stats.overall_rate is None else f"{stats.overall_rate:.0%}"
    lines.append(Content.assemble(("met → coffee   ", "bold"), overall))
    return Content("\n").join(lines)


def number_width(counts: Iterable[int]) -> int:
    """Cells for a column of counts: four, or as many as the largest needs ("10,000")."""
    return max([4, *(len(f"{n:,}") for n in counts)])


def counted(rows: list[tuple[int, str]], alarm: str = "", width: int = 4) -> Content:
    """Number-first lines ("  7 overdue"), so they fit a narrow box; `alarm` is drawn in red
    when its count is not zero."""
    width = max(width, number_width(count for count, _ in rows))
    lines = []
    for count, label in rows:
        style = "bold $error" if label == alarm and count else "bold"
        lines.append(Content.assemble((f"{count:>{width},} ", style), label))
    return Content("\n").join(lines)


def follow_up_content(stats: Stats) -> Content:
    rows = [
        (stats.overdue_today, "overdue"),
        (stats.due_today, "due today"),
        *([(stats.gone_cold, "gone cold")] if stats.gone_cold else []),
        (stats.active, "active"),
        (stats.duds, "duds"),
    ]
    nouns = {"called": "calls", "coffee": "coffees"}
    steps = [t for t in stats.steps_with_notes if t.total]
    width = number_width([*(n for n, _ in rows), *(t.good for t in steps)])
    noted = [
        Content.assemble((f"{t.good:>{width},}", "bold"), f"/{t.total:,} {nouns[t.name]}")
        for t in steps
    ]
    caption = [Content.styled("with notes", "dim")] if noted else []
    return Content("\n").join([counted(rows, alarm="overdue", width=width), *caption, *noted])


def referrals_content(stats: Stats) -> Content:
    rows = [
        (stats.referrals_received, "received"),
        (stats.referrals_thanked, "thanked"),
        (stats.referred_contacts, "by referral"),
    ]
    width = number_width([*(n for n, _ in rows), *(t.total for t in stats.referrers)])
    top = [Content.assemble(f"{t.total:>{width},} from ", safe(t.name)) for t in stats.referrers]
    return Content("\n").join([counted(rows, width=width), *top])


def events_content(stats: Stats) -> Content:
    if not stats.events:
        return Content.styled("Record where you meet people", "dim")
    lines = [Content.styled("coffee / met", "dim")]
    lines += [Content.assemble(f"{t.good:>3} / {t.total:<4}", safe(t.name)) for t in stats.events]
    return Content("\n").join(lines)


def match_option(match: Match) -> Option:
    """One suggestion: who needs what, who offers it; enter makes the introduction."""
    label = Content.assemble(
        (safe(match.needer.name), "bold"),
        " needs ",
        safe(match.need),
        " · ",
        (safe(match.giver.name), "bold"),
        " offers ",
        safe(match.offer),
    )
    return Option(label)


NO_MATCHES = "Record needs and offers (e on a contact) to see suggestions"


class StatsScreen(Screen[None]):
    CSS_PATH = "stats.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", tooltip="Back to the main screen", id="stats-close"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.today = dates.today()
        self.stats = stats_of(store, self.today)

    def compose(self) -> ComposeResult:
        stats = self.stats
        yield Header()
        with VerticalScroll(id="stats"):
            yield self._box("Funnel", Static(funnel_content(stats), id="stats-funnel"))
            small = (follow_up_content(stats), referrals_content(stats), events_content(stats))
            with Horizontal(id="stats-row") as row:
                # Three boxes of one height (the longest list and its border), no gap below.
                row.styles.height = max(len(c.plain.splitlines()) for c in small) + 2
                yield self._box("Follow-ups", Static(small[0]), "stats-follow-ups")
                yield self._box("Referrals", Static(small[1]))
                yield self._box("Best events", Static(small[2]))
            week = f"People met per week, last {WEEKS} weeks ({sum(stats.met_per_week)} in all)"
            yield self._box(week, Sparkline(list(stats.met_per_week), id="stats-weeks"))
            self.matches = find_matches(self.store.contacts())
            title = f"Introductions to make: one needs what another offers ({len(self.matches)})"
            if self.matches:
                options = OptionList(*map(match_option, self.matches), id="stats-matches")
                yield self._box(title + " · enter introduces", options)
            else:
                yield self._box(title, Static(Content.styled(NO_MATCHES, "dim")))
        yield Footer(compact=True)

    @staticmethod
    def _box(
        title: str, body: Static | Sparkline | OptionList, box_id: str | None = None
    ) -> Vertical:
        box = Vertical(body, classes="stats-box", id=box_id)
        box.border_title = title
        return box

    def on_mount(self) -> None:
        self.sub_title = f"Stats · {dates.format_date(self.today)}"
        if self.matches:  # up/down pick a suggestion, enter makes it an introduction
            self.query_one("#stats-matches", OptionList).focus(scroll_visible=False)

    @on(OptionList.OptionSelected, "#stats-matches")
    def _introduce(self, event: OptionList.OptionSelected) -> None:
        """Enter on a suggestion: the introduction screen, the draft saying why."""
        from netui.tui.screens.introduction import IntroductionScreen

        match = self.matches[event.option_index]
        why = f"{match.needer.name} needs {match.need}; {match.giver.name} offers {match.offer}"
        screen = IntroductionScreen(self.store, match.needer.id, match.giver.id, why=why)
        self.app.push_screen(screen)

    def action_close(self) -> None:
        self.dismiss(None)
