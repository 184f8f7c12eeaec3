"""Making an introduction (`i`): pick the other person, read the draft, send it, record it.

Double opt-in: while the two have not both agreed, the draft asks the first one ("may I
introduce you to..."); once they have, it introduces them. `m` records the step with the
text kept in both diaries, `a` records that both agreed (the next draft is the
introduction), `c` copies, `e` opens `$EDITOR`. One undo per step, as everywhere.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from netui.core import dates
from netui.core.db.store import Store
from netui.core.errors import NetuiError
from netui.core.folding import fold
from netui.core.followup.introductions import draft
from netui.core.model import Contact, IntroStatus
from netui.tui.format import safe, safe_block
from netui.tui.screens.letter import LetterScreen
from netui.tui.widgets.status import say

MATCHES = 12  # names offered while typing: enough to pick from, few enough to read


def name_matches(store: Store, query: str, leave_out: str) -> list[Contact]:
    """Active contacts whose folded name holds the folded query, earlier matches first."""
    key = fold(" ".join(query.split()))
    found = []
    for contact in store.contacts():
        at = fold(contact.name).find(key) if key else 0
        if at >= 0 and contact.id != leave_out:
            found.append((at, fold(contact.name), contact))
    found.sort(key=lambda t: (t[0], t[1]))
    return [contact for _, _, contact in found[:MATCHES]]


class IntroductionScreen(LetterScreen[str | None]):
    """Answers the first contact's id once a step was recorded (to select), else None."""

    CSS_PATH = "introduction.tcss"
    TEXT_ID = "intro-text"
    ERROR_ID = "intro-error"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy", tooltip="Copy the draft to the clipboard", id="intro-copy"),
        Binding("e", "edit", "Edit", tooltip="Edit the draft in $EDITOR", id="intro-edit"),
        Binding(
            "m",
            "sent",
            "Sent",
            tooltip="Sent by email: record the step, the text kept in both diaries",
            id="intro-sent",
        ),
        Binding(
            "a",
            "agreed",
            "Both agreed",
            tooltip="Both agreed: record it; the draft becomes the introduction",
            id="intro-agreed",
        ),
        Binding("escape", "close", "Close", tooltip="Close without recording", id="intro-close"),
    ]

    def __init__(self, store: Store, a_id: str, b_id: str | None = None, why: str = "") -> None:
        super().__init__()
        self.store = store
        self.a_id = a_id
        self.b_id = b_id
        self.why = why
        self.today = dates.today()
        self.text: str | None = None
        self.recorded: str | None = None

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        name = safe(self.store.get(self.a_id).name)
        with Vertical(id="introduction", classes="dialog") as box:
            box.border_title = Content(f"Introduce {name}")  # a str would be markup
            yield Input(placeholder="to whom? type a name", id="intro-who", compact=True)
            yield OptionList(id="intro-matches", compact=True)
            with VerticalScroll(id="intro-scroll"):
                yield Static("", id="intro-text")
            yield Static("", id="intro-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.b_id is None:
            self._offer("")
            self.query_one("#intro-who", Input).focus()
        else:
            self._choose(self.b_id)

    @property
    def picking(self) -> bool:
        return self.b_id is None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a name is being picked, the letters type; only closing is a key."""
        return action == "close" or not self.picking

    # -- picking the other person ---------------------------------------------------------------

    @on(Input.Changed, "#intro-who")
    def _typed(self, event: Input.Changed) -> None:
        self._offer(event.value)

    def _offer(self, query: str) -> None:
        options = self.query_one("#intro-matches", OptionList)
        options.clear_options()
        for contact in name_matches(self.store, query, self.a_id):
            about = " · ".join(x for x in (contact.company, ", ".join(contact.offers)) if x)
            label = Content.assemble((safe(contact.name), "bold"), (f"  {safe(about)}", "dim"))
            options.add_option(Option(label, id=contact.id))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#intro-who")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#intro-matches", OptionList)
        if options.highlighted is not None:
            chosen = options.get_option_at_index(options.highlighted).id
            if chosen is not None:
                self._choose(chosen)

    @on(OptionList.OptionSelected, "#intro-matches")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._choose(event.option.id)

    def key_down(self) -> None:
        if self.picking:
            self.query_one("#intro-matches", OptionList).action_cursor_down()

    def key_up(self) -> None:
        if self.picking:
            self.query_one("#intro-matches", OptionList).action_cursor_up()

    # -- the draft ------------------------------------------------------------------------------

    def _status(self) -> IntroStatus:
        """Where the introduction between the two stands: the draft follows it."""
        pair = {self.a_id, self.b_id}
        made = [i for i in self.store.introductions() if {i.a_id, i.b_id} == pair]
        return made[-1].status if made else IntroStatus.ASKED

    def _choose(self, b_id: str) -> None:
        self.b_id = b_id
        self.query_one("#intro-who").display = False
        self.query_one("#intro-matches").display = False
        a, b = self.store.get(self.a_id), self.store.get(b_id)
        self.query_one("#introduction").border_title = Content(
            f"Introduce {safe(a.name)} to {safe(b.name)}"
        )
        self._redraft()
        self.query_one("#intro-scroll").focus()  # keys are the screen's now, not the name's
        self.refresh_bindings()

    def _redraft(self) -> None:
        assert self.b_id is not None
        a, b = self.store.get(self.a_id), self.store.get(self.b_id)
        status = self._status()
        try:
            self.text = draft(a, b, self.why, self.store.settings, status)
        except NetuiError as exc:
            self.text = None
            self._show_error(str(exc))
            return
        head = (
            "The ask (both must agree first)" if status is IntroStatus.ASKED else "The introduction"
        )
        body = Content.assemble((f"{head}:\n\n", "dim"), safe_block(self.text))
        self.query_one("#intro-text", Static).update(body)

    # -- keys -----------------------------------------------------------------------------------

    def _record(self, status: IntroStatus, letter: str) -> None:
        assert self.b_id is not None
        try:
            intro = self.store.introduce(
                self.a_id, self.b_id, self.today, status, self.why, letter=letter
            )
        except NetuiError as exc:
            self._show_error(str(exc))
            return
        self.recorded = intro.id
        a, b = self.store.get(self.a_id).name, self.store.get(self.b_id).name
        say(self, f"{safe(a)} and {safe(b)}: {status.value} — u undoes it")

    def action_sent(self) -> None:
        """The draft went out: the ask (asked) or the introduction (introduced)."""
        if self.text is None:
            return
        asked = self._status() is IntroStatus.ASKED
        self._record(IntroStatus.ASKED if asked else IntroStatus.INTRODUCED, self.text)
        if self.recorded is not None:
            self.dismiss(self.a_id)

    def action_agreed(self) -> None:
        self._record(IntroStatus.AGREED, "")
        self._redraft()

    def action_close(self) -> None:
        self.dismiss(self.a_id if self.recorded else None)
